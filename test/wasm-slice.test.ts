/**
 * The wasm backend's slicing kernels that read their input in place (agents/wasm-slice.ts): installed by the
 * backend set-up, and element for element what the cpu backend gives for slices, unstacks and splits of every rank
 * and dtype (float32, int32, bool), including boxes copied as contiguous runs.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend } from '../agents/backend.js';
import { registerWasmSliceKernels } from '../agents/wasm-slice.js';
import { Rng } from '../envs/index.js';

/** `f` on the cpu and on the wasm backend, the outputs read back. */
async function onBoth(x: Float32Array, shape: number[], f: (t: tf.Tensor) => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const run = async (backend: 'cpu' | 'wasm') => {
    await useBackend(backend);
    return tf.tidy(() => [f(tf.tensor(x, shape))].flat().map((t) => [...t.shape, NaN, ...Array.from(t.dataSync())]));
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

describe('wasm slice kernels', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('are the registered Slice, Unpack and SplitV kernels of wasm once the backend is set up (idempotently)', () => {
    registerWasmSliceKernels();
    for (const name of [tf.Slice, tf.Unpack, tf.SplitV]) assert.match(tf.getKernel(name, 'wasm')?.kernelFunc.toString() ?? '', /sliceInPlace/, name);
  });

  it('slice, unstack and split like the cpu backend for ranks 1 to 5', async () => {
    const rng = Rng.fromSeed(1);
    for (const shape of [[7], [4, 5], [3, 4, 5], [2, 3, 4, 5], [2, 2, 3, 2, 3]]) {
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
      const begin = shape.map((d) => rng.int(0, d - 1));
      const size = shape.map((d, i) => rng.int(1, d - begin[i]));
      const cases: [string, (t: tf.Tensor) => tf.Tensor | tf.Tensor[]][] = [
        ['slice', (t) => tf.slice(t, begin, size)],
        ['slice to the end', (t) => tf.slice(t, begin)],
        ...shape.map((_, axis): [string, (t: tf.Tensor) => tf.Tensor[]] => [`unstack axis ${axis}`, (t) => tf.unstack(t, axis)]),
        ['split', (t) => tf.split(t, [1, shape[shape.length - 1] - 1], shape.length - 1)],
        // Boxes that span the trailing dimensions whole are copied as contiguous runs.
        ['slice of whole trailing dimensions', (t) => tf.slice(t, begin.map((b, i) => (i === 0 ? b : 0)), size.map((n, i) => (i === 0 ? n : -1)))],
        ['slice of whole dimensions after the second', (t) => tf.slice(t, begin.map((b, i) => (i < 2 ? b : 0)), size.map((n, i) => (i < 2 ? n : -1)))],
        ['split along axis 0', (t) => tf.split(t, [1, shape[0] - 1], 0)],
        ['int32 slice', (t) => tf.slice(tf.cast(tf.mul(t, 100), 'int32'), begin, size)],
        ['bool unstack', (t) => tf.unstack(tf.greater(t, 0), 0)],
      ];
      for (const [name, f] of cases) {
        const { cpu, wasm } = await onBoth(x, shape, f);
        assert.deepEqual(wasm, cpu, `${name} of [${shape}]`);
      }
    }
  });
});
