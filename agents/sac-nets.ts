/**
 * The networks of soft actor-critic (Haarnoja et al. 2018) as PEARL's code builds them (katerakelly/oyster,
 * rlkit/torch/networks.py `Mlp`, rlkit/torch/sac/policies.py `TanhGaussianPolicy`): ReLU MLPs over concatenated
 * inputs, and a tanh-squashed diagonal-Gaussian policy whose mean and log-std are two linear heads on the last
 * hidden layer (here one output layer of width 2A: columns [0, A) the mean, [A, 2A) the log-std, the same function),
 * log-std clamped to [-20, 2].
 *
 * Initialisation as rlkit's: hidden weights uniform ±1/sqrt(size[0]) of the torch weight [out, in] (`fanin_init`
 * reads the first axis, i.e. the layer's output width), hidden biases 0.1, last layer weights and biases uniform
 * ±initW (3e-3 for Q, V and the encoder; 1e-3 for the policy).
 *
 * Tensor functions are pure (callers wrap in `tf.tidy`); `*Arrays` functions act in plain JS on parameter copies.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/rng.js';
import { mlpForwardArrays, type DenseArrays } from './mlp-arrays.js';
import { mlpForward, type Params } from './nets.js';

/** log(1 − tanh(u)²) is computed as 2(log 2 − u − softplus(−2u)): exact and finite for every u. */
const LOG2 = Math.log(2);
const LOG_2PI = Math.log(2 * Math.PI);
/** Log-std clamp of rlkit's TanhGaussianPolicy (policies.py LOG_SIG_MIN / LOG_SIG_MAX). */
export const LOG_STD_MIN = -20;
export const LOG_STD_MAX = 2;

/**
 * An MLP `[in, ...hidden, out]` with rlkit's initialisation (see the module comment).
 * @returns `[W0: [in, h0], b0: [h0], ..., Wk: [hk-1, out], bk: [out]]`.
 */
export function rlkitMlpInit(rng: Rng, sizes: readonly number[], initW: number): Params {
  if (sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) throw new Error(`rlkitMlpInit: sizes must be >= 2 positive integers, got [${sizes}].`);
  const params: Params = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [rows, cols] = [sizes[i], sizes[i + 1]];
    const last = i + 2 === sizes.length;
    const bound = last ? initW : 1 / Math.sqrt(cols);
    params.push(tf.tensor2d(Float32Array.from({ length: rows * cols }, () => rng.uniform(-bound, bound)), [rows, cols]));
    params.push(last ? tf.tensor1d(Float32Array.from({ length: cols }, () => rng.uniform(-initW, initW))) : tf.fill([cols], 0.1));
  }
  return params;
}

/** ReLU MLP over the concatenation of `inputs` (each [N, d_i]) -> [N, out] (rlkit `FlattenMlp`). */
export function flattenMlp(params: Params, inputs: readonly tf.Tensor2D[]): tf.Tensor2D {
  return mlpForward(params, inputs.length === 1 ? inputs[0] : tf.concat([...inputs], 1), 'relu');
}

/** A reparameterised sample of the tanh-Gaussian policy and what SAC needs about it. */
export interface SquashedSample {
  /** tanh(u), u = mean + std·eps, [N, A]. */
  actions: tf.Tensor2D;
  /** Gaussian mean [N, A]. */
  mean: tf.Tensor2D;
  /** Clamped log-std [N, A]. */
  logStd: tf.Tensor2D;
  /** Pre-tanh value u [N, A]. */
  preTanh: tf.Tensor2D;
  /** log π(a|s) with the change of variables, summed over actions, [N]. */
  logProb: tf.Tensor1D;
}

/** Mean [N, A] and clamped log-std [N, A] of the policy head output [N, 2A]. */
export function splitPolicyHead(out: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor2D } {
  const [mean, rawLogStd] = tf.split(out, 2, 1) as tf.Tensor2D[];
  return { mean, logStd: tf.clipByValue(rawLogStd, LOG_STD_MIN, LOG_STD_MAX) };
}

/**
 * log density of a = tanh(u), u ~ N(mean, diag(exp(logStd))²), given u (all [N, A]), summed over actions:
 * Σ [log N(u; mean, std) − log(1 − tanh(u)²)]. rlkit (distributions.py `TanhNormal.log_prob`) writes the correction
 * as log(1 − a² + 1e-6); this is the exact value, which differs from it only where 1 − a² ≲ 1e-5.
 * @returns [N].
 */
export function squashedLogProb(mean: tf.Tensor2D, logStd: tf.Tensor2D, preTanh: tf.Tensor2D): tf.Tensor1D {
  const z = tf.div(tf.sub(preTanh, mean), tf.exp(logStd));
  const gaussian = tf.neg(tf.add(tf.add(tf.mul(tf.square(z), 0.5), logStd), 0.5 * LOG_2PI));
  const logDetJacobian = tf.mul(tf.sub(tf.sub(LOG2, preTanh), tf.softplus(tf.mul(preTanh, -2))), 2);
  return tf.sum(tf.sub(gaussian, logDetJacobian), 1) as tf.Tensor1D;
}

/**
 * The policy at inputs `x` [N, in] (observation and latent concatenated by the caller), sampled with the
 * reparameterisation u = mean + exp(logStd)·eps. @param eps standard normal noise [N, A].
 */
export function squashedGaussianSample(policy: Params, x: tf.Tensor2D, eps: tf.Tensor2D): SquashedSample {
  const { mean, logStd } = splitPolicyHead(flattenMlp(policy, [x]));
  const preTanh = tf.add(mean, tf.mul(tf.exp(logStd), eps)) as tf.Tensor2D;
  return { actions: tf.tanh(preTanh) as tf.Tensor2D, mean, logStd, preTanh, logProb: squashedLogProb(mean, logStd, preTanh) };
}

/**
 * Act in plain JS on a copy of the policy: tanh(mean + std·eps) with eps from `noise`, or tanh(mean) with 'mean'
 * (rlkit's deterministic mode). @param layers the policy in kernel layout (mlpArrays). @param x inputs [N*in].
 * @returns actions [N*A] in (−1, 1).
 */
export function squashedActArrays(layers: readonly DenseArrays[], x: Float32Array, n: number, noise: Rng | 'mean'): Float32Array {
  const out = mlpForwardArrays(layers, x, n, 'relu');
  const actDim = out.length / n / 2;
  const actions = new Float32Array(n * actDim);
  for (let b = 0; b < n; b++) {
    for (let j = 0; j < actDim; j++) {
      const mean = out[b * 2 * actDim + j];
      if (noise === 'mean') {
        actions[b * actDim + j] = Math.tanh(mean);
        continue;
      }
      const logStd = Math.min(LOG_STD_MAX, Math.max(LOG_STD_MIN, out[b * 2 * actDim + actDim + j]));
      actions[b * actDim + j] = Math.tanh(mean + Math.exp(logStd) * noise.normal());
    }
  }
  return actions;
}

/** Exponential moving average of parameters: target ← (1 − τ)·target + τ·source (rlkit `soft_update_from_to`). */
export function softUpdate(target: readonly tf.Variable[], source: readonly tf.Tensor[], tau: number): void {
  tf.tidy(() => target.forEach((t, i) => t.assign(tf.add(tf.mul(t, 1 - tau), tf.mul(source[i], tau)))));
}
