/**
 * PPO-clip epochs for a diagonal-Gaussian MLP policy on one flat batch of samples (the multi-task baseline's
 * update): the sampling policy's log-probabilities are taken once, then `epochs` passes over seeded-shuffled
 * minibatches of rows, each an Adam step on `ppoClipLoss`; finally the mean KL(old ‖ new) and the clip
 * fraction over the whole batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/rng.js';
import type { Activation } from '../nets.js';
import { clipFraction, ppoClipLoss } from '../pg.js';
import { flattenEpisodes } from '../returns.js';
import type { Adam } from './adam.js';
import { batchKl, disposeBatches, outerBatch, policyLogProb, type OuterBatch, type PolicyBatch } from './policy-batch.js';
import { permutation } from './rl2-update.js';
import { toPolicyBatch, type TaskSamples } from './task-samples.js';

/** Settings of {@link ppoEpochs}. */
export interface PpoEpochOptions {
  epochs: number;
  minibatches: number;
  clipEpsilon: number;
  activation: Activation;
}

/** What an update did. */
export interface PpoEpochStats {
  /** Mean PPO-clip loss over the minibatch steps (each taken before its step). */
  policyLoss: number;
  /** Mean KL(π_old ‖ π_new) over the batch after the update. */
  kl: number;
  /** Fraction of the batch's ratios outside [1 − ε, 1 + ε] after the update. */
  clipFraction: number;
  /** Adam steps taken. */
  steps: number;
}

/** The tasks' samples as one batch (rows in task order; meanReturn: mean over tasks). */
export function concatSamples(samples: readonly TaskSamples[]): TaskSamples {
  return {
    obs: flattenEpisodes(samples.map((s) => s.obs)),
    actions: flattenEpisodes(samples.map((s) => s.actions)),
    advantages: flattenEpisodes(samples.map((s) => s.advantages)),
    meanReturn: samples.reduce((r, s) => r + s.meanReturn, 0) / samples.length,
    steps: samples.reduce((n, s) => n + s.steps, 0),
  };
}

/** Rows `idx` of a row-major array of `width` columns, [idx.length * width]. */
export function pickRows(src: Float32Array, width: number, idx: readonly number[]): Float32Array {
  const out = new Float32Array(idx.length * width);
  idx.forEach((r, k) => out.set(src.subarray(r * width, (r + 1) * width), k * width));
  return out;
}

/** The minibatch of rows `idx`: its policy batch and old log-probabilities [n]. */
function minibatch(samples: TaskSamples, logpOld: Float32Array, idx: readonly number[], obsDim: number, actDim: number): { batch: PolicyBatch; logpOld: tf.Tensor1D } {
  const rows: TaskSamples = { ...samples, steps: idx.length, obs: pickRows(samples.obs, obsDim, idx), actions: pickRows(samples.actions, actDim, idx), advantages: pickRows(samples.advantages, 1, idx) };
  return { batch: toPolicyBatch(rows, obsDim, actDim), logpOld: tf.tensor1d(pickRows(logpOld, 1, idx)) };
}

/** One Adam step on the rows `idx`; @returns the minibatch loss before the step. */
function minibatchStep(vars: tf.Variable[], optimizer: Adam, samples: TaskSamples, logpOld: Float32Array, idx: readonly number[], opts: PpoEpochOptions): number {
  const [obsDim, actDim] = [vars[0].shape[0], vars[vars.length - 1].shape[0]];
  return tf.tidy(() => {
    const mb = minibatch(samples, logpOld, idx, obsDim, actDim);
    const loss = () => ppoClipLoss(policyLogProb(vars, mb.batch, opts.activation), mb.logpOld, mb.batch.advantages, { clipEpsilon: opts.clipEpsilon });
    const { value, grads } = tf.engine().gradients(loss, vars);
    optimizer.step(vars, grads);
    return value.dataSync()[0];
  });
}

/**
 * Run the PPO epochs in place on `vars` (the policy `[...mlp, logStd]` that sampled `samples`).
 * @param samples N rows: obs [N*obsDim], actions [N*actDim], advantages [N]. @param rng shuffles the rows.
 */
export function ppoEpochs(vars: tf.Variable[], optimizer: Adam, samples: TaskSamples, rng: Rng, opts: PpoEpochOptions): PpoEpochStats {
  const [obsDim, actDim] = [vars[0].shape[0], vars[vars.length - 1].shape[0]];
  const old: OuterBatch = outerBatch(vars, toPolicyBatch(samples, obsDim, actDim), opts.activation);
  try {
    const logpOld = Float32Array.from(old.logpOld.dataSync());
    const groups = Math.max(1, Math.min(opts.minibatches, samples.steps));
    let [sum, steps] = [0, 0];
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const order = permutation(rng, samples.steps);
      for (let g = 0; g < groups; g++) {
        sum += minibatchStep(vars, optimizer, samples, logpOld, order.filter((_, k) => k % groups === g), opts);
        steps += 1;
      }
    }
    const [kl, clipped] = tf.tidy(() => [
      batchKl(vars, old, opts.activation).dataSync()[0],
      clipFraction(policyLogProb(vars, old, opts.activation), old.logpOld, opts.clipEpsilon).dataSync()[0],
    ]);
    return { policyLoss: sum / steps, kl, clipFraction: clipped, steps };
  } finally {
    disposeBatches([old]);
  }
}
