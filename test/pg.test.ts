import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { enableHigherOrderGradients } from '../agents/higher-order-grad.js';
import { clipFraction, ppoClipLoss, ratioSurrogateLoss, vpgLoss } from '../agents/pg.js';

const eps = 0.2;
// Every (ratio, advantage sign) case: ratios below, inside and above [0.8, 1.2], with A = +1 and A = −1.
const ratios = [0.5, 0.9, 1.1, 1.5, 0.5, 0.9, 1.1, 1.5];
const advs = [1, 1, 1, 1, -1, -1, -1, -1];
// The gradient is zero where min picks the clipped term: r > 1+ε with A > 0, r < 1−ε with A < 0.
const clippedCase = [false, false, false, true, true, false, false, false];

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}] ${actual[i]} vs ${expected[i]} (all: ${Array.from(actual)})`);
  }
}

describe('policy-gradient losses', () => {
  before(async () => {
    await tf.setBackend('cpu');
    await enableHigherOrderGradients(); // registers tfjs-core's gradients (none are registered in Node otherwise)
  });

  it('VPG loss is −mean(logp·A) with gradient −A/N', () => {
    tf.tidy(() => {
      const logp = tf.tensor1d([-1, -2, -0.5]);
      const adv = tf.tensor1d([2, -1, 3]);
      assertClose([vpgLoss(logp, adv).dataSync()[0]], [-(-2 + 2 - 1.5) / 3]);
      assertClose(values(tf.grad((lp: tf.Tensor) => vpgLoss(lp, adv))(logp)), [-2 / 3, 1 / 3, -1]);
    });
  });

  it('the likelihood-ratio surrogate has the VPG gradient at logp = logp_old', () => {
    tf.tidy(() => {
      const logp = tf.tensor1d([-1, -2, -0.5]);
      const adv = tf.tensor1d([2, -1, 3]);
      const logpOld = tf.tensor1d([-1, -2, -0.5]); // same values, a constant (not the differentiated tensor)
      const gRatio = tf.grad((lp: tf.Tensor) => ratioSurrogateLoss(lp, logpOld, adv))(logp);
      const gVpg = tf.grad((lp: tf.Tensor) => vpgLoss(lp, adv))(logp);
      assertClose(values(gRatio), values(gVpg));
      assertClose([ratioSurrogateLoss(logp, logp, adv).dataSync()[0]], [-4 / 3]);
    });
  });

  it('PPO-clip value and gradient on constructed ratios: zero gradient exactly where clipped', () => {
    tf.tidy(() => {
      const logpOld = tf.tensor1d([0.3, -1, 0.7, -0.2, 0, 1.1, -0.4, 0.25]);
      const logp = tf.add(logpOld, tf.log(tf.tensor1d(ratios)));
      const adv = tf.tensor1d(advs);
      const n = ratios.length;
      const clip = (r: number): number => Math.min(Math.max(r, 1 - eps), 1 + eps);
      const expectedLoss = -ratios.reduce((s, r, i) => s + Math.min(r * advs[i], clip(r) * advs[i]), 0) / n;
      assertClose([ppoClipLoss(logp, logpOld, adv, { clipEpsilon: eps }).dataSync()[0]], [expectedLoss]);
      // d/dlogp_i of −(1/N)·r_i·A_i is −r_i·A_i/N where the unclipped term is the min, else 0.
      const g = values(tf.grad((lp: tf.Tensor) => ppoClipLoss(lp, logpOld, adv, { clipEpsilon: eps }))(logp));
      assertClose(g, ratios.map((r, i) => (clippedCase[i] ? 0 : -(r * advs[i]) / n)), 1e-6);
      for (let i = 0; i < n; i++) assert.equal(g[i] === 0, clippedCase[i], `sample ${i}: r=${ratios[i]} A=${advs[i]} grad ${g[i]}`);
      assertClose([clipFraction(logp, logpOld, eps).dataSync()[0]], [0.5]);
    });
  });

  it('PPO entropy bonus subtracts c·mean(entropy)', () => {
    tf.tidy(() => {
      const logp = tf.tensor1d([-1, -1]);
      const adv = tf.tensor1d([1, -1]);
      const entropy = tf.tensor1d([0.5, 1.5]);
      const base = ppoClipLoss(logp, logp, adv).dataSync()[0];
      const withBonus = ppoClipLoss(logp, logp, adv, { entropy, entropyCoef: 0.1 }).dataSync()[0];
      assertClose([withBonus - base], [-0.1], 1e-6);
      const gH = tf.grad((h: tf.Tensor) => ppoClipLoss(logp, logp, adv, { entropy: h, entropyCoef: 0.1 }))(entropy);
      assertClose(values(gH), [-0.05, -0.05]);
    });
  });

  it('rejects mismatched shapes and bad options', () => {
    tf.tidy(() => {
      const a = tf.zeros([3]);
      const b = tf.zeros([4]);
      assert.throws(() => vpgLoss(a, b), /adv has shape \[4\] but logp has \[3\]/);
      assert.throws(() => ppoClipLoss(a, a, a, { clipEpsilon: 0 }), /clipEpsilon must lie in \(0, 1\)/);
      assert.throws(() => ppoClipLoss(a, a, a, { entropyCoef: 0.01 }), /no entropy tensor/);
    });
  });

  it('leaves no tensors behind', () => {
    const logp = tf.tensor1d([-1, -2]);
    const adv = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.dispose([vpgLoss(logp, adv), ratioSurrogateLoss(logp, logp, adv), ppoClipLoss(logp, logp, adv), clipFraction(logp, logp)]);
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([logp, adv]);
  });
});
