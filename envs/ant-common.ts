/**
 * What the ant families share: physics settings, reset noise, health rule and the alive/control terms.
 */
import { antSpec } from '../sim/robots/ant.js';
import { controlCost } from './reward-terms.js';
import type { PhysicsDef, ResetNoise } from './task-def.js';

/** Ant physics: 0.01 s x 5 per control step, 8 solver iterations (see sim/robots/ant.ts). */
export const ANT_PHYSICS: PhysicsDef = { dt: 0.01, frameSkip: 5, solverIterations: 8, ground: true };
export const ANT_RESET_NOISE: ResetNoise = { position: 0.1, velocity: 0.1 };
/** The torso must stay within this height band (m), else the episode terminates (it fell or flew). */
export const ANT_HEALTHY_Z: [number, number] = [0.2, 1.5];
export const ANT_ROBOT = antSpec;

/** Alive bonus (+1 while healthy), control cost (-0.1 |a|^2) and the termination flag. */
export function antCommonTerms(z: number, action: Float32Array): { alive: number; control: number; terminated: boolean } {
  const healthy = z >= ANT_HEALTHY_Z[0] && z <= ANT_HEALTHY_Z[1];
  return { alive: healthy ? 1 : 0, control: controlCost(action, 0.1), terminated: !healthy };
}

/** Reward-term descriptions of {@link antCommonTerms}. */
export const ANT_COMMON_TERMS = [
  { name: 'alive', size: 1, description: '+1 while the torso height is within [0.2, 1.5] m' },
  { name: 'control', size: 1, description: '-0.1 |a|^2' },
];
