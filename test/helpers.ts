/** Shared test utilities: seeded random data, action sequences, short rollouts, array comparisons. */
import assert from 'node:assert/strict';
import type { Rng } from '../envs/index.js';

export { randomActions, rollout } from '../envs/env-checks.js';

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
