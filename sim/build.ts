/**
 * buildRobot: turn a RobotSpec into Rapier bodies, colliders and revolute joints inside a PhysicsWorld,
 * and return a RobotHandle to read state, apply actions and change dynamics parameters.
 */
import type RAPIER_NS from '@dimforge/rapier3d-simd-compat';
import { physics } from './rapier.js';
import type { BodySpec, RobotSpec, Vec3 } from './robot-spec.js';
import { jointTree, validateRobotSpec, type JointLink } from './robot-spec.js';
import { shapeCollider } from './collider.js';
import { forwardKinematics, type RobotState } from './kinematics.js';
import { add, quatConj, quatMul, rotate, sub, twistAngle, type Quat } from './quat.js';

export type { RobotState } from './kinematics.js';
import { ROBOT_GROUPS, ROBOT_NO_CONTACT_GROUPS, type PhysicsWorld } from './world.js';

type Body = RAPIER_NS.RigidBody;
type Revolute = RAPIER_NS.RevoluteImpulseJoint;

/** Per-body and per-joint multipliers of the nominal dynamics (1 = as specified). */
export interface DynamicsParams {
  /** Mass multiplier per body, [numBodies]. */
  massScale: number[];
  /** Rotational-inertia multiplier per body, [numBodies]. */
  inertiaScale: number[];
  /** Damping multiplier per joint, [numJoints]. */
  dampingScale: number[];
  /** Friction multiplier per body, [numBodies]. */
  frictionScale: number[];
}

/** Nominal mass properties of one body, read from Rapier after its colliders were attached. */
interface MassProps {
  mass: number;
  com: RAPIER_NS.Vector;
  inertia: RAPIER_NS.Vector;
  frame: RAPIER_NS.Rotation;
}

/** Options for {@link buildRobot}. */
export interface BuildOptions {
  /** Where the robot's origin sits in the world (m). Poses read back are relative to it. */
  origin?: Vec3;
  /** Whether the robot's shapes collide with the ground (default true). */
  groundContact?: boolean;
}

/** Build `spec` into `world`; robots built into one world never touch each other. */
export function buildRobot(world: PhysicsWorld, spec: RobotSpec, options: BuildOptions = {}): RobotHandle {
  validateRobotSpec(spec);
  return new RobotHandle(world, spec, options.origin ?? [0, 0, 0], options.groundContact ?? true);
}

/** A robot living in a PhysicsWorld: state readers, actuation and dynamics parameters. */
export class RobotHandle {
  readonly numBodies: number;
  readonly numJoints: number;
  readonly numActuators: number;
  private bodies: Body[] = [];
  private joints: Revolute[] = [];
  private readonly bodyHandles: number[] = [];
  private readonly jointHandles: number[] = [];
  /** Each joint with its parent and child body indices, [numJoints]. */
  private readonly tree: JointLink[];
  private readonly nominalMass: MassProps[] = [];
  /** Collision groups of this robot's colliders. */
  private readonly groups: number;
  private readonly control: Float64Array;
  private params: DynamicsParams;

  constructor(
    private readonly world: PhysicsWorld,
    readonly spec: RobotSpec,
    readonly origin: Vec3,
    groundContact: boolean,
  ) {
    this.groups = groundContact ? ROBOT_GROUPS : ROBOT_NO_CONTACT_GROUPS;
    this.numBodies = spec.bodies.length;
    this.tree = jointTree(spec);
    this.numJoints = this.tree.length;
    this.numActuators = spec.actuators.length;
    this.control = new Float64Array(this.numActuators);
    this.params = {
      massScale: new Array(this.numBodies).fill(1),
      inertiaScale: new Array(this.numBodies).fill(1),
      dampingScale: new Array(this.numJoints).fill(1),
      frictionScale: new Array(this.numBodies).fill(1),
    };
    spec.bodies.forEach((b, i) => this.createBody(b, i));
    this.tree.forEach((link) => this.createJoint(link));
    this.applyMassProperties();
    this.applyAction(new Float32Array(this.numActuators));
    world.onRestore(() => this.rebind());
  }

  private createBody(spec: BodySpec, index: number): void {
    const R = physics();
    const p = add(this.origin, spec.position);
    const isRoot = index === 0;
    const mode = this.spec.rootMode;
    const desc = (isRoot && mode === 'fixed' ? R.RigidBodyDesc.fixed() : R.RigidBodyDesc.dynamic()).setTranslation(p[0], p[1], p[2]);
    if (isRoot && mode === 'planar-xz') desc.enabledTranslations(true, false, true).enabledRotations(false, true, false);
    if (isRoot && mode === 'planar-xy') desc.enabledTranslations(true, true, false).lockRotations();
    if (isRoot && this.spec.rootLinearDamping) desc.setLinearDamping(this.spec.rootLinearDamping);
    const body = this.world.raw.createRigidBody(desc);
    this.createColliders(body, spec, spec.density, 1);
    body.recomputeMassPropertiesFromColliders();
    this.nominalMass.push({
      mass: body.mass(),
      com: body.localCom(),
      inertia: body.principalInertia(),
      frame: body.principalInertiaLocalFrame(),
    });
    for (let c = 0; c < body.numColliders(); c++) body.collider(c).setDensity(0);
    this.bodies.push(body);
    this.bodyHandles.push(body.handle);
  }

  private createJoint({ joint: j, parent, child }: JointLink): void {
    const R = physics();
    const a1 = sub(j.anchor, this.spec.bodies[parent].position);
    const a2 = sub(j.anchor, this.spec.bodies[child].position);
    const data = R.JointData.revolute({ x: a1[0], y: a1[1], z: a1[2] }, { x: a2[0], y: a2[1], z: a2[2] }, { x: j.axis[0], y: j.axis[1], z: j.axis[2] });
    const joint = this.world.raw.createImpulseJoint(data, this.bodies[parent], this.bodies[child], true) as Revolute;
    if (j.range) joint.setLimits(j.range[0], j.range[1]);
    joint.configureMotorModel(R.MotorModel.ForceBased);
    this.joints.push(joint);
    this.jointHandles.push(joint.handle);
  }

  /** Attach the body's shapes as colliders of the given density (kg/m^3) and friction multiplier. */
  private createColliders(body: Body, spec: BodySpec, density: number, frictionScale: number): void {
    const R = physics();
    for (const shape of spec.shapes) {
      const desc = shapeCollider(shape).setDensity(density).setFriction(this.spec.friction * frictionScale).setCollisionGroups(this.groups);
      this.world.raw.createCollider(desc.setFrictionCombineRule(R.CoefficientCombineRule.Multiply), body);
    }
  }

  /**
   * Forget every contact of this robot (and the solver's warm-start impulses with it) by re-creating its
   * colliders: after a reset the next steps then depend only on the new state, not on earlier episodes.
   * Colliders are removed last-first so the arena hands the same slots back in the same order. A robot that
   * touches nothing has no contacts to forget and keeps its colliders (re-creating the colliders of a fixed
   * body makes rapier3d-simd-compat 0.20's next step panic).
   */
  clearContacts(): void {
    if (this.groups === ROBOT_NO_CONTACT_GROUPS) return;
    for (let i = this.numBodies - 1; i >= 0; i--) {
      const body = this.bodies[i];
      for (let c = body.numColliders() - 1; c >= 0; c--) this.world.raw.removeCollider(body.collider(c), false);
    }
    this.bodies.forEach((b, i) => this.createColliders(b, this.spec.bodies[i], 0, this.params.frictionScale[i]));
  }

  /** Look bodies and joints up again after the world was restored from a snapshot. */
  private rebind(): void {
    this.bodies = this.bodyHandles.map((h) => this.world.raw.getRigidBody(h));
    this.joints = this.jointHandles.map((h) => this.world.raw.getImpulseJoint(h) as Revolute);
  }

  /** Names of the joints, in joint order. */
  get jointNames(): string[] {
    return this.tree.map((l) => l.joint.name);
  }

  /**
   * Set the controls, held until the next call. `u` has one entry per actuator and is clipped to [-1, 1].
   * A joint actuator produces torque `gear*u - stiffness*q - damping*qdot`; a root-force actuator a force `gear*u`.
   */
  applyAction(u: ArrayLike<number>): void {
    for (let i = 0; i < this.numActuators; i++) this.control[i] = Math.min(1, Math.max(-1, u[i]));
    const torque = new Float64Array(this.numJoints);
    const force: [number, number, number] = [0, 0, 0];
    this.spec.actuators.forEach((a, i) => {
      if (a.kind === 'joint') torque[this.jointIndex(a.joint)] += a.gear * this.control[i];
      else force[a.axis] += a.gear * this.control[i];
    });
    for (let j = 0; j < this.numJoints; j++) this.driveJoint(j, torque[j]);
    if (this.spec.actuators.some((a) => a.kind === 'root-force')) {
      const root = this.bodies[0];
      root.resetForces(true);
      root.addForce({ x: force[0], y: force[1], z: force[2] }, true);
    }
  }

  private jointIndex(name: string): number {
    return this.tree.findIndex((l) => l.joint.name === name);
  }

  /** Joint motor reproducing `tau - k*q - d*qdot` with Rapier's implicit force-based motor. */
  private driveJoint(j: number, tau: number): void {
    const spec = this.tree[j].joint;
    const k = spec.stiffness;
    const d = spec.damping * this.params.dampingScale[j];
    if (k > 0) this.joints[j].configureMotor(tau / k, 0, k, d);
    else if (d > 0) this.joints[j].configureMotor(0, tau / d, 0, d);
  }

  /** Replace some dynamics multipliers (the rest keep their current values); takes effect at the next step. */
  setDynamics(params: Partial<DynamicsParams>): void {
    const next = { ...this.params, ...params };
    checkLength('massScale', next.massScale, this.numBodies);
    checkLength('inertiaScale', next.inertiaScale, this.numBodies);
    checkLength('frictionScale', next.frictionScale, this.numBodies);
    checkLength('dampingScale', next.dampingScale, this.numJoints);
    this.params = next;
    this.applyMassProperties();
    this.bodies.forEach((b, i) => {
      for (let c = 0; c < b.numColliders(); c++) b.collider(c).setFriction(this.spec.friction * next.frictionScale[i]);
    });
    this.applyAction(this.control);
  }

  /** Current dynamics multipliers (copies). */
  getDynamics(): DynamicsParams {
    const p = this.params;
    return { massScale: [...p.massScale], inertiaScale: [...p.inertiaScale], dampingScale: [...p.dampingScale], frictionScale: [...p.frictionScale] };
  }

  private applyMassProperties(): void {
    this.bodies.forEach((b, i) => {
      const m = this.nominalMass[i];
      const s = this.params.inertiaScale[i];
      const arm = this.spec.bodies[i].armature ?? 0;
      const inertia = { x: m.inertia.x * s + arm, y: m.inertia.y * s + arm, z: m.inertia.z * s + arm };
      b.setAdditionalMassProperties(m.mass * this.params.massScale[i], m.com, inertia, m.frame, true);
      b.recomputeMassPropertiesFromColliders();
    });
  }

  /** Total mass (kg) as currently simulated. */
  totalMass(): number {
    return this.bodies.reduce((sum, b) => sum + b.mass(), 0);
  }

  /** Joint angles (rad) into `out` at `offset`, [numJoints]. */
  jointAngles(out: Float32Array | Float64Array, offset = 0): void {
    for (let j = 0; j < this.numJoints; j++) {
      const { joint, parent, child } = this.tree[j];
      const rel = quatMul(quatConj(toQuat(this.bodies[parent].rotation())), toQuat(this.bodies[child].rotation()));
      out[offset + j] = twistAngle(rel, joint.axis);
    }
  }

  /** Joint angular velocities (rad/s) into `out` at `offset`, [numJoints]. */
  jointVelocities(out: Float32Array | Float64Array, offset = 0): void {
    for (let j = 0; j < this.numJoints; j++) {
      const link = this.tree[j];
      const parent = this.bodies[link.parent];
      const axis = rotate(toQuat(parent.rotation()), link.joint.axis);
      const wc = this.bodies[link.child].angvel();
      const wp = parent.angvel();
      out[offset + j] = axis[0] * (wc.x - wp.x) + axis[1] * (wc.y - wp.y) + axis[2] * (wc.z - wp.z);
    }
  }

  /** Position (m) of body `i`'s frame origin, relative to the robot origin. */
  bodyPosition(i = 0): [number, number, number] {
    const t = this.bodies[i].translation();
    return [t.x - this.origin[0], t.y - this.origin[1], t.z - this.origin[2]];
  }

  /** Orientation of body `i` as [x, y, z, w]. */
  bodyRotation(i = 0): Quat {
    return toQuat(this.bodies[i].rotation());
  }

  /** Centre-of-mass linear velocity (m/s) of body `i`. */
  bodyLinvel(i = 0): [number, number, number] {
    const v = this.bodies[i].linvel();
    return [v.x, v.y, v.z];
  }

  /** Angular velocity (rad/s, world frame) of body `i`. */
  bodyAngvel(i = 0): [number, number, number] {
    const w = this.bodies[i].angvel();
    return [w.x, w.y, w.z];
  }

  /** World position (m, relative to the robot origin) of a point given in body `i`'s frame. */
  pointOnBody(i: number, local: Vec3): [number, number, number] {
    return add(this.bodyPosition(i), rotate(this.bodyRotation(i), local));
  }

  /** Poses of all bodies into `out` at `offset`: per body position (3, m, relative to origin) then quaternion (4), [numBodies*7]. */
  bodyPoses(out: Float32Array, offset = 0): void {
    for (let i = 0; i < this.numBodies; i++) {
      const t = this.bodies[i].translation();
      const r = this.bodies[i].rotation();
      const o = offset + i * 7;
      out[o] = t.x - this.origin[0];
      out[o + 1] = t.y - this.origin[1];
      out[o + 2] = t.z - this.origin[2];
      out[o + 3] = r.x;
      out[o + 4] = r.y;
      out[o + 5] = r.z;
      out[o + 6] = r.w;
    }
  }

  /** True when every body's pose and velocity is finite (false after a physics blow-up). */
  isFinite(): boolean {
    return this.bodies.every((b) => {
      const t = b.translation();
      const v = b.linvel();
      const w = b.angvel();
      return Number.isFinite(t.x + t.y + t.z + v.x + v.y + v.z + w.x + w.y + w.z) && Math.abs(v.x) + Math.abs(v.y) + Math.abs(v.z) < 1e4;
    });
  }

  /** Teleport the robot to a kinematic state (forward kinematics over the joint tree). */
  setState(state: RobotState): void {
    const poses = forwardKinematics(this.spec, this.nominalMass.map((m) => vec(m.com)), state);
    this.bodies.forEach((b, i) => {
      if (i === 0 && this.spec.rootMode === 'fixed') return;
      const { position, rotation: r, linvel: v, angvel: w } = poses[i];
      const p = add(position, this.origin);
      b.setTranslation({ x: p[0], y: p[1], z: p[2] }, true);
      b.setRotation({ x: r[0], y: r[1], z: r[2], w: r[3] }, true);
      b.setLinvel({ x: v[0], y: v[1], z: v[2] }, true);
      b.setAngvel({ x: w[0], y: w[1], z: w[2] }, true);
    });
  }
}

function vec(v: RAPIER_NS.Vector): Vec3 {
  return [v.x, v.y, v.z];
}

function toQuat(r: RAPIER_NS.Rotation): Quat {
  return [r.x, r.y, r.z, r.w];
}

function checkLength(name: string, values: readonly number[], expected: number): void {
  if (values.length !== expected) throw new Error(`setDynamics: ${name} needs ${expected} entries, got ${values.length}.`);
  if (!values.every((v) => Number.isFinite(v) && v > 0)) throw new Error(`setDynamics: ${name} entries must be finite and > 0.`);
}
