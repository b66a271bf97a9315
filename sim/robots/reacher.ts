/**
 * Two-link reacher arm on a table, Gym's reacher layout: a fixed base, a 0.1 m upper link hinged about z
 * (unlimited), a 0.1 m lower link hinged about z within ±3 rad, and a fingertip 0.11 m along the lower link.
 * The arm moves in the horizontal plane 1 cm above the table and touches nothing.
 */
import type { RobotSpec, Vec3 } from '../robot-spec.js';

const Z = 0.01;
const DENSITY = 1000;
const ARMATURE = 1;
const UP: Vec3 = [0, 0, 1];

/** Fingertip position in the lower link's body frame (m). */
export const REACHER_FINGERTIP: Vec3 = [0.11, 0, 0];
/** Index of the lower link in the spec's body list. */
export const REACHER_LOWER_LINK = 2;

/** The reacher: base (fixed) + 2 links, 2 actuated hinges (shoulder, elbow), gear 200 N·m and armature 1 as in Gym. */
export const reacherSpec: RobotSpec = {
  name: 'reacher',
  rootMode: 'fixed',
  friction: 1,
  bodies: [
    { name: 'base', position: [0, 0, Z], density: DENSITY, shapes: [{ kind: 'sphere', center: [0, 0, 0], radius: 0.011 }] },
    {
      name: 'upper', parent: 'base', position: [0, 0, Z], density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [0, 0, 0], to: [0.1, 0, 0], radius: 0.01 }],
      joint: { name: 'shoulder', anchor: [0, 0, Z], axis: UP, stiffness: 0, damping: 1 },
    },
    {
      name: 'lower', parent: 'upper', position: [0.1, 0, Z], density: DENSITY, armature: ARMATURE,
      shapes: [
        { kind: 'capsule', from: [0, 0, 0], to: [0.1, 0, 0], radius: 0.01 },
        { kind: 'sphere', center: REACHER_FINGERTIP, radius: 0.01 },
      ],
      joint: { name: 'elbow', anchor: [0.1, 0, Z], axis: UP, range: [-3, 3], stiffness: 0, damping: 1 },
    },
  ],
  actuators: [
    { kind: 'joint', joint: 'shoulder', gear: 200 },
    { kind: 'joint', joint: 'elbow', gear: 200 },
  ],
};
