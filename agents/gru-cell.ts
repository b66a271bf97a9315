/**
 * The GRU cell, written once over the few ops it is made of, so that the same sequence of kernels runs whether
 * the cell is stepped as tf.js ops (acting, autodiff: {@link TENSOR_CELL_OPS}) or inside the GRU sequence kernel
 * (gru-kernels.ts, on a kernel's TensorInfos): the two give the same values bit for bit.
 *
 * With [xr|xz|xn] = x·wx + bx (given) and [hr|hz|hn] = h·wh + bh:
 *   r, z = σ([xr|xz] + [hr|hz]),  n = tanh(xn + r ⊙ hn),  h' = n + z ⊙ (h − n).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The ops of a GRU cell on values of type V (tf.Tensor or a kernel's tf.TensorInfo), all [B, ·]. */
export interface CellOps<V extends { shape: number[] }> {
  matMul(a: V, b: V): V;
  add(a: V, b: V): V;
  sub(a: V, b: V): V;
  mul(a: V, b: V): V;
  sigmoid(x: V): V;
  tanh(x: V): V;
  /** Split along the last of two axes into parts of `sizes`, or into that many equal parts. */
  split(x: V, sizes: number[] | number): V[];
}

/** The cell's ops as tf.js ops (differentiable). */
export const TENSOR_CELL_OPS: CellOps<tf.Tensor> = {
  matMul: (a, b) => tf.matMul(a, b),
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  split: (x, sizes) => tf.split(x, sizes, 1),
};

/** One GRU step's next state and the gate values BPTT needs (all [B, ·]). */
export interface GruCellParts<V> {
  /** h' [B, H]. */
  next: V;
  /** r and z side by side [B, 2H]. */
  rz: V;
  /** The candidate n [B, H]. */
  n: V;
  /** (h·wh + bh)_n [B, H]. */
  hn: V;
}

/**
 * One GRU update (see the module comment) from the input projection's gate blocks `xrz` [B, 2H] and `xn` [B, H].
 * @param wh [H, 3H]. @param bh [3H]. @param h [B, H].
 */
export function gruCell<V extends { shape: number[] }>(ops: CellOps<V>, wh: V, bh: V, xrz: V, xn: V, h: V): GruCellParts<V> {
  const H = h.shape[1];
  const [hrz, hn] = ops.split(ops.add(ops.matMul(h, wh), bh), [2 * H, H]);
  const rz = ops.sigmoid(ops.add(xrz, hrz));
  const [r, z] = ops.split(rz, 2);
  const n = ops.tanh(ops.add(xn, ops.mul(r, hn)));
  return { next: ops.add(n, ops.mul(z, ops.sub(h, n))), rz, n, hn };
}
