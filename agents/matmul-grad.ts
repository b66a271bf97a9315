/**
 * A faster gradient for `BatchMatMul` (tf.matMul) on the wasm backend, same math as tfjs-core's.
 *
 * tfjs-core's gradient of C = A·B is dA = dC·Bᵀ, dB = Aᵀ·dC, written as matMul with `transposeA`/`transposeB`
 * flags. The wasm backend (4.22) sends only flag-free products to XNNPACK; with a transpose flag it falls back to
 * a naive loop, measured 5–15x slower on this machine ([2000, 64]·[64, 64]: 0.7–1.3 ms plain, 9–12 ms with a
 * flag; an explicit tf.transpose + plain matMul: 1–2.4 ms). Every backward matMul carries a flag, so on wasm
 * the backward passes (and MAML's second- and third-order passes) were dominated by them.
 *
 * This gradient emits explicit transposes (of the last two axes) and flag-free products when the active backend
 * is wasm, and exactly tfjs-core's flagged products on every other backend. Its own gradient is again made of
 * matMul and transpose, so higher orders stay flag-free on wasm too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerCoreGradients } from './gradients.js';

type MatMul = (x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean) => tf.Tensor;

/** Swap the last two axes. */
function swapLastTwo(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  return tf.transpose(x, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
}

/** x·y with transposes applied as separate Transpose kernels. */
const flagFreeMatMul: MatMul = (x, y, tx, ty) => tf.matMul(tx ? swapLastTwo(x) : x, ty ? swapLastTwo(y) : y);

const flaggedMatMul: MatMul = (x, y, tx, ty) => tf.matMul(x, y, tx, ty);

/** tfjs-core's four cases of the BatchMatMul gradient, with the products taken by `mm`. */
function matMulGrads(dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean, mm: MatMul): { a: () => tf.Tensor; b: () => tf.Tensor } {
  if (!transposeA && !transposeB) return { a: () => mm(dy, b, false, true), b: () => mm(a, dy, true, false) };
  if (!transposeA && transposeB) return { a: () => mm(dy, b, false, false), b: () => mm(dy, a, true, false) };
  if (transposeA && !transposeB) return { a: () => mm(b, dy, false, true), b: () => mm(a, dy, false, false) };
  return { a: () => mm(b, dy, true, true), b: () => mm(dy, a, true, true) };
}

/** The replacement gradient config of the `BatchMatMul` kernel. */
export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const mm = tf.getBackend() === 'wasm' ? flagFreeMatMul : flaggedMatMul;
    return matMulGrads(dy as tf.Tensor, a, b, transposeA, transposeB, mm);
  },
};

/** tfjs-core's own BatchMatMul gradient (flagged products on every backend), for A/B measurements. */
export const flaggedBatchMatMulGradConfig: tf.GradConfig = {
  ...batchMatMulGradConfig,
  gradFunc: (dy, saved, attrs) => {
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    return matMulGrads(dy as tf.Tensor, saved[0], saved[1], transposeA, transposeB, flaggedMatMul);
  },
};

/** Whether {@link registerFastMatMulGradient}'s gradient is the registered BatchMatMul gradient now. */
export function fastMatMulGradientRegistered(): boolean {
  return tf.getGradient(tf.BatchMatMul) === batchMatMulGradConfig;
}

/**
 * Register tfjs-core's gradients (if not yet) and then this BatchMatMul gradient in their place. Idempotent.
 * Engine-wide: every later gradient of tf.matMul uses it (identical results up to float rounding).
 */
export async function registerFastMatMulGradient(): Promise<void> {
  await registerCoreGradients();
  if (tf.getGradient(tf.BatchMatMul) !== batchMatMulGradConfig) tf.registerGradient(batchMatMulGradConfig);
}
