/**
 * How far a simulated robot strays from its ideal joints: the physics-fidelity measures of the speed work.
 * A revolute joint should keep its two anchor points together, rotate only about its axis, and stay inside
 * its limits; an iterative solver only approximately enforces all three.
 */
import type { RobotHandle } from './build.js';
import { add, norm, quatConj, quatMul, rotate, sub } from './quat.js';
import { jointTree, type JointLink } from './robot-spec.js';

/** Constraint errors of one joint at one instant. */
export interface JointError {
  /** Distance between the hinge point as carried by the parent and by the child (m). */
  anchorGap: number;
  /** Angle between the hinge axis as carried by the parent and by the child (rad). */
  axisTilt: number;
  /** How far the joint angle is past its nearer limit (rad); 0 inside the range or without limits. */
  limitOvershoot: number;
}

/** The constraint errors of every joint of `robot`, [numJoints], in joint order. */
export function jointErrors(robot: RobotHandle): JointError[] {
  const angles = new Float64Array(robot.numJoints);
  robot.jointAngles(angles);
  return jointTree(robot.spec).map((link, j) => ({ ...hingeErrors(robot, link), limitOvershoot: overshoot(angles[j], link.joint.range) }));
}

function hingeErrors(robot: RobotHandle, { joint, parent, child }: JointLink): { anchorGap: number; axisTilt: number } {
  const spec = robot.spec.bodies;
  const qp = robot.bodyRotation(parent);
  const qc = robot.bodyRotation(child);
  const fromParent = add(robot.bodyPosition(parent), rotate(qp, sub(joint.anchor, spec[parent].position)));
  const fromChild = add(robot.bodyPosition(child), rotate(qc, sub(joint.anchor, spec[child].position)));
  const relative = quatMul(quatConj(qp), qc);
  const carried = rotate(relative, joint.axis);
  const cosine = carried[0] * joint.axis[0] + carried[1] * joint.axis[1] + carried[2] * joint.axis[2];
  return { anchorGap: norm(sub(fromParent, fromChild)), axisTilt: Math.acos(Math.min(1, Math.max(-1, cosine / norm(carried)))) };
}

function overshoot(angle: number, range?: readonly [number, number]): number {
  if (!range) return 0;
  return Math.max(0, range[0] - angle, angle - range[1]);
}
