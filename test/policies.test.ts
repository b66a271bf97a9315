import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../envs/rng.js';
import { enableHigherOrderGradients } from '../agents/higher-order-grad.js';
import { useBackend } from '../agents/backend.js';
import { flattenParams, mlpForward, type Params } from '../agents/nets.js';
import { gruCore } from '../agents/gru-core.js';
import {
  gaussianActArrays,
  gaussianArrays,
  gaussianDistParams,
  gaussianEntropy,
  gaussianKL,
  gaussianLogProb,
  gaussianPolicyInit,
  recurrentAct,
  recurrentPolicyInit,
  recurrentUnroll,
  rl2Input,
  rl2InputDim,
  sampleGaussian,
} from '../agents/policies.js';
import { normals } from './helpers.js';

const B = 5, A = 3, OBS = 4;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

// Reference formulas in float64 plain JS, per row b (diagonal Gaussians, logStd shared by rows).
function refLogProb(mean: Float32Array, logStd: Float32Array, act: Float32Array): number[] {
  return Array.from({ length: B }, (_, b) => {
    let s = 0;
    for (let j = 0; j < A; j++) {
      const sd = Math.exp(logStd[j]);
      const z = (act[b * A + j] - mean[b * A + j]) / sd;
      s += -0.5 * z * z - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
    }
    return s;
  });
}

function refKL(m0: Float32Array, ls0: Float32Array, m1: Float32Array, ls1: Float32Array): number[] {
  return Array.from({ length: B }, (_, b) => {
    let s = 0;
    for (let j = 0; j < A; j++) {
      const v0 = Math.exp(2 * ls0[j]);
      const v1 = Math.exp(2 * ls1[j]);
      const dm = m0[b * A + j] - m1[b * A + j];
      s += 0.5 * (Math.log(v1 / v0) + (v0 + dm * dm) / v1 - 1);
    }
    return s;
  });
}

const mean0 = normals(Rng.fromSeed(1), B * A);
const logStd0 = Float32Array.from([-0.5, 0.2, 0.7]);
const mean1 = normals(Rng.fromSeed(2), B * A);
const logStd1 = Float32Array.from([0.1, -0.3, 0.4]);
const actions = normals(Rng.fromSeed(3), B * A, 1.5);

const t2 = (x: Float32Array) => tf.tensor2d(x, [B, A]);

/** A PPO-like scalar of every Gaussian-policy function, for gradient tests. */
function gaussianObjective(params: Params, obs: tf.Tensor2D): tf.Scalar {
  const { mean, logStd } = gaussianDistParams(params, obs);
  const lp = gaussianLogProb(mean, logStd, t2(actions));
  const kl = gaussianKL(t2(mean1), tf.tensor1d(logStd1), mean, logStd);
  return tf.sum(tf.add(tf.sub(tf.mean(kl), tf.mean(lp)), tf.mul(gaussianEntropy(logStd), 0.01))) as tf.Scalar;
}

describe('policies', () => {
  before(async () => {
    await enableHigherOrderGradients(); // tfjs-core alone registers no gradients in Node
    await useBackend('cpu');
  });

  it('gaussianLogProb matches the closed form (float64 reference)', () => {
    const lp = tf.tidy(() => gaussianLogProb(t2(mean0), tf.tensor1d(logStd0), t2(actions)).dataSync());
    assertClose(lp, refLogProb(mean0, logStd0, actions), 1e-5);
  });

  it('gaussianKL(old‖new) matches the closed form; KL(p‖p) = 0; KL ≥ 0', () => {
    const kl = tf.tidy(() => gaussianKL(t2(mean0), tf.tensor1d(logStd0), t2(mean1), tf.tensor1d(logStd1)).dataSync());
    assertClose(kl, refKL(mean0, logStd0, mean1, logStd1), 1e-5);
    assert.ok(kl.every((v) => v > 0));
    const self = tf.tidy(() => gaussianKL(t2(mean0), tf.tensor1d(logStd0), t2(mean0), tf.tensor1d(logStd0)).dataSync());
    assertClose(self, new Array(B).fill(0), 1e-6);
  });

  it('entropy is Σ logStd + A/2·log(2πe) and equals −E[log π] over samples', () => {
    const h = tf.tidy(() => gaussianEntropy(tf.tensor1d(logStd0)).dataSync()[0]);
    const closed = logStd0.reduce((s, v) => s + v, 0) + 0.5 * A * Math.log(2 * Math.PI * Math.E);
    assert.ok(Math.abs(h - closed) < 1e-5);
    const n = 20000;
    const { logProb } = sampleGaussian(new Float32Array(n * A), logStd0, n, Rng.fromSeed(4));
    const mc = -logProb.reduce((s, v) => s + v, 0) / n;
    assert.ok(Math.abs(mc - closed) < 0.03, `Monte Carlo ${mc} vs ${closed}`); // SE = sqrt(A/2)/sqrt(n) ≈ 0.009
  });

  it('sampling is seeded, has the right moments, and its logProb equals gaussianLogProb', () => {
    const a = sampleGaussian(mean0, logStd0, B, Rng.fromSeed(5));
    assert.deepEqual(a.actions, sampleGaussian(mean0, logStd0, B, Rng.fromSeed(5)).actions);
    const lp = tf.tidy(() => gaussianLogProb(t2(mean0), tf.tensor1d(logStd0), t2(a.actions)).dataSync());
    assertClose(a.logProb, lp, 1e-5);
    const n = 20000;
    const big = sampleGaussian(new Float32Array(n * A), logStd0, n, Rng.fromSeed(6)).actions;
    for (let j = 0; j < A; j++) {
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) (s += big[i * A + j]), (s2 += big[i * A + j] ** 2);
      const sd = Math.exp(logStd0[j]);
      assert.ok(Math.abs(s / n) < 4 * sd / Math.sqrt(n) && Math.abs(Math.sqrt(s2 / n) / sd - 1) < 0.03);
    }
    const det = sampleGaussian(mean0, logStd0, B, 'mean');
    assert.deepEqual(det.actions, mean0);
  });

  it('policy init is seeded; JS-snapshot acting equals the tf mean plus exp(logStd) times seeded noise', async () => {
    const p = gaussianPolicyInit(Rng.fromSeed(7), OBS, A, { hidden: [16, 16], initLogStd: -0.5 });
    const q = gaussianPolicyInit(Rng.fromSeed(7), OBS, A, { hidden: [16, 16], initLogStd: -0.5 });
    assert.deepEqual(await flattenParams(p), await flattenParams(q));
    assertClose(p[p.length - 1].dataSync(), [-0.5, -0.5, -0.5], 0);
    const obs = normals(Rng.fromSeed(8), B * OBS);
    // Reference: the tf MLP's mean plus exp(logStd) times the same seeded normals (drawn row by row), and the
    // float64 log-density of the result.
    const mean = tf.tidy(() => Float32Array.from(mlpForward(p.slice(0, -1), tf.tensor2d(obs, [B, OBS])).dataSync()));
    const logStd = p[p.length - 1].dataSync() as Float32Array;
    const noise = Rng.fromSeed(9);
    const expected = Float32Array.from(mean, (m, i) => m + Math.exp(logStd[i % A]) * noise.normal());
    const viaJs = gaussianActArrays(await gaussianArrays(p), obs, B, Rng.fromSeed(9));
    assertClose(viaJs.mean, mean, 1e-5);
    assertClose(viaJs.actions, expected, 1e-5);
    assertClose(viaJs.logProb, refLogProb(mean, logStd, expected), 1e-5);
    assertClose(gaussianActArrays(await gaussianArrays(p), obs, B, 'mean').actions, mean, 1e-5);
    tf.dispose([...p, ...q]);
  });

  it('rl2Input lays out [obs, prevAction, prevReward, done] per row', () => {
    const x = rl2Input(Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6]), [7, 8], [0, 1], 2);
    assert.equal(rl2InputDim(2, 1), 5);
    assert.deepEqual(Array.from(x), [1, 2, 5, 7, 0, 3, 4, 6, 8, 1]);
  });

  it('recurrent acting step by step (with a trial reset) reproduces the training unroll, reading asynchronously or not', async () => {
    const T = 8, H = 6, Bn = 2;
    const params = recurrentPolicyInit(gruCore, Rng.fromSeed(10), OBS, A, H, { outputGain: 1 });
    const width = rl2InputDim(OBS, A);
    const xs = normals(Rng.fromSeed(11), T * Bn * width);
    const reset = Float32Array.from({ length: T * Bn }, (_, i) => (i === 5 * Bn ? 1 : 0)); // row 0 starts a trial at t = 5
    const h0 = normals(Rng.fromSeed(12), Bn * H, 0.3);
    let h: Float32Array = Float32Array.from(h0);
    const means: number[] = [];
    const before = tf.memory().numTensors;
    for (let t = 0; t < T; t++) {
      const x = xs.subarray(t * Bn * width, (t + 1) * Bn * width);
      const out = await recurrentAct(gruCore, params, x, h, Bn, 'mean', reset.subarray(t * Bn, (t + 1) * Bn));
      means.push(...out.mean);
      h = out.state;
    }
    assert.equal(tf.memory().numTensors, before);
    const unrolled = tf.tidy(() =>
      recurrentUnroll(gruCore, params, tf.tensor3d(xs, [T, Bn, width]), tf.tensor2d(h0, [Bn, H]), tf.tensor2d(reset, [T, Bn])).mean.dataSync(),
    );
    assertClose(means, unrolled, 1e-5);
    tf.dispose(params);
  });

  it('tensor count stays flat over repeated forward/backward in tidy', () => {
    const p = gaussianPolicyInit(Rng.fromSeed(13), OBS, A, { hidden: [8] });
    const r = recurrentPolicyInit(gruCore, Rng.fromSeed(14), OBS, A, 5);
    const obs = tf.tensor2d(normals(Rng.fromSeed(15), B * OBS), [B, OBS]);
    const xs = tf.tensor3d(normals(Rng.fromSeed(16), 4 * B * rl2InputDim(OBS, A)), [4, B, rl2InputDim(OBS, A)]);
    const iterate = () =>
      tf.tidy(() => {
        tf.grads((...ps: tf.Tensor[]) => gaussianObjective(ps, obs))(p);
        tf.grads((...ps: tf.Tensor[]) => {
          const { mean, logStd } = recurrentUnroll(gruCore, ps, xs, tf.zeros([B, 5]));
          return tf.neg(tf.mean(gaussianLogProb(mean, logStd, tf.zerosLike(mean))));
        })(r);
      });
    iterate();
    const start = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) iterate();
    assert.equal(tf.memory().numTensors, start);
    tf.dispose([...p, ...r, obs, xs]);
  });

  it('on wasm, Gaussian-policy gradients compute and agree with cpu', async () => {
    const run = () => {
      const p = gaussianPolicyInit(Rng.fromSeed(17), OBS, A, { hidden: [8] });
      const obs = normals(Rng.fromSeed(18), B * OBS);
      const g = tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => gaussianObjective(ps, tf.tensor2d(obs, [B, OBS])))(p).map((t) => Array.from(t.dataSync())));
      tf.dispose(p);
      return g.flat();
    };
    const onCpu = run();
    await useBackend('wasm');
    try {
      assertClose(run(), onCpu, 1e-4);
    } finally {
      await useBackend('cpu');
    }
  });
});
