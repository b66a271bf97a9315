/**
 * Composite kernels (agents/kernel-scope.ts, kernel-ops.ts): a kernel whose body calls the backend's kernels
 * directly gives what the same tf.js ops give, frees what it does not return (including inside nested tidies,
 * and when it throws), and names a missing kernel.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend } from '../agents/backend.js';
import { kernelOps } from '../agents/kernel-ops.js';
import { compositeKernel, ensureKernel } from '../agents/kernel-scope.js';

/** (a + b) ⊙ a and its rows stacked back, with a throwaway intermediate in a nested tidy. */
const TEST_KERNEL = 'MetarlTestComposite';
const testKernel = compositeKernel((scope, { a, b }) => {
  const ops = kernelOps(scope);
  const product = scope.tidy(() => {
    ops.tanh(ops.sub(a, b)); // created and dropped here
    return scope.tidy(() => ops.mul(ops.add(a, b), a));
  });
  return [product, ops.stack(ops.unstack(product))];
});

describe('composite kernels', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`on ${backend}: equal to the same tf.js ops, and the backend's buffers stay flat`, async () => {
      await useBackend(backend);
      ensureKernel(TEST_KERNEL, testKernel);
      const a = tf.tensor2d([[0.1, -2.5, 3], [1e-3, 7, -0.25]]);
      const b = tf.tensor2d([[1.7, 0.3, -3], [2, -7.5, 0.125]]);
      const run = () => tf.tidy(() => (tf.engine().runKernel(TEST_KERNEL, { a, b }, {}) as tf.Tensor[]).map((t) => Array.from(t.dataSync())));
      const want = tf.tidy(() => Array.from(tf.mul(tf.add(a, b), a).dataSync()));
      run();
      const start = tf.engine().backend.numDataIds();
      const [product, restacked] = run();
      assert.deepEqual(product, want);
      assert.deepEqual(restacked, want);
      assert.equal(tf.engine().backend.numDataIds(), start);
      tf.dispose([a, b]);
    });
  }

  it('a kernel the backend lacks is named in the error, and what was computed before it is freed', async () => {
    await useBackend('cpu');
    const kernel = compositeKernel((scope, { x }) => {
      kernelOps(scope).tanh(x);
      return [scope.run('NoSuchKernel', { x })];
    });
    ensureKernel('MetarlTestMissing', kernel);
    const x = tf.scalar(1);
    const start = tf.engine().backend.numDataIds();
    assert.throws(() => tf.engine().runKernel('MetarlTestMissing', { x }, {}), /backend 'cpu' has no kernel NoSuchKernel/);
    assert.equal(tf.engine().backend.numDataIds(), start);
    x.dispose();
  });
});
