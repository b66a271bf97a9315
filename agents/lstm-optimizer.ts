/**
 * The coordinate-wise LSTM optimizer of Andrychowicz et al. 2016 ("Learning to learn by gradient descent by
 * gradient descent"), as pure tensor functions: ONE small LSTM, shared by every coordinate of the optimizee's
 * parameters, reads that coordinate's preprocessed gradient and its own state and outputs that coordinate's update,
 *
 *   x_c = preprocess(g_c)                       [2]  (the paper's appendix A, constant p)
 *   (h¹_c, c¹_c) = LSTM_1(x_c, h¹_c, c¹_c)       [H]
 *   (h²_c, c²_c) = LSTM_2(h¹_c, h²_c, c²_c)      [H]  (…, `layers` layers)
 *   θ_c ← θ_c + outputScale · (w_out · hᴸ_c + b_out),
 *
 * so its parameter count depends only on H and the number of layers, never on the optimizee's size (hidden 20, two
 * layers: 5,141 values), and permuting the coordinates permutes the updates. Preprocessing:
 * x = (log|g| / p, sign g) where |g| ≥ e^{−p}, else (−1, e^p g); written with log(max(|g|, e^{−p})) so that its
 * derivative (second-order meta-gradients differentiate through it) is finite everywhere.
 *
 * Initialisation: LSTM kernels Glorot-uniform, biases zero but the forget gates' (+1, the usual LSTM choice), and
 * the output layer ZERO: the untrained optimizer leaves θ unchanged (no adaptation), so meta-training starts from
 * the un-adapted policy rather than from random steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/rng.js';
import { mlpInit, type Params } from './nets.js';

/** The optimizer's sizes and constants. */
export interface LstmOptimizerConfig {
  /** LSTM units per layer, H (paper: 20). */
  hidden: number;
  /** Stacked LSTM layers (paper: 2). */
  layers: number;
  /** The preprocessing constant p (paper: 10): gradients below e^{−p} in magnitude are read linearly. */
  preprocessP: number;
  /** The output is multiplied by this before it is added to θ (the reference code's `scale`). */
  outputScale: number;
}

/**
 * The LSTM state of N coordinates: per layer its hidden and cell state, `[h¹, c¹, h², c², …]`, each [N, H].
 */
export type LstmOptimizerState = tf.Tensor2D[];

/** What {@link lstmOptimizerStep} returns. */
export interface LstmOptimizerStep {
  /** The update of each coordinate, [N] (added to θ, not subtracted). */
  update: tf.Tensor1D;
  /** The state after this step. */
  state: LstmOptimizerState;
}

/** Tensors of the optimizer's parameters, in order: per layer [kernel, bias], then [w_out, b_out]. */
export function lstmOptimizerShapes(config: LstmOptimizerConfig): number[][] {
  const shapes: number[][] = [];
  for (let l = 0; l < config.layers; l++) shapes.push([(l === 0 ? 2 : config.hidden) + config.hidden, 4 * config.hidden], [4 * config.hidden]);
  return [...shapes, [config.hidden, 1], [1]];
}

/**
 * Fresh optimizer parameters (see the module comment), drawn with `rng`.
 * @returns per layer `[kernel: [in + H, 4H] (gate order i, f, g, o), bias: [4H]]`, then `[w_out: [H, 1], b_out: [1]]`.
 */
export function lstmOptimizerInit(rng: Rng, config: LstmOptimizerConfig): Params {
  const H = config.hidden;
  const forgetBias = Float32Array.from({ length: 4 * H }, (_, k) => (k >= H && k < 2 * H ? 1 : 0));
  const params: Params = [];
  for (let l = 0; l < config.layers; l++) {
    const [kernel, zeroBias] = mlpInit(rng, [(l === 0 ? 2 : H) + H, 4 * H]);
    zeroBias.dispose();
    params.push(kernel, tf.tensor1d(forgetBias));
  }
  return [...params, tf.zeros([H, 1]), tf.zeros([1])];
}

/** The zero state of `n` coordinates (see {@link LstmOptimizerState}). */
export function lstmOptimizerZeroState(n: number, config: LstmOptimizerConfig): LstmOptimizerState {
  return Array.from({ length: 2 * config.layers }, () => tf.zeros([n, config.hidden]) as tf.Tensor2D);
}

/**
 * The paper's gradient preprocessing of a flat gradient [N]: [N, 2] (see the module comment). The two cases are
 * blended with a 0/1 mask rather than `tf.where`, whose gradient cannot be differentiated again in tfjs 4.22
 * (LogicalNot has no gradient), which second-order meta-gradients need.
 */
export function preprocessGradient(grad: tf.Tensor1D, p: number): tf.Tensor2D {
  const floor = Math.exp(-p);
  const magnitude = tf.abs(grad);
  const large = tf.cast(tf.greaterEqual(magnitude, floor), 'float32');
  const small = tf.sub(1, large);
  const logPart = tf.sub(tf.mul(large, tf.div(tf.log(tf.maximum(magnitude, floor)), p)), small);
  const signPart = tf.add(tf.mul(large, tf.sign(grad)), tf.mul(small, tf.mul(grad, Math.exp(p))));
  return tf.stack([logPart, signPart], 1) as tf.Tensor2D;
}

/** One LSTM cell on a batch of coordinates: gates = [x, h]·kernel + bias, i f g o; returns [h', c'] ([N, H] each). */
function lstmCell(kernel: tf.Tensor, bias: tf.Tensor, x: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const gates = tf.add(tf.matMul(tf.concat([x, h], 1), kernel as tf.Tensor2D), bias);
  const [i, f, g, o] = tf.split(gates, 4, 1);
  const cNext = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
  return [tf.mul(tf.sigmoid(o), tf.tanh(cNext)) as tf.Tensor2D, cNext];
}

/**
 * One step of the optimizer on N coordinates (differentiable w.r.t. `weights`, `grad` and `state`).
 * @param weights from {@link lstmOptimizerInit}.
 * @param grad the coordinates' gradients, flat [N].
 * @param state the coordinates' state ({@link lstmOptimizerZeroState} before the first step).
 */
export function lstmOptimizerStep(weights: Params, grad: tf.Tensor1D, state: LstmOptimizerState, config: LstmOptimizerConfig): LstmOptimizerStep {
  let input = preprocessGradient(grad, config.preprocessP);
  const next: LstmOptimizerState = [];
  for (let l = 0; l < config.layers; l++) {
    const [h, c] = lstmCell(weights[2 * l], weights[2 * l + 1], input, state[2 * l], state[2 * l + 1]);
    next.push(h, c);
    input = h;
  }
  const [wOut, bOut] = weights.slice(2 * config.layers);
  const update = tf.mul(tf.reshape(tf.add(tf.matMul(input, wOut as tf.Tensor2D), bOut), [-1]), config.outputScale) as tf.Tensor1D;
  return { update, state: next };
}
