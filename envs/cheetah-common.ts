/**
 * What the half-cheetah families share: physics settings and reset noise.
 */
import type { PhysicsDef, ResetNoise } from './task-def.js';

/** Half-cheetah physics as in Gym: 0.01 s x 5 = 0.05 s per control step; . */
export const CHEETAH_PHYSICS: PhysicsDef = { dt: 0.01, frameSkip: 5, ground: true };
/** Gym's half-cheetah reset noise: ±0.1 on positions, 0.1·N(0,1) on velocities. */
export const CHEETAH_RESET_NOISE: ResetNoise = { position: 0.1, velocity: 0.1 };
