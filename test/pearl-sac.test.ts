/**
 * SAC as PEARL uses it (agents/sac-*.ts): critic targets with done masks against hand-worked numbers (a task
 * termination stops the bootstrap, a time-limit truncation bootstraps, through the replay buffer too), the entropy
 * terms of the value target, policy loss and learned temperature, the tanh-squashed log-density against a float64
 * numeric change of variables, stopGradient and the soft target update.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { ReplayBuffer, allocateBatch } from '../agents/replay-buffer.js';
import { criticTarget, policyLoss, stopGradient, temperatureLoss, twinCriticLoss, valueTarget } from '../agents/sac-losses.js';
import { softUpdate, squashedActArrays, squashedGaussianSample, squashedLogProb } from '../agents/sac-nets.js';
import { mlpArrays, snapshotParams } from '../agents/mlp-arrays.js';
import type { Path } from '../agents/sampler.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};
const noRegs = { policyMeanRegWeight: 0, policyStdRegWeight: 0, policyPreActivationWeight: 0 };

/** A two-step episode of a 1-D env: obs 0 -> 1 -> final 2, rewards 1 and -2. */
function path(terminated: boolean): Path {
  return { envIndex: 0, episode: 0, task: {}, length: 2, obs: Float32Array.of(0, 1), actions: Float32Array.of(0.5, -0.5), rewards: Float32Array.of(1, -2), terminated, finalObs: Float32Array.of(2) };
}

describe('SAC losses', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('critic target: reward_scale·r + (1 − d)·γ·V̄(s′), no bootstrap at a termination, bootstrap on truncation', () => {
    // rows: mid-episode, terminal, truncated (d = 0): 5·1 + 0.9·10 = 14; 5·(−2) + 0 = −10; 5·0.5 + 0.9·(−4) = −1.1.
    const y = tf.tidy(() => criticTarget(tf.tensor1d([1, -2, 0.5]), tf.tensor1d([0, 1, 0]), tf.tensor1d([10, 10, -4]), { discount: 0.9, rewardScale: 5 }).dataSync());
    close(y, [14, -10, -1.1], 1e-6, 'y');
    // Twin loss: mean((Q1 − y)²) + mean((Q2 − y)²) = (1 + 0 + 4)/3 + (0 + 9 + 0)/3.
    const loss = tf.tidy(() => twinCriticLoss(tf.tensor1d([15, -10, 0.9]), tf.tensor1d([14, -7, -1.1]), tf.tensor1d([14, -10, -1.1])).dataSync()[0]);
    assert.ok(Math.abs(loss - (5 / 3 + 3)) < 1e-5, `twin loss ${loss}`);
  });

  it('the replay buffer marks only a task termination as terminal; a truncated episode bootstraps from its final obs', () => {
    const buffer = new ReplayBuffer(1, 1, 10);
    buffer.addPath(path(false));
    buffer.addPath(path(true));
    const batch = allocateBatch(4, 1, 1);
    buffer.gather(Int32Array.of(0, 1, 2, 3), batch, 0);
    assert.deepEqual([...batch.obs], [0, 1, 0, 1]);
    assert.deepEqual([...batch.nextObs], [1, 2, 1, 2], 'the last transition continues to finalObs');
    assert.deepEqual([...batch.terminals], [0, 0, 0, 1], 'truncated: 0 (bootstrap); terminated: 1 on its last step only');
    const y = tf.tidy(() => criticTarget(tf.tensor1d(batch.rewards), tf.tensor1d(batch.terminals), tf.tensor1d([3, 3, 3, 3]), { discount: 0.5, rewardScale: 1 }).dataSync());
    close(y, [2.5, -0.5, 2.5, -2], 1e-6, 'y through the buffer');
  });

  it('entropy terms: V target min Q − α log π, policy loss mean(α log π − min Q), temperature gradient', () => {
    const logPi = [-1.5, 0.5], minQ = [2, -1], alpha = 0.2;
    const v = tf.tidy(() => valueTarget(tf.tensor1d(minQ), tf.tensor1d(logPi), alpha).dataSync());
    close(v, [2.3, -1.1], 1e-6, 'V target');
    const zeros = tf.zeros([2, 1]) as tf.Tensor2D;
    const pl = tf.tidy(() => policyLoss(tf.tensor1d(logPi), tf.tensor1d(minQ), alpha, zeros, zeros, zeros, noRegs).dataSync()[0]);
    assert.ok(Math.abs(pl - (0.2 * -1.5 - 2 + 0.2 * 0.5 + 1) / 2) < 1e-6, `policy loss ${pl}`);
    // Regularisers: 1e-3·mean(mean²) + 1e-3·mean(logStd²) + w·mean(Σ u²).
    const reg = tf.tidy(() => {
      const m = tf.tensor2d([[1], [3]]), s = tf.tensor2d([[-2], [0]]), u = tf.tensor2d([[2], [0]]);
      return policyLoss(tf.tensor1d([0, 0]), tf.tensor1d([0, 0]), 1, m, s, u, { policyMeanRegWeight: 1e-3, policyStdRegWeight: 1e-3, policyPreActivationWeight: 0.5 }).dataSync()[0];
    });
    assert.ok(Math.abs(reg - (1e-3 * 5 + 1e-3 * 2 + 0.5 * 2)) < 1e-6, `regularisers ${reg}`);
    // d/d log α of −mean(log α (log π + H̄)) = −mean(log π + H̄) = −(−1.5 + 0.5 − 2·2)/2 with H̄ = −2.
    const g = tf.tidy(() => tf.grad((la: tf.Tensor) => temperatureLoss(la, tf.tensor1d(logPi), -2))(tf.zeros([1])).dataSync()[0]);
    assert.ok(Math.abs(g - 2.5) < 1e-6, `temperature gradient ${g}`);
    zeros.dispose();
  });

  it('squashed log-density equals a float64 numeric change of variables, also far in the tails', () => {
    const mean = [0.3, -1, 2, 0], logStd = [-0.5, 0.2, 0, 1];
    const u = [0.1, -2.5, 5, 8];
    const got = tf.tidy(() => squashedLogProb(tf.tensor2d(mean, [4, 1]), tf.tensor2d(logStd, [4, 1]), tf.tensor2d(u, [4, 1])).dataSync());
    for (let i = 0; i < 4; i++) {
      // p_A(a) = p_U(atanh a) · |d atanh(a)/da|, the derivative by central differences of u(a) = atanh(a) in float64,
      // taken in the variable u itself to stay accurate where a = tanh(u) rounds to ±1: |da/du| = (tanh(u+h) − tanh(u−h))/2h.
      const h = 1e-5;
      const dadu = (Math.tanh(u[i] + h) - Math.tanh(u[i] - h)) / (2 * h);
      const sd = Math.exp(logStd[i]);
      const logGaussian = -0.5 * ((u[i] - mean[i]) / sd) ** 2 - logStd[i] - 0.5 * Math.log(2 * Math.PI);
      const expected = logGaussian - Math.log(dadu);
      assert.ok(Math.abs(got[i] - expected) < 2e-4 * Math.max(1, Math.abs(expected)), `u=${u[i]}: ${got[i]} vs ${expected}`);
    }
  });

  it('samples by reparameterisation, and acting in JS matches the tensor policy', async () => {
    const policy = [tf.tensor2d([[0.5, -1, 0.2, 0.1]], [1, 4]), tf.tensor1d([0.1, 0.2, -0.3, 0])];
    const x = tf.tensor2d([[1], [-2]]);
    const eps = tf.tensor2d([[0.3, -1], [2, 0]]);
    const s = tf.tidy(() => {
      const out = squashedGaussianSample(policy, x, eps);
      return [out.actions, out.mean, out.logStd].map((t) => [...t.dataSync()]);
    });
    const [actions, mean, logStd] = s;
    close(actions, mean.map((m, i) => Math.tanh(m + Math.exp(logStd[i]) * [0.3, -1, 2, 0][i])), 1e-6, 'a = tanh(mean + std·eps)');
    const js = squashedActArrays(mlpArrays(await snapshotParams(policy)), Float32Array.of(1, -2), 2, 'mean');
    close(js, mean.map(Math.tanh), 1e-6, 'deterministic JS actions = tanh(mean)');
    [...policy, x, eps].forEach((t) => t.dispose());
  });

  it('stopGradient passes values and blocks gradients; soft update moves targets by τ', () => {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, stopGradient(tf.mul(x, 3)))))(tf.tensor1d([2, -1])).dataSync());
    close(g, [6, -3], 1e-6, 'd/dx x·sg(3x) = 3x');
    const target = [tf.variable(tf.tensor1d([1, 1]), false)];
    const source = [tf.tensor1d([3, -1])];
    softUpdate(target, source, 0.25);
    close(target[0].dataSync(), [1.5, 0.5], 1e-6, 'target');
    [...target, ...source].forEach((t) => t.dispose());
  });
});
