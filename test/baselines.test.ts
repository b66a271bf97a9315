import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../envs/rng.js';
import {
  fitLinearBaseline,
  linearBaselineFeatures,
  linearFeatureDim,
  predictLinearBaseline,
  type BaselinePath,
} from '../agents/baselines.js';
import { normals, maxAbsDiff } from './helpers.js';

/** Paths whose returns are exactly F·c for the given coefficients (computed in float64, stored as float32). */
function linearPaths(rng: Rng, obsDim: number, lengths: number[], coeffs: number[]): BaselinePath[] {
  return lengths.map((T) => {
    const obs = normals(rng, T * obsDim, 2);
    const f = linearBaselineFeatures(obs, obsDim);
    const d = linearFeatureDim(obsDim);
    const returns = Float64Array.from({ length: T }, (_, t) => coeffs.reduce((s, c, i) => s + c * f[t * d + i], 0));
    return { obs, returns };
  });
}

describe('linear feature baseline', () => {
  it('features are [clip(o), clip(o)², t/100, (t/100)², (t/100)³, 1] (hand-worked)', () => {
    const f = linearBaselineFeatures(Float32Array.from([12, -0.5, 0.25, -11]), 2);
    const hand = [
      10, -0.5, 100, 0.25, 0, 0, 0, 1, //
      0.25, -10, 0.0625, 100, 0.01, 0.0001, 0.000001, 1,
    ];
    assert.ok(maxAbsDiff(f, hand) < 1e-15, `${f}`);
  });

  it('predicts F·c per path (hand-worked)', () => {
    const model = { obsDim: 1, clip: 10, coeffs: Float64Array.from([2, -1, 100, 0, 0, 3]), regCoeff: 1e-5 };
    // t = 0, o = 1: 2 − 1 + 0 + 3 = 4.   t = 1, o = −2: −4 − 4 + 100·0.01 + 3 = −4.
    assert.deepEqual(Array.from(predictLinearBaseline(model, [1, -2])), [4, -4]);
  });

  it('fits the ridge solution of a one-step path (hand-worked)', () => {
    // f = [2, 4, 0, 0, 0, 1], |f|² = 21, y = 22, λ = 1: c = f·y/(|f|² + λ) = f, prediction f·c = 21.
    const model = fitLinearBaseline([{ obs: Float32Array.from([2]), returns: [22] }], 1, { regCoeff: 1 });
    assert.ok(maxAbsDiff(model.coeffs, [2, 4, 0, 0, 0, 1]) < 1e-12);
    assert.ok(Math.abs(predictLinearBaseline(model, [2])[0] - 21) < 1e-5);
  });

  it('recovers an exactly linear-in-features target to 1e-6', () => {
    const rng = Rng.fromSeed(1);
    const coeffs = [0.5, -1, 2, 0.25, -0.3, 0.1, 3, -2, 1.5, 4];
    const paths = linearPaths(rng, 3, [150, 200, 120], coeffs);
    const model = fitLinearBaseline(paths, 3, { regCoeff: 1e-10 });
    assert.ok(maxAbsDiff(model.coeffs, coeffs) < 1e-6, `coeffs ${model.coeffs}`);
    for (const p of paths) assert.ok(maxAbsDiff(predictLinearBaseline(model, p.obs), p.returns) < 1e-5);
    // With garage's default λ = 1e-5 the ridge bias stays small on this well-scaled data.
    const ridge = fitLinearBaseline(paths, 3);
    for (const p of paths) assert.ok(maxAbsDiff(predictLinearBaseline(ridge, p.obs), p.returns) < 1e-3);
  });

  it('raises the ridge coefficient when the system is singular; rejects NaN returns', () => {
    // Constant-zero observations make the o and o² columns zero: FᵀF is singular, and λ = 1e-16 is below the
    // factorisation's rounding threshold (d·ε·max diag ≈ 7e-14 here), so it is raised ×10 until a pivot clears it.
    const paths = [{ obs: new Float32Array(50), returns: Float64Array.from({ length: 50 }, (_, t) => 1 + t / 100) }];
    const model = fitLinearBaseline(paths, 1, { regCoeff: 1e-16 });
    assert.ok(model.regCoeff > 1e-14, `regCoeff ${model.regCoeff}`);
    assert.ok(maxAbsDiff(predictLinearBaseline(model, paths[0].obs), paths[0].returns) < 1e-5);
    assert.throws(() => fitLinearBaseline([{ obs: new Float32Array(3), returns: [1, NaN, 2] }], 1), /NaN/);
  });
});
