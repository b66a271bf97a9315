/**
 * Functional networks: the parameters are an explicit list of tensors and every forward pass is a pure
 * function of (params, input). MAML differentiates through an update of the list; TRPO and checkpoints
 * work on the list as one flat vector.
 *
 * Nothing here calls `tf.tidy`: callers wrap forward/backward work in `tf.tidy` (or `tf.grads`).
 * Initialisation draws from a seeded {@link Rng} on the JS side: same seed, identical parameters.
 * Only kernels that the cpu and wasm backends both have (and whose gradients they have) are used:
 * matMul, add, mul, sub, tanh, sigmoid, relu, split, stack/unstack, reshape.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/rng.js';
import { concatArrays } from '../envs/typed-arrays.js';
import { gruCell, TENSOR_CELL_OPS } from './gru-cell.js';
import { gruSequence } from './gru-sequence.js';
import { readFloat32s, tidyRead } from './tensor-read.js';

/** A network's parameters: an ordered list of tensors (variables or plain tensors). */
export type Params = tf.Tensor[];

/** Hidden-layer nonlinearity of an MLP. */
export type Activation = 'tanh' | 'relu' | 'linear';

/** How weight matrices are drawn. Biases always start at zero. */
export interface InitOptions {
  /** `glorot`: uniform ±sqrt(6/(in+out)); `orthogonal`: a random orthogonal matrix (default `glorot`). */
  scheme?: 'glorot' | 'orthogonal';
  /** Multiplier on hidden-layer weights (default 1). */
  gain?: number;
  /** Multiplier on the last layer's weights (default `gain`); e.g. 0.01 for a policy's mean head. */
  outputGain?: number;
}

/** Weight matrix [rows, cols], row-major, Glorot-uniform times `gain`. */
function glorotMatrix(rng: Rng, rows: number, cols: number, gain: number): Float32Array {
  const limit = gain * Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => rng.uniform(-limit, limit));
}

/**
 * A random matrix [rows, cols] with orthonormal rows or columns (whichever are fewer), times `gain`:
 * modified Gram–Schmidt on a Gaussian matrix in float64 (the QR of Saxe et al. 2014, sign-fixed).
 */
function orthogonalMatrix(rng: Rng, rows: number, cols: number, gain: number): Float32Array {
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const q = Array.from({ length: n }, () => Float64Array.from({ length: m }, () => rng.normal()));
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[j][i] * q[k][i];
      for (let i = 0; i < m; i++) q[j][i] -= dot * q[k][i];
    }
    let sq = 0;
    for (let i = 0; i < m; i++) sq += q[j][i] * q[j][i];
    const norm = Math.sqrt(sq);
    for (let i = 0; i < m; i++) q[j][i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[c][r] : q[r][c]);
  }
  return out;
}

/** A weight matrix [rows, cols] drawn with `scheme`. */
function initMatrix(rng: Rng, rows: number, cols: number, scheme: 'glorot' | 'orthogonal', gain: number): tf.Tensor2D {
  const data = scheme === 'orthogonal' ? orthogonalMatrix(rng, rows, cols, gain) : glorotMatrix(rng, rows, cols, gain);
  return tf.tensor2d(data, [rows, cols]);
}

function checkSizes(sizes: readonly number[]): void {
  if (sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`mlpInit: sizes must be >= 2 positive integers [in, ...hidden, out], got [${sizes}].`);
  }
}

/**
 * Initialise an MLP with layer sizes `[in, ...hidden, out]`.
 * @returns `[W0, b0, W1, b1, ...]` with `Wi: [sizes[i], sizes[i+1]]`, `bi: [sizes[i+1]]` (zeros).
 */
export function mlpInit(rng: Rng, sizes: readonly number[], opts: InitOptions = {}): Params {
  checkSizes(sizes);
  const scheme = opts.scheme ?? 'glorot';
  const gain = opts.gain ?? 1;
  const params: Params = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    params.push(initMatrix(rng, sizes[i], sizes[i + 1], scheme, last ? (opts.outputGain ?? gain) : gain));
    params.push(tf.zeros([sizes[i + 1]]));
  }
  return params;
}

/** Apply a hidden-layer nonlinearity. */
export function activate(x: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  if (activation === 'tanh') return tf.tanh(x);
  if (activation === 'relu') return tf.relu(x);
  return x;
}

/**
 * MLP forward pass: affine layers with `activation` between them, linear output.
 * @param params `[W0, b0, ...]` as from {@link mlpInit}.
 * @param x inputs [B, in].
 * @returns outputs [B, out].
 */
export function mlpForward(params: Params, x: tf.Tensor2D, activation: Activation = 'tanh'): tf.Tensor2D {
  if (params.length === 0 || params.length % 2 !== 0) {
    throw new Error(`mlpForward: params must be [W0, b0, W1, b1, ...], got ${params.length} tensors.`);
  }
  let h = x;
  for (let i = 0; i < params.length; i += 2) {
    h = tf.add(tf.matMul(h, params[i] as tf.Tensor2D), params[i + 1]);
    if (i + 2 < params.length) h = activate(h, activation);
  }
  return h;
}

/**
 * Initialise a GRU cell (PyTorch gate convention, gates ordered [reset r, update z, candidate n]).
 * @returns `[wx: [in, 3H], wh: [H, 3H], bx: [3H], bh: [3H]]`; input weights Glorot, recurrent weights
 * orthogonal per gate, biases zero.
 */
export function gruInit(rng: Rng, inputDim: number, hiddenDim: number, opts: { gain?: number } = {}): Params {
  const gain = opts.gain ?? 1;
  const gateBlocks = (rows: number, scheme: 'glorot' | 'orthogonal') =>
    tf.tidy(() => tf.concat([0, 1, 2].map(() => initMatrix(rng, rows, hiddenDim, scheme, gain)), 1));
  const wx = gateBlocks(inputDim, 'glorot');
  const wh = gateBlocks(hiddenDim, 'orthogonal');
  return [wx, wh, tf.zeros([3 * hiddenDim]), tf.zeros([3 * hiddenDim])];
}

/**
 * One GRU step.
 * @param params `[wx, wh, bx, bh]` from {@link gruInit}.
 * @param x inputs [B, in].
 * @param h hidden state [B, H].
 * @returns the next hidden state [B, H].
 */
export function gruStep(params: Params, x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const [wx, wh, bx, bh] = params;
  const H = h.shape[1];
  const [xrz, xn] = tf.split(tf.add(tf.matMul(x, wx as tf.Tensor2D), bx), [2 * H, H], 1) as tf.Tensor2D[];
  return gruCell<tf.Tensor>(TENSOR_CELL_OPS, wh, bh, xrz, xn, h).next as tf.Tensor2D;
}

/**
 * Run a GRU over a sequence (differentiable: backprop through time). The input projection of all T steps is one
 * matMul; the recurrence is one op with a hand-written backward pass (gru-sequence.ts) over the same cell as
 * {@link gruStep}.
 * @param xs inputs [T, B, in].
 * @param h0 initial hidden state [B, H].
 * @param resetMask optional [T, B]: 1 where the hidden state is zeroed before step t (a new trial starts).
 * @returns the hidden state after each step, [T, B, H].
 */
export function gruUnroll(params: Params, xs: tf.Tensor3D, h0: tf.Tensor2D, resetMask?: tf.Tensor2D): tf.Tensor3D {
  const [wx, wh, bx, bh] = params;
  const [T, B, inDim] = xs.shape;
  const xw = tf.reshape(tf.add(tf.matMul(tf.reshape(xs, [T * B, inDim]), wx as tf.Tensor2D), bx), [T, B, -1]) as tf.Tensor3D;
  const keep = resetMask ? (tf.expandDims(tf.sub(1, resetMask), 2) as tf.Tensor3D) : undefined;
  return gruSequence(xw, wh as tf.Tensor2D, bh as tf.Tensor1D, h0, keep);
}

/**
 * Run a recurrent step function over a sequence (differentiable: backprop through time).
 * @param step one step: input x_t [B, in] and state [B, S] -> next state [B, S].
 * @param xs inputs [T, B, in].
 * @param s0 initial state [B, S].
 * @param resetMask optional [T, B]: 1 where the state row is zeroed before step t (a new trial starts).
 * @returns the state after each step, [T, B, S].
 */
export function unrollSteps(
  step: (x: tf.Tensor2D, state: tf.Tensor2D) => tf.Tensor2D,
  xs: tf.Tensor3D,
  s0: tf.Tensor2D,
  resetMask?: tf.Tensor2D,
): tf.Tensor3D {
  const inputs = tf.unstack(xs) as tf.Tensor2D[];
  const keep = resetMask ? (tf.unstack(tf.expandDims(tf.sub(1, resetMask), 2)) as tf.Tensor2D[]) : undefined;
  const states: tf.Tensor2D[] = [];
  let s = s0;
  for (let t = 0; t < inputs.length; t++) {
    if (keep) s = tf.mul(s, keep[t]);
    s = step(inputs[t], s);
    states.push(s);
  }
  return tf.stack(states) as tf.Tensor3D;
}

/**
 * Σ xs in list order by pairwise adds (same shapes): the float32 sums `tf.addN` makes on cpu and wasm, without its
 * one kernel over all inputs, which fails on webgpu beyond 7 inputs (a shader binds at most 8 storage buffers).
 */
export function sumInOrder<T extends tf.Tensor>(xs: readonly T[]): T {
  if (xs.length === 0) throw new Error('sumInOrder: no tensors.');
  return xs.reduce((acc, x) => tf.add(acc, x));
}

/** The Euclidean norm of all entries of `tensors` together, sqrt(Σ_i sum(t_i²)) (float32 sums; an asynchronous read). */
export async function globalNorm(tensors: readonly tf.Tensor[]): Promise<number> {
  const [sumSq] = await tidyRead(() => [sumInOrder(tensors.map((t) => tf.sum(tf.square(t))))]);
  return Math.sqrt(sumSq[0]);
}

/** Total number of scalar parameters. */
export function paramCount(params: Params): number {
  return params.reduce((n, p) => n + p.size, 0);
}

/** The shape of each parameter tensor. */
export function paramShapes(params: Params): number[][] {
  return params.map((p) => [...p.shape]);
}

/** All parameters copied into one Float32Array [paramCount], in list order, each row-major (an asynchronous read). */
export async function flattenParams(params: Params): Promise<Float32Array> {
  return concatArrays(await readFloat32s(params), Float32Array);
}

/**
 * Run `f` inside `tf.tidy` and read the tensors it returns into one flat Float32Array [sum of their sizes], in
 * order ({@link tidyRead}: read after the tidy, then disposed).
 */
export async function tidyFlat(f: () => tf.Tensor[]): Promise<Float32Array> {
  return concatArrays(await tidyRead(f), Float32Array);
}

/** New tensors with `shapes`, filled from a flat vector [sum of sizes] (inverse of {@link flattenParams}). */
export function unflattenParams(flat: ArrayLike<number>, shapes: readonly number[][]): Params {
  const total = shapes.reduce((n, s) => n + sizeOf(s), 0);
  if (flat.length !== total) throw new Error(`unflattenParams: expected ${total} values, got ${flat.length}.`);
  let offset = 0;
  return shapes.map((shape) => {
    const n = sizeOf(shape);
    const part = new Float32Array(n);
    for (let i = 0; i < n; i++) part[i] = flat[offset + i];
    offset += n;
    return tf.tensor(part, shape);
  });
}

/** Differentiable flatten: the parameters concatenated into one tensor [paramCount]. */
export function concatFlat(params: Params): tf.Tensor1D {
  return tf.concat(params.map((p) => tf.reshape(p, [-1])));
}

/** Differentiable unflatten: split a flat tensor [sum of sizes] back into tensors with `shapes`. */
export function splitFlat(flat: tf.Tensor1D, shapes: readonly number[][]): Params {
  const parts = tf.split(flat, shapes.map(sizeOf));
  return parts.map((part, i) => tf.reshape(part, shapes[i]));
}

/** Trainable variables holding the values of `params` (for tf optimizers); `params` may be disposed after. */
export function toVariables(params: Params, trainable = true): tf.Variable[] {
  return params.map((p) => tf.variable(p, trainable));
}

/** Copy `values` into `vars` in place (shapes must match). */
export function assignParams(vars: readonly tf.Variable[], values: Params): void {
  if (vars.length !== values.length) throw new Error(`assignParams: ${vars.length} variables, ${values.length} values.`);
  vars.forEach((v, i) => v.assign(values[i]));
}

/** Dispose every tensor of the list. */
export function disposeParams(params: Params): void {
  for (const p of params) p.dispose();
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
