/**
 * Policy-gradient batches of a diagonal-Gaussian MLP policy as tensors, and the policy's likelihood and KL on them:
 * what every MLP-policy learner (MAML, ProMP, Reptile, the multi-task baseline) builds its losses from.
 *
 * Nothing here calls tf.tidy around its result except {@link outerBatch}: callers run these inside tf.tidy,
 * tf.grads or trpoUpdate.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, Params } from '../nets.js';
import { gaussianDistParams, gaussianKL, gaussianLogProb } from '../policies.js';

/** Samples of one task for one policy-gradient evaluation (N samples). */
export interface PolicyBatch {
  /** Observations [N, obsDim]. */
  obs: tf.Tensor2D;
  /** Actions taken [N, A]. */
  actions: tf.Tensor2D;
  /** Advantages [N] (constants). */
  advantages: tf.Tensor1D;
}

/** A batch plus what the policy that sampled it said about it (constants). */
export interface OuterBatch extends PolicyBatch {
  /** log π_old(a|s) [N]. */
  logpOld: tf.Tensor1D;
  /** π_old's means [N, A]. */
  oldMean: tf.Tensor2D;
  /** π_old's log standard deviations [A]. */
  oldLogStd: tf.Tensor1D;
}

/** log π_params(actions | obs), [N]. @param params a Gaussian MLP policy `[...mlp, logStd]`. */
export function policyLogProb(params: Params, batch: PolicyBatch, activation: Activation): tf.Tensor1D {
  const { mean, logStd } = gaussianDistParams(params, batch.obs, activation);
  return gaussianLogProb(mean, logStd, batch.actions);
}

/** mean KL(π_old ‖ π_params) over the batch's observations (π_old: the policy that sampled it): a scalar. */
export function batchKl(params: Params, batch: OuterBatch, activation: Activation): tf.Scalar {
  const { mean, logStd } = gaussianDistParams(params, batch.obs, activation);
  return tf.mean(gaussianKL(batch.oldMean, batch.oldLogStd, mean, logStd));
}

/**
 * The batch with the constants of the policy that sampled it (new tensors; the batch's own tensors are shared,
 * not copied).
 * @param sampler the policy's parameters as they were when sampling. @param batch its samples.
 */
export function outerBatch(sampler: Params, batch: PolicyBatch, activation: Activation): OuterBatch {
  const [logpOld, oldMean, oldLogStd] = tf.tidy(() => {
    const { mean, logStd } = gaussianDistParams(sampler, batch.obs, activation);
    return [gaussianLogProb(mean, logStd, batch.actions), mean, tf.clone(logStd)];
  });
  return { ...batch, logpOld: logpOld as tf.Tensor1D, oldMean: oldMean as tf.Tensor2D, oldLogStd: oldLogStd as tf.Tensor1D };
}

/** Dispose every tensor of the batches (an {@link outerBatch} shares obs/actions/advantages with its source batch). */
export function disposeBatches(batches: readonly PolicyBatch[]): void {
  for (const b of batches) tf.dispose(Object.values(b) as tf.Tensor[]);
}
