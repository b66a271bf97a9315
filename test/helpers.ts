/** Shared test utilities: seeded random data, action sequences, short rollouts, array comparisons. */
import assert from 'node:assert/strict';
import { Rng, type Env } from '../envs/index.js';

/** `steps` seeded uniform actions in [-1, 1] of dimension `dim`. */
export function randomActions(seed: number, steps: number, dim: number): Float32Array[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: steps }, () => Float32Array.from({ length: dim }, () => rng.uniform(-1, 1)));
}

/** Reset with `seed`, apply `actions` (resetting after an episode ends), return rewards and observations. */
export function rollout(env: Env, seed: number, actions: Float32Array[]): { rewards: number[]; obs: Float32Array[] } {
  const rewards: number[] = [];
  const obs: Float32Array[] = [env.reset({ seed }).obs];
  for (const a of actions) {
    const r = env.step(a);
    rewards.push(r.reward);
    obs.push(r.obs);
    if (r.terminated || r.truncated) obs.push(env.reset().obs);
  }
  return { rewards, obs };
}

/** `n` normal samples times `scale` drawn from `rng`. */
export function normals(rng: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

/** Largest absolute elementwise difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
