/**
 * Planar one-legged hopper with Gym's layout (torso, thigh, leg, foot; 3 hinges about y).
 * Geometry, ranges and gears follow Gymnasium's hopper.xml; masses from shape volumes at 1000 kg/m^3.
 */
import type { RobotSpec } from '../robot-spec.js';
import { LEG_AXIS } from './planar-shapes.js';

const DEG = Math.PI / 180;
const DENSITY = 1000;
/** Extra limb inertia (kg·m^2), as Gym's armature 1: keeps joint-limit overshoot < 0.05 rad at dt 0.004 s. */
const ARMATURE = 1;
const DAMPING = 1;

/** The hopper: 4 bodies, 3 actuated hinges (thigh, leg, foot), gear 200 N·m. */
export const hopperSpec: RobotSpec = {
  name: 'hopper',
  rootMode: 'planar-xz',
  friction: 0.9,
  bodies: [
    { name: 'torso', position: [0, 0, 1.25], density: DENSITY, shapes: [{ kind: 'capsule', from: [0, 0, 0.2], to: [0, 0, -0.2], radius: 0.05 }] },
    {
      name: 'thigh', parent: 'torso', position: [0, 0, 1.05], density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [0, 0, 0], to: [0, 0, -0.45], radius: 0.05 }],
      joint: { name: 'thigh', anchor: [0, 0, 1.05], axis: LEG_AXIS, range: [-150 * DEG, 0], stiffness: 0, damping: DAMPING },
    },
    {
      name: 'leg', parent: 'thigh', position: [0, 0, 0.6], density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [0, 0, 0], to: [0, 0, -0.5], radius: 0.04 }],
      joint: { name: 'leg', anchor: [0, 0, 0.6], axis: LEG_AXIS, range: [-150 * DEG, 0], stiffness: 0, damping: DAMPING },
    },
    {
      name: 'foot', parent: 'leg', position: [0, 0, 0.1], density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [-0.13, 0, 0], to: [0.26, 0, 0], radius: 0.06 }],
      joint: { name: 'foot', anchor: [0, 0, 0.1], axis: LEG_AXIS, range: [-45 * DEG, 45 * DEG], stiffness: 0, damping: DAMPING },
    },
  ],
  actuators: [
    { kind: 'joint', joint: 'thigh', gear: 200 },
    { kind: 'joint', joint: 'leg', gear: 200 },
    { kind: 'joint', joint: 'foot', gear: 200 },
  ],
};
