/**
 * agents/matmul-grad.ts: the wasm-friendly BatchMatMul gradient gives the same first- and second-order gradients
 * as tfjs-core's (taken on the cpu backend, where it emits tfjs-core's flagged products) for every transpose
 * combination, for 2-D and batched 3-D operands.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend } from '../agents/backend.js';
import { batchMatMulGradConfig, registerFastMatMulGradient } from '../agents/matmul-grad.js';
import { Rng } from '../envs/rng.js';

/** Operand values for shapes [..., m, k] · [..., k, n] under the transpose flags. */
function operands(batch: number[], ta: boolean, tb: boolean): { a: number[]; aShape: number[]; b: number[]; bShape: number[]; w: number[]; wShape: number[] } {
  const [m, k, n] = [3, 4, 5];
  const rng = Rng.fromSeed(ta ? 1 : 2 + (tb ? 10 : 0) + batch.length);
  const draw = (shape: number[]): number[] => Array.from({ length: shape.reduce((s, x) => s * x, 1) }, () => rng.normal());
  const aShape = [...batch, ...(ta ? [k, m] : [m, k])];
  const bShape = [...batch, ...(tb ? [n, k] : [k, n])];
  const wShape = [...batch, m, n];
  return { a: draw(aShape), aShape, b: draw(bShape), bShape, w: draw(wShape), wShape };
}

/** First-order gradients of Σ w⊙tanh(a·b) and the gradient of Σ (∂/∂a)², flattened. */
function gradients(ta: boolean, tb: boolean, batch: number[]): number[] {
  const o = operands(batch, ta, tb);
  return tf.tidy(() => {
    const [a, b, w] = [tf.tensor(o.a, o.aShape), tf.tensor(o.b, o.bShape), tf.tensor(o.w, o.wShape)];
    const f = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => tf.sum(tf.mul(w, tf.tanh(tf.matMul(x, y, ta, tb))));
    const first = tf.grads(f)([a, b]);
    const second = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.grads(f)([x, y])[0])))([a, b]);
    return [...first, ...second].flatMap((g) => Array.from(g.dataSync()));
  });
}

describe('wasm-friendly matMul gradient', () => {
  before(async () => {
    await initBackend('auto', () => {});
    await registerFastMatMulGradient();
  });

  it('is the registered BatchMatMul gradient', () => {
    assert.equal(tf.getGradient(tf.BatchMatMul), batchMatMulGradConfig);
  });

  for (const batch of [[], [2]]) {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
      it(`matches tfjs-core's gradients (rank ${batch.length + 2}, transposeA ${ta}, transposeB ${tb}), first and second order`, async () => {
        await useBackend('cpu');
        const reference = gradients(ta, tb, batch);
        await useBackend('wasm');
        const got = gradients(ta, tb, batch);
        const err = Math.max(...got.map((g, i) => Math.abs(g - reference[i]) / (1 + Math.abs(reference[i]))));
        assert.ok(err < 1e-5, `max relative error ${err}`);
      });
    }
  }
});
