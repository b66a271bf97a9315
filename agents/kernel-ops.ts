/**
 * Named ops over a {@link KernelScope}: each is the registered kernel the tf.js op of the same name runs, with the
 * same inputs and attributes, so a composite kernel written with them computes what the op-by-op code computes.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CellOps } from './gru-cell.js';
import type { KernelScope } from './kernel-scope.js';

type Info = tf.TensorInfo;

/** The ops of a GRU cell and its BPTT on a kernel's TensorInfos (float32). */
export interface KernelOps extends CellOps<Info> {
  square(x: Info): Info;
  /** `x` split along `axis` into parts of `sizes`, or into that many equal parts. */
  splitAt(x: Info, sizes: number[] | number, axis: number): Info[];
  concat(xs: Info[], axis: number): Info;
  /** The slices along axis 0 (tf.unstack). */
  unstack(x: Info): Info[];
  /** Stack along a new axis 0 (tf.stack). */
  stack(xs: Info[]): Info;
  reshape(x: Info, shape: number[]): Info;
  /** The transpose of a matrix. */
  transpose(x: Info): Info;
  /** Sum over axis 0. */
  sum0(x: Info): Info;
  /** A constant of `shape` filled with `value`. */
  fill(shape: number[], value: number): Info;
}

/** {@link KernelOps} running in `scope`. */
export function kernelOps(scope: KernelScope): KernelOps {
  const binary = (name: string) => (a: Info, b: Info) => scope.run(name, { a, b });
  const unary = (name: string) => (x: Info) => scope.run(name, { x });
  const splitAt = (x: Info, sizes: number[] | number, axis: number) => scope.runMany('SplitV', { x }, { numOrSizeSplits: sizes, axis });
  return {
    matMul: (a, b) => scope.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }),
    add: binary('Add'),
    sub: binary('Sub'),
    mul: binary('Multiply'),
    sigmoid: unary('Sigmoid'),
    tanh: unary('Tanh'),
    square: unary('Square'),
    split: (x, sizes) => splitAt(x, sizes, 1),
    splitAt,
    concat: (xs, axis) => scope.run('Concat', xs, { axis }),
    unstack: (value) => scope.runMany('Unpack', { value }, { axis: 0 }),
    stack: (xs) => scope.run('Pack', xs, { axis: 0 }),
    reshape: (x, shape) => scope.run('Reshape', { x }, { shape }),
    transpose: (x) => scope.run('Transpose', { x }, { perm: [1, 0] }),
    sum0: (x) => scope.run('Sum', { x }, { axis: 0, keepDims: false }),
    fill: (shape, value) => scope.run('Fill', {}, { shape, value, dtype: 'float32' }),
  };
}
