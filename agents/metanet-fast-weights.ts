/**
 * The meta information and the fast-weight generator of the `metanet` core (Meta Networks, Munkhdalai & Yu 2017,
 * mapped to RL2; the core is metanet-core.ts).
 *
 * Base learner: one layer φ^slow(x) = tanh(x̄·W̄_s) [B, D] with x̄ = [x, 1] and W̄_s = [W_s; b_s] [in + 1, D] (the bias
 * as the weights of a constant input), and a linear value predictor v(φ) = φ·u (u slow). Its loss on a transition
 * (x_{t−1} -> x_t) is the TD error: x_t carries the previous reward r_{t−1} (entry in − 2) and the episode-start flag
 * (entry in − 1), so
 *   δ = r_{t−1} + γ_b (1 − start_t) v(φ^slow(x_t)) − v(φ^slow(x_{t−1})),  loss ½δ²,
 * with the TD target held constant (semi-gradient TD(0)). Its gradient with respect to the base layer's weights is
 * the closed form
 *   ∂(½δ²)/∂W̄_s = −δ · x̄_{t−1} ⊗ (u ⊙ (1 − φ^slow(x_{t−1})²))   [in + 1, D],
 * computed inside the recurrent step, so the outer backprop through time differentiates through it as through any
 * other op.
 *
 * G (the meta learner) maps that gradient to fast weights W̄* [in + 1, D] in one forward pass, coordinate by
 * coordinate: an MLP `[2, metaHidden, 1]` with tanh, shared by every coordinate, reads the raw gradient entry and the
 * transition's δ and gives that coordinate's fast weight. G's parameter count (4·metaHidden + 1) does not depend on
 * the base layer's size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mlpForward, type Params } from './nets.js';

/** The base learner's slow parameters. */
export interface BaseLearner {
  /** W_s [in, D]. */
  ws: tf.Tensor2D;
  /** b_s [D]. */
  bs: tf.Tensor1D;
  /** The value predictor's weights u [D, 1]. */
  u: tf.Tensor2D;
}

/** Input rows [B, in] with a constant 1 appended, [B, in + 1]. */
export function withBiasInput(x: tf.Tensor2D): tf.Tensor2D {
  return tf.concat([x, tf.onesLike(tf.slice(x, [0, 0], [-1, 1]))], 1);
}

/** φ^slow = tanh(x·W_s + b_s): inputs [B, in] -> [B, D]. */
export function slowFeatures(base: BaseLearner, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tanh(mlpForward([base.ws, base.bs], x));
}

/** The meta information of one transition per row. */
export interface BaseLossGradient {
  /** TD error δ [B, 1]. */
  delta: tf.Tensor2D;
  /** ∂(½δ²)/∂[W_s; b_s] per row [B, in + 1, D]. */
  grad: tf.Tensor3D;
}

/**
 * The base learner's TD error on the transition x_{t−1} -> x_t and the closed-form gradient of ½δ² with respect to
 * [W_s; b_s] (the target held constant).
 * @param xPrev x_{t−1} [B, in]. @param x x_t [B, in]: entry in − 2 is r_{t−1}, entry in − 1 the episode-start flag.
 * @param baseDiscount γ_b.
 */
export function baseLossGradient(base: BaseLearner, xPrev: tf.Tensor2D, x: tf.Tensor2D, baseDiscount: number): BaseLossGradient {
  const inputDim = x.shape[1];
  const [reward, start] = tf.split(tf.slice(x, [0, inputDim - 2], [-1, 2]), 2, 1) as tf.Tensor2D[];
  const phiPrev = slowFeatures(base, xPrev);
  const bootstrap = tf.mul(tf.mul(tf.sub(1, start), baseDiscount), tf.matMul(slowFeatures(base, x), base.u));
  const delta = tf.sub(tf.add(reward, bootstrap), tf.matMul(phiPrev, base.u)) as tf.Tensor2D;
  const slope = tf.mul(tf.reshape(base.u, [1, -1]), tf.sub(1, tf.square(phiPrev)));
  const grad = tf.neg(tf.mul(tf.expandDims(withBiasInput(xPrev), 2), tf.expandDims(tf.mul(delta, slope), 1))) as tf.Tensor3D;
  return { delta, grad };
}

/**
 * Fast weights from the meta information in one forward pass of G, coordinate-wise: each row of G's input is
 * (g, δ) for one gradient entry g.
 * @param metaLearner G's parameters `[w1: [2, h], b1: [h], w2: [h, 1], b2: [1]]`.
 * @returns fast weights W̄* [B, (in + 1)·D] (row-major [in + 1, D] per row).
 */
export function fastWeights(metaLearner: Params, { delta, grad }: BaseLossGradient): tf.Tensor2D {
  const [batch, rows, hiddenDim] = grad.shape;
  const coordinates = batch * rows * hiddenDim;
  const perCoordinate = tf.reshape(tf.tile(delta, [1, rows * hiddenDim]), [coordinates]);
  const inputs = tf.stack([tf.reshape(grad, [coordinates]), perCoordinate], 1) as tf.Tensor2D;
  return tf.reshape(mlpForward(metaLearner, inputs, 'tanh'), [batch, rows * hiddenDim]);
}
