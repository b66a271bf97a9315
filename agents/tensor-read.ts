/**
 * Reading tensors back to JS, asynchronously: the only way that works on every backend. The webgpu backend cannot
 * read synchronously in Node (`dataSync()` throws "OffscreenCanvas is not defined", see webgpu-backend.ts); on
 * wasm, cpu and tensorflow an awaited read gives the very values a synchronous one would.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Each tensor's values as a fresh Float32Array (row-major; a copy the caller owns), all reads issued before the
 * first is awaited. The tensors are not disposed.
 */
export async function readFloat32s(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  const values = await Promise.all(tensors.map((t) => t.data()));
  return values.map((v) => Float32Array.from(v as Float32Array));
}

/**
 * Run `f` inside `tf.tidy`, then read the tensors it returns ({@link readFloat32s}) and dispose them. The read
 * happens after the tidy (a TypedArray returned from `tf.tidy` is walked element by element, ~20 ms per 65k
 * entries).
 */
export async function tidyRead(f: () => tf.Tensor[]): Promise<Float32Array[]> {
  const tensors = tf.tidy(f);
  try {
    return await readFloat32s(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
