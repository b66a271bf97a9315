/**
 * RobotSpec: a robot as plain, serialisable data (bodies, shapes, joints, actuators), engine-agnostic.
 *
 * Conventions: SI units (m, kg, rad, s), z up. Every body is listed in its rest pose with an identity
 * orientation, so a body's frame is world-aligned at rest and all joint angles are 0 there. Shapes carry
 * their own placement inside the body frame. Robots touch the ground only, never themselves or each other.
 */

/** A 3-vector in metres (or a direction). */
export type Vec3 = readonly [number, number, number];

/** A collision/visual shape, placed in its body's frame. */
export type ShapeSpec =
  /** Capsule between two points (the segment's end caps are hemispheres of `radius`). */
  | { kind: 'capsule'; from: Vec3; to: Vec3; radius: number }
  | { kind: 'sphere'; center: Vec3; radius: number }
  /** Axis-aligned box in the body frame. */
  | { kind: 'box'; center: Vec3; halfExtents: Vec3 };

/** Revolute (hinge) joint connecting a body to its parent. Angle 0 is the rest pose. */
export interface JointSpec {
  name: string;
  /** Hinge point, in world coordinates of the rest pose relative to the robot origin (m). */
  anchor: Vec3;
  /** Hinge axis, unit vector in the rest-pose world frame. Positive angle = right-hand rotation about it. */
  axis: Vec3;
  /** Angle limits [min, max] (rad); omit for an unlimited joint. */
  range?: readonly [number, number];
  /** Passive spring toward angle 0 (N·m/rad). */
  stiffness: number;
  /** Passive viscous damping (N·m·s/rad); must be > 0 for actuated joints. */
  damping: number;
}

/** A rigid body of the robot. */
export interface BodySpec {
  name: string;
  /** Parent body name; omitted for the root. */
  parent?: string;
  /** Body-frame origin in the rest pose, relative to the robot origin (m). */
  position: Vec3;
  shapes: readonly ShapeSpec[];
  /** Density of the body's shapes (kg/m^3). */
  density: number;
  /** Extra rotational inertia added on every axis (kg·m^2): a stand-in for MuJoCo's joint armature. */
  armature?: number;
  /** Joint to the parent (required for every non-root body). */
  joint?: JointSpec;
}

/**
 * How the root body moves:
 * - `free`: 6 DoF (ant);
 * - `planar-xz`: slides in x and z and pitches about y (cheetah, hopper, walker);
 * - `planar-xy`: slides in x and y only, no rotation, no gravity effect (point mass);
 * - `fixed`: welded to the world (reacher base).
 */
export type RootMode = 'free' | 'planar-xz' | 'planar-xy' | 'fixed';

/** An actuator: a torque on a joint, or a force on the root along a world axis. */
export type ActuatorSpec =
  | { kind: 'joint'; joint: string; gear: number }
  | { kind: 'root-force'; axis: 0 | 1 | 2; gear: number };

/** A complete robot description. Bodies are listed parents-first; the first body is the root. */
export interface RobotSpec {
  name: string;
  rootMode: RootMode;
  bodies: readonly BodySpec[];
  /** One entry per action dimension, in action order; controls are clipped to [-1, 1]. */
  actuators: readonly ActuatorSpec[];
  /** Sliding friction of the robot's shapes against the ground (dimensionless). */
  friction: number;
  /** Linear damping of the root body (1/s); used by the point mass to make force control velocity-like. */
  rootLinearDamping?: number;
}

/** The joints of a spec in body order (each non-root body's joint). */
export function specJoints(spec: RobotSpec): JointSpec[] {
  return spec.bodies.flatMap((b) => (b.joint ? [b.joint] : []));
}

/** A joint with the indices of the bodies it connects. */
export interface JointLink {
  joint: JointSpec;
  /** Index of the parent body in `spec.bodies`. */
  parent: number;
  /** Index of the child body in `spec.bodies`. */
  child: number;
}

/** The joint tree of a (valid) spec, in body order: parents always precede their children. */
export function jointTree(spec: RobotSpec): JointLink[] {
  const index = new Map(spec.bodies.map((b, i) => [b.name, i]));
  return spec.bodies.flatMap((b, child) => (b.joint && b.parent ? [{ joint: b.joint, parent: index.get(b.parent) as number, child }] : []));
}

/**
 * Check a spec's internal consistency and throw an error naming the problem: unique names, parents
 * listed before children, a joint on every non-root body, actuators referring to existing joints.
 */
export function validateRobotSpec(spec: RobotSpec): void {
  const seen = new Set<string>();
  spec.bodies.forEach((b, i) => {
    if (seen.has(b.name)) throw new Error(`RobotSpec ${spec.name}: duplicate body name "${b.name}".`);
    if (i === 0 && b.parent) throw new Error(`RobotSpec ${spec.name}: the first body must be the root (no parent).`);
    if (i > 0 && (!b.parent || !seen.has(b.parent)))
      throw new Error(`RobotSpec ${spec.name}: body "${b.name}" needs a parent listed before it.`);
    if (i > 0 && !b.joint) throw new Error(`RobotSpec ${spec.name}: body "${b.name}" needs a joint to its parent.`);
    if (b.shapes.length === 0) throw new Error(`RobotSpec ${spec.name}: body "${b.name}" has no shapes.`);
    seen.add(b.name);
  });
  const joints = new Map(specJoints(spec).map((j) => [j.name, j]));
  for (const a of spec.actuators) {
    if (a.kind !== 'joint') continue;
    const joint = joints.get(a.joint);
    if (!joint) throw new Error(`RobotSpec ${spec.name}: actuator refers to unknown joint "${a.joint}".`);
    if (!(joint.damping > 0)) throw new Error(`RobotSpec ${spec.name}: actuated joint "${a.joint}" needs damping > 0.`);
  }
}
