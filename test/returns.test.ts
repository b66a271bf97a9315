import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { discountedReturns, flattenEpisodes, gae, normalizeAdvantages, tdErrors } from '../agents/returns.js';

// γ = 0.9, λ = 0.8 (γλ = 0.72). Episode A: 4 steps, terminated. Episode B: 3 steps, truncated, V(s_T) = 2.
const gamma = 0.9;
const lambda = 0.8;
const epA = { rewards: [1, 0, 2, 1], terminated: true };
const valuesA = [0.5, 1.0, 1.5, 0.5];
const epB = { rewards: [1, -1, 2], terminated: false };
const valuesB = [2.0, 1.0, 3.0];
const bootB = 2.0;

// Worked by hand, back to front.
// Returns A: G3 = 1; G2 = 2 + .9*1 = 2.9; G1 = 0 + .9*2.9 = 2.61; G0 = 1 + .9*2.61 = 3.349.
// Returns B: G2 = 2 + .9*2 = 3.8; G1 = -1 + .9*3.8 = 2.42; G0 = 1 + .9*2.42 = 3.178.
const returnsA = [3.349, 2.61, 2.9, 1];
const returnsB = [3.178, 2.42, 3.8];
// TD errors A: 1+.9*1-.5 = 1.4; 0+.9*1.5-1 = .35; 2+.9*.5-1.5 = .95; 1+0-.5 = .5 (terminated: no bootstrap).
// TD errors B: 1+.9*1-2 = -.1; -1+.9*3-1 = .7; 2+.9*2-3 = .8 (truncated: bootstrap 2).
const deltasA = [1.4, 0.35, 0.95, 0.5];
const deltasB = [-0.1, 0.7, 0.8];
// GAE A: A3 = .5; A2 = .95+.72*.5 = 1.31; A1 = .35+.72*1.31 = 1.2932; A0 = 1.4+.72*1.2932 = 2.331104.
// GAE B: A2 = .8; A1 = .7+.72*.8 = 1.276; A0 = -.1+.72*1.276 = .81872.
const advA = [2.331104, 1.2932, 1.31, 0.5];
const advB = [0.81872, 1.276, 0.8];

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}] ${actual[i]} vs ${expected[i]} (all: ${Array.from(actual)})`);
  }
}

describe('returns and GAE', () => {
  it('discounted returns stop at termination and bootstrap at truncation', () => {
    assertClose(discountedReturns(epA, gamma), returnsA);
    assertClose(discountedReturns(epB, gamma, bootB), returnsB);
    // A bootstrap value is ignored after termination; a truncated episode without one is cut at 0.
    assertClose(discountedReturns(epA, gamma, 100), returnsA);
    assertClose(discountedReturns(epB, gamma), [1 - 0.9 + 0.81 * 2, -1 + 0.9 * 2, 2]);
  });

  it('TD errors and GAE(0.9, 0.8) match the hand-worked numbers', () => {
    assertClose(tdErrors(epA, valuesA, gamma), deltasA);
    assertClose(tdErrors(epB, valuesB, gamma, bootB), deltasB);
    assertClose(gae(epA, valuesA, gamma, lambda), advA);
    assertClose(gae(epB, valuesB, gamma, lambda, bootB), advB);
  });

  it('joins episodes into one batch without mixing them', () => {
    const adv = flattenEpisodes([gae(epA, valuesA, gamma, lambda), gae(epB, valuesB, gamma, lambda, bootB)]);
    assertClose(adv, [...advA, ...advB]);
  });

  it('λ = 1 gives returns minus values; λ = 0 gives the TD errors', () => {
    assertClose(gae(epA, valuesA, gamma, 1), returnsA.map((g, t) => g - valuesA[t]));
    assertClose(gae(epB, valuesB, gamma, 1, bootB), returnsB.map((g, t) => g - valuesB[t]));
    assertClose(gae(epA, valuesA, gamma, 0), deltasA);
    assertClose(gae(epB, valuesB, gamma, 0, bootB), deltasB);
  });

  it('normalises advantages to mean 0 and std 1', () => {
    const z = normalizeAdvantages([...advA, ...advB]);
    const mean = z.reduce((s, x) => s + x, 0) / z.length;
    const variance = z.reduce((s, x) => s + (x - mean) ** 2, 0) / z.length;
    assert.ok(Math.abs(mean) < 1e-6, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 1e-5, `variance ${variance}`);
    assertClose(normalizeAdvantages([3, 3, 3]), [0, 0, 0]);
    assert.equal(normalizeAdvantages([]).length, 0);
  });

  it('rejects bad arguments with a message naming the fix', () => {
    assert.throws(() => gae(epA, [1, 2], gamma, lambda), /values has length 2; expected one value per reward \(4\)/);
    assert.throws(() => discountedReturns(epA, 1.5), /gamma must lie in \[0, 1\]/);
    assert.throws(() => gae(epA, valuesA, gamma, -0.1), /lambda must lie in \[0, 1\]/);
    assert.throws(() => discountedReturns(epB, gamma, Number.NaN), /bootstrapValue must be finite/);
  });
});
