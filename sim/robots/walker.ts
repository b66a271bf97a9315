/**
 * Planar biped walker with Gym's walker2d layout (torso and two legs of thigh, leg, foot; 6 hinges about y).
 * Geometry, ranges and gears follow Gymnasium's walker2d.xml; masses from shape volumes at 1000 kg/m^3.
 */
import type { BodySpec, RobotSpec } from '../robot-spec.js';
import { LEG_AXIS } from './planar-shapes.js';

const DEG = Math.PI / 180;
const DENSITY = 1000;
/** Extra limb inertia (kg·m^2): 0.5 keeps joint-limit overshoot < 0.08 rad at dt 0.004 s (Gym: 0.01 in MuJoCo). */
const ARMATURE = 0.5;
const DAMPING = 0.1;

/** One leg (thigh, leg, foot) with joint names suffixed by `side`. Both legs share the x-z plane, as in Gym. */
function leg(side: 'right' | 'left'): BodySpec[] {
  const s = side === 'right' ? '' : '_left';
  return [
    {
      name: `thigh${s}`, parent: 'torso', position: [0, 0, 1.05], density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [0, 0, 0], to: [0, 0, -0.45], radius: 0.05 }],
      joint: { name: `thigh${s}`, anchor: [0, 0, 1.05], axis: LEG_AXIS, range: [-150 * DEG, 0], stiffness: 0, damping: DAMPING },
    },
    {
      name: `leg${s}`, parent: `thigh${s}`, position: [0, 0, 0.6], density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [0, 0, 0], to: [0, 0, -0.5], radius: 0.04 }],
      joint: { name: `leg${s}`, anchor: [0, 0, 0.6], axis: LEG_AXIS, range: [-150 * DEG, 0], stiffness: 0, damping: DAMPING },
    },
    {
      name: `foot${s}`, parent: `leg${s}`, position: [0, 0, 0.1], density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [0, 0, 0], to: [0.2, 0, 0], radius: 0.06 }],
      joint: { name: `foot${s}`, anchor: [0, 0, 0.1], axis: LEG_AXIS, range: [-45 * DEG, 45 * DEG], stiffness: 0, damping: DAMPING },
    },
  ];
}

/** The walker: 7 bodies, 6 actuated hinges (right thigh/leg/foot, then left), gear 100 N·m. */
export const walkerSpec: RobotSpec = {
  name: 'walker2d',
  rootMode: 'planar-xz',
  friction: 0.9,
  bodies: [
    { name: 'torso', position: [0, 0, 1.25], density: DENSITY, shapes: [{ kind: 'capsule', from: [0, 0, 0.2], to: [0, 0, -0.2], radius: 0.05 }] },
    ...leg('right'),
    ...leg('left'),
  ],
  actuators: ['thigh', 'leg', 'foot', 'thigh_left', 'leg_left', 'foot_left'].map((joint) => ({ kind: 'joint' as const, joint, gear: 100 })),
};
