/**
 * What the ant families share: physics settings, reset noise, the control-cost term and the differences from the
 * ProMP / PEARL ant tasks (Gym's ant.xml).
 */
import { antSpec } from '../sim/robots/ant.js';
import { RAPIER_NOT_MUJOCO } from './fidelity-notes.js';
import type { PhysicsDef, ResetNoise } from './task-def.js';
import type { LayoutEntry } from './types.js';

/** Ant physics: 0.01 s x 5 per control step, 8 solver iterations (see sim/robots/ant.ts). */
export const ANT_PHYSICS: PhysicsDef = { dt: 0.01, frameSkip: 5, solverIterations: 8, ground: true };
/** Gym's ant reset noise scale: ±0.1 on positions and angles, 0.1·N(0, 1) on velocities. */
export const ANT_RESET_NOISE: ResetNoise = { position: 0.1, velocity: 0.1 };
export const ANT_ROBOT = antSpec;

/** Weight of the ant's control cost `-w |a|^2` (AntDir and AntGoal). */
export const ANT_CONTROL_WEIGHT = 0.1;

/** Reward-term description of the ant's control cost. */
export const ANT_CONTROL_TERM: LayoutEntry = { name: 'control', size: 1, description: `-${ANT_CONTROL_WEIGHT} |a|^2` };

/** Where both ant families deviate from the reference ant (Gym's ant.xml, as ProMP and PEARL use it). */
export const ANT_DIFFERENCES: readonly string[] = [
  RAPIER_NOT_MUJOCO,
  "Density 50 kg/m^3 (9.1 kg; ant.xml: 5, 0.9 kg), gear 60 N·m (150), armature 0.3 kg·m^2 as extra limb inertia (joint armature 1) and 8 solver iterations: with ant.xml's values the Rapier ant explodes within a second of random actions (sim/robots/ant.ts).",
  'No contact cost and no contact forces in the observation: the reference subtracts 0.5e-3 times the sum of squared clipped external forces (at most 0.042 per step) and observes those 84 forces.',
  "The torso's angular velocity is observed in the world frame; MuJoCo's free-joint velocity gives it in the torso frame.",
  "Reset rotation noise is uniform ±0.1 rad about each axis; the reference adds uniform ±0.1 to the quaternion's components.",
];
