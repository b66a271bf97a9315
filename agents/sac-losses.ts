/**
 * The losses of soft actor-critic with a state-value function, as PEARL's code writes them
 * (katerakelly/oyster rlkit/torch/sac/sac.py `_take_step`), with the temperature α explicit (α = 1 there: the
 * entropy weight is set by `reward_scale` instead):
 * - critic target   y = reward_scale·r + (1 − d)·γ·V̄(s'), d = 1 only at a task termination (sac.py:216-218);
 * - twin Q loss     mean((Q1 − y)²) + mean((Q2 − y)²) (sac.py:219);
 * - value target    min(Q1, Q2)(s, ã) − α·log π(ã|s), ã ~ π fresh (sac.py:226-230), held constant;
 * - policy loss     mean(α·log π(ã|s) − min Q(s, ã)) + mean-, std- and pre-tanh regularisers (sac.py:238-251);
 * - temperature (optional, SAC v2) loss −mean(log α · (log π + target entropy)), log π held constant.
 * All functions are pure tensor code (callers wrap in `tf.tidy` or a gradient call).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * The input unchanged, with no gradient flowing back through it (tfjs has no stopGradient op; its gradient is
 * defined here as zero).
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return zeroGradientIdentity(x) as T;
}

const zeroGradientIdentity = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = inputs[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** Discount and reward scale of the critic target. */
export interface CriticTargetOptions {
  /** γ. */
  discount: number;
  /** Multiplies rewards before the Bellman backup (PEARL: the inverse temperature). */
  rewardScale: number;
}

/**
 * y = rewardScale·r + (1 − terminal)·γ·V̄(s'). @param rewards [N]. @param terminals [N] (1 = the task ended
 * the episode: no bootstrap; a truncated episode stores 0 and bootstraps). @param targetNextV V̄(s') [N].
 * @returns [N].
 */
export function criticTarget(rewards: tf.Tensor1D, terminals: tf.Tensor1D, targetNextV: tf.Tensor1D, o: CriticTargetOptions): tf.Tensor1D {
  return tf.add(tf.mul(rewards, o.rewardScale), tf.mul(tf.mul(tf.sub(1, terminals), o.discount), targetNextV)) as tf.Tensor1D;
}

/** Mean squared error between predictions and targets of one shape: a scalar. */
export function mse(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(pred, target));
}

/** Twin-critic loss mean((Q1 − y)²) + mean((Q2 − y)²), all [N]: a scalar. */
export function twinCriticLoss(q1: tf.Tensor1D, q2: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar {
  return tf.add(mse(q1, target), mse(q2, target));
}

/** V target min Q(s, ã) − α·log π(ã|s), [N] (the caller holds it constant). @param alpha α, a number or scalar tensor. */
export function valueTarget(minQ: tf.Tensor1D, logPi: tf.Tensor1D, alpha: number | tf.Scalar): tf.Tensor1D {
  return tf.sub(minQ, tf.mul(logPi, alpha)) as tf.Tensor1D;
}

/** Weights of the policy regularisers (rlkit names; the policy's mean and log-std are [N, A]). */
export interface PolicyRegWeights {
  policyMeanRegWeight: number;
  policyStdRegWeight: number;
  policyPreActivationWeight: number;
}

/**
 * mean(α·log π − min Q) + w_mean·mean(mean²) + w_std·mean(logStd²) + w_pre·mean(Σ_a u²), u the pre-tanh sample.
 * @param logPi [N]. @param minQ [N]. @param mean [N, A]. @param logStd [N, A]. @param preTanh [N, A].
 */
export function policyLoss(logPi: tf.Tensor1D, minQ: tf.Tensor1D, alpha: number | tf.Scalar, mean: tf.Tensor2D, logStd: tf.Tensor2D, preTanh: tf.Tensor2D, w: PolicyRegWeights): tf.Scalar {
  const objective = tf.mean(tf.sub(tf.mul(logPi, alpha), minQ));
  const reg = tf.addN([
    tf.mul(tf.mean(tf.square(mean)), w.policyMeanRegWeight),
    tf.mul(tf.mean(tf.square(logStd)), w.policyStdRegWeight),
    tf.mul(tf.mean(tf.sum(tf.square(preTanh), 1)), w.policyPreActivationWeight),
  ]);
  return tf.add(objective, reg);
}

/** −mean(log α · (log π + H̄)) with log π held constant (SAC v2 temperature loss). @param logPi [N]. */
export function temperatureLoss(logAlpha: tf.Tensor, logPi: tf.Tensor1D, targetEntropy: number): tf.Scalar {
  return tf.neg(tf.mean(tf.mul(logAlpha, stopGradient(tf.add(logPi, targetEntropy)))));
}
