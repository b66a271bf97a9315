import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mean, sampleStandardDeviation, studentTQuantile, summarize } from '../experiments/stats.js';

function assertClose(actual: readonly number[], expected: readonly number[], tol: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `[${i}] ${a} vs ${expected[i]}`));
}

describe('studentTQuantile', () => {
  it('matches the t table at p = 0.975', () => {
    const table: [number, number][] = [[1, 12.706], [2, 4.303], [4, 2.776], [9, 2.262], [29, 2.045], [1000, 1.962]];
    for (const [df, t] of table) assert.ok(Math.abs(studentTQuantile(0.975, df) - t) < 1e-3, `df=${df}`);
  });

  it('matches other quantiles and tends to the normal for large df', () => {
    assert.ok(Math.abs(studentTQuantile(0.95, 10) - 1.812) < 1e-3);
    assert.ok(Math.abs(studentTQuantile(0.995, 5) - 4.032) < 1e-3);
    // Cauchy (df = 1): t_p = tan(π (p − ½)).
    assert.ok(Math.abs(studentTQuantile(0.9, 1) - Math.tan(0.4 * Math.PI)) < 1e-9);
    assert.ok(Math.abs(studentTQuantile(0.975, 1e7) - 1.959964) < 1e-5);
  });

  it('is antisymmetric about p = 0.5', () => {
    assert.equal(studentTQuantile(0.5, 3), 0);
    assert.ok(Math.abs(studentTQuantile(0.025, 4) + studentTQuantile(0.975, 4)) < 1e-12);
  });

  it('rejects p outside (0, 1) and df ≤ 0', () => {
    for (const p of [0, 1, -0.1, NaN]) assert.throws(() => studentTQuantile(p, 3), /p must be in \(0, 1\)/);
    for (const df of [0, -2, NaN, Infinity]) assert.throws(() => studentTQuantile(0.9, df), /df must be/);
  });
});

describe('mean and sample standard deviation', () => {
  it('match hand-worked values', () => {
    assert.equal(mean([1, 2, 3]), 2);
    assert.equal(sampleStandardDeviation([1, 2, 3]), 1);
    // Mean 5; squared deviations sum to 32; 32 / 7.
    assert.equal(mean([2, 4, 4, 4, 5, 5, 7, 9]), 5);
    assert.ok(Math.abs(sampleStandardDeviation([2, 4, 4, 4, 5, 5, 7, 9]) - Math.sqrt(32 / 7)) < 1e-12);
  });

  it('refuse too few values', () => {
    assert.throws(() => mean([]), /no values/);
    assert.throws(() => sampleStandardDeviation([4]), /at least 2/);
  });
});

describe('summarize', () => {
  it('gives the mean and t-based 95% half-width per point', () => {
    // Seeds [1, 2, 3] at point 0 and [10, 20, 30] at point 1: means 2 and 20, sds 1 and 10, n = 3 (t = 4.303).
    const summary = summarize([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    assertClose(summary.mean, [2, 20], 1e-12);
    assertClose(summary.ci95, [4.303 / Math.sqrt(3), (10 * 4.303) / Math.sqrt(3)], 1e-2);
    // With the quantile to 7 digits, t_{0.975,2} = 4.302653.
    assertClose(summary.ci95, [4.302653 / Math.sqrt(3), (10 * 4.302653) / Math.sqrt(3)], 1e-5);
  });

  it('gives no interval (NaN, null in JSON) with one seed, never a zero half-width', () => {
    assert.deepEqual(summarize([[5, -1]]), { mean: [5, -1], ci95: [NaN, NaN], n: 1 });
  });

  it('rejects empty, ragged and non-finite input with a clear message', () => {
    assert.throws(() => summarize([]), /no seeds/);
    assert.throws(() => summarize([[1, 2], [3]]), /ragged input, seed 1 has 1 points but seed 0 has 2/);
    assert.throws(() => summarize([[1, 2], [3, NaN]]), /non-finite value NaN at seed 1, point 1/);
    assert.throws(() => summarize([[Infinity]]), /non-finite/);
  });
});
