/**
 * Observation layouts per robot kind (task-free: the task is never observed unless oracle mode appends it).
 */
import type { RobotHandle } from '../sim/build.js';
import { twistAngle } from '../sim/quat.js';
import type { RobotSpec } from '../sim/robot-spec.js';
import { specJoints } from '../sim/robot-spec.js';
import type { ObservationDef } from './task-def.js';

/**
 * Gym's planar layout (half-cheetah, hopper, walker2d): root height z (m), root pitch (rad), joint angles,
 * root velocity x, z (m/s), pitch rate (rad/s), joint velocities. Root x is excluded (translation-invariant).
 */
export function planarObservation(spec: RobotSpec): ObservationDef {
  const n = specJoints(spec).length;
  return {
    layout: [
      { name: 'root.z', size: 1, description: 'torso height (m)' },
      { name: 'root.pitch', size: 1, description: 'torso pitch about y (rad)' },
      { name: 'joint.angle', size: n, description: `angles of ${specJoints(spec).map((j) => j.name).join(', ')} (rad)` },
      { name: 'root.vel', size: 2, description: 'torso velocity x, z (m/s)' },
      { name: 'root.pitchRate', size: 1, description: 'torso pitch rate (rad/s)' },
      { name: 'joint.velocity', size: n, description: 'joint velocities (rad/s)' },
    ],
    write(robot, out, o) {
      out[o] = robot.bodyPosition(0)[2];
      out[o + 1] = twistAngle(robot.bodyRotation(0), [0, 1, 0]);
      robot.jointAngles(out, o + 2);
      const v = robot.bodyLinvel(0);
      out[o + 2 + n] = v[0];
      out[o + 3 + n] = v[2];
      out[o + 4 + n] = robot.bodyAngvel(0)[1];
      robot.jointVelocities(out, o + 5 + n);
    },
  };
}

/** Gym's ant layout (27): torso z, orientation quaternion (w, x, y, z), 8 joint angles, torso linear and angular velocity (world frame), 8 joint velocities. */
export const antObservation: ObservationDef = {
  layout: [
    { name: 'root.z', size: 1, description: 'torso height (m)' },
    { name: 'root.quat', size: 4, description: 'torso orientation w, x, y, z' },
    { name: 'joint.angle', size: 8, description: 'hip and ankle angles (rad)' },
    { name: 'root.linvel', size: 3, description: 'torso velocity (m/s, world)' },
    { name: 'root.angvel', size: 3, description: 'torso angular velocity (rad/s, world)' },
    { name: 'joint.velocity', size: 8, description: 'joint velocities (rad/s)' },
  ],
  write(robot, out, o) {
    out[o] = robot.bodyPosition(0)[2];
    const [x, y, z, w] = robot.bodyRotation(0);
    out.set([w, x, y, z], o + 1);
    robot.jointAngles(out, o + 5);
    out.set(robot.bodyLinvel(0), o + 13);
    out.set(robot.bodyAngvel(0), o + 16);
    robot.jointVelocities(out, o + 19);
  },
};

/**
 * The ant layout with the torso x, y (m, relative to the robot origin) in front (29), as ProMP's AntRandGoal
 * observes qpos whole: a goal-reaching policy needs to know where it is.
 */
export const antObservationWithXY: ObservationDef = {
  layout: [{ name: 'root.xy', size: 2, description: 'torso position x, y (m)' }, ...antObservation.layout],
  write(robot, out, o) {
    const [x, y] = robot.bodyPosition(0);
    out[o] = x;
    out[o + 1] = y;
    antObservation.write(robot, out, o + 2);
  },
};

/** Reacher layout (8): cos and sin of both joint angles, joint velocities, fingertip x, y (m). The goal is hidden. */
export function reacherObservation(fingertip: (robot: RobotHandle) => [number, number, number]): ObservationDef {
  const q = new Float64Array(2);
  return {
    layout: [
      { name: 'joint.cos', size: 2, description: 'cos of shoulder, elbow angles' },
      { name: 'joint.sin', size: 2, description: 'sin of shoulder, elbow angles' },
      { name: 'joint.velocity', size: 2, description: 'joint velocities (rad/s)' },
      { name: 'fingertip', size: 2, description: 'fingertip x, y on the table (m)' },
    ],
    write(robot, out, o) {
      robot.jointAngles(q);
      out.set([Math.cos(q[0]), Math.cos(q[1]), Math.sin(q[0]), Math.sin(q[1])], o);
      robot.jointVelocities(out, o + 4);
      const tip = fingertip(robot);
      out[o + 6] = tip[0];
      out[o + 7] = tip[1];
    },
  };
}

/** Point-mass layout (4): position x, y (m) and velocity x, y (m/s). */
export const pointObservation: ObservationDef = {
  layout: [
    { name: 'position', size: 2, description: 'x, y (m)' },
    { name: 'velocity', size: 2, description: 'x, y (m/s)' },
  ],
  write(robot, out, o) {
    const p = robot.bodyPosition(0);
    const v = robot.bodyLinvel(0);
    out.set([p[0], p[1], v[0], v[1]], o);
  },
};
