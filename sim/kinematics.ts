/**
 * Forward kinematics of a RobotSpec's joint tree: body poses and velocities from root state and joint
 * coordinates. Used to teleport robots (reset) without stepping the physics.
 */
import { add, cross, quatAxisAngle, quatMul, rotate, sub, type Quat } from './quat.js';
import { jointTree, type RobotSpec, type Vec3 } from './robot-spec.js';

/** Full kinematic state of a robot, relative to its origin. Velocities are of the bodies' centres of mass. */
export interface RobotState {
  rootPosition: Vec3;
  rootRotation: Readonly<Quat>;
  /** Root centre-of-mass velocity (m/s). */
  rootLinvel: Vec3;
  /** Root angular velocity (rad/s), world frame. */
  rootAngvel: Vec3;
  /** Joint angles (rad), [numJoints]. */
  q: ArrayLike<number>;
  /** Joint velocities (rad/s), [numJoints]. */
  qdot: ArrayLike<number>;
}

/** One body's frame position (m), orientation, centre-of-mass velocity (m/s) and angular velocity (rad/s). */
export interface BodyKinematics {
  position: Vec3;
  rotation: Quat;
  linvel: Vec3;
  angvel: Vec3;
}

/**
 * Poses and velocities of every body, [numBodies], given the root state and joint coordinates.
 * `comLocal[i]` is body i's centre of mass in its own frame (m). Relies on the spec convention that rest
 * orientations are the identity, so joint axes are the same in the parent frame and the rest-pose world.
 */
export function forwardKinematics(spec: RobotSpec, comLocal: readonly Vec3[], state: RobotState): BodyKinematics[] {
  const out: BodyKinematics[] = [
    { position: state.rootPosition, rotation: [...state.rootRotation] as Quat, linvel: state.rootLinvel, angvel: state.rootAngvel },
  ];
  jointTree(spec).forEach(({ joint, parent, child }, j) => {
    const p = out[parent];
    const rotation = quatMul(p.rotation, quatAxisAngle(joint.axis, state.q[j]));
    const anchor = add(p.position, rotate(p.rotation, sub(joint.anchor, spec.bodies[parent].position)));
    const position = sub(anchor, rotate(rotation, sub(joint.anchor, spec.bodies[child].position)));
    const axisWorld = rotate(p.rotation, joint.axis);
    const angvel = add(p.angvel, [axisWorld[0] * state.qdot[j], axisWorld[1] * state.qdot[j], axisWorld[2] * state.qdot[j]]);
    const parentCom = add(p.position, rotate(p.rotation, comLocal[parent]));
    const childCom = add(position, rotate(rotation, comLocal[child]));
    const anchorVel = add(p.linvel, cross(p.angvel, sub(anchor, parentCom)));
    out[child] = { position, rotation, linvel: add(anchorVel, cross(angvel, sub(childCom, anchor))), angvel };
  });
  return out;
}
