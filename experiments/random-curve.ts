/**
 * The random baseline of the evaluation protocol: a uniform random policy over the action box, measured at
 * every point of the adaptation curve like a learner (it cannot adapt, so its curve is flat up to noise).
 */
import { summarizeCurve } from '../agents/meta/adaptation-curve.js';
import { sampleEpisodes, type BatchPolicy, type Path } from '../agents/sampler.js';
import type { Box } from '../envs/box.js';
import type { AdaptationCurve } from '../agents/meta/types.js';
import { Rng } from '../envs/rng.js';
import type { Task, VecEnv } from '../envs/types.js';

/**
 * Mean return (and success rate) of `vec.numEnvs` uniform-random episodes on `task`, for each of `points`
 * curve points. `vec` is reused (its tasks are set here). Seeded by `seed`.
 */
export function randomPolicyCurve(vec: VecEnv, task: Task, points: number, seed: number): AdaptationCurve {
  const rng = Rng.fromSeed(seed);
  vec.setTasks(Array.from({ length: vec.numEnvs }, () => task));
  const act = uniformRandomPolicy(vec.singleActionSpace, vec.numEnvs, rng);
  const perPoint: Path[][] = [];
  for (let p = 0; p < points; p++) perPoint.push(sampleEpisodes(vec, act, { seed: rng.seed() }));
  return summarizeCurve(perPoint);
}

/** A batched policy drawing every action uniformly from `space` ([numEnvs * dim] per call) with `rng`. */
export function uniformRandomPolicy(space: Box, numEnvs: number, rng: Rng): BatchPolicy {
  const { low, high, dim } = space;
  return () => Float32Array.from({ length: numEnvs * dim }, (_, i) => rng.uniform(low[i % dim], high[i % dim]));
}
