/**
 * PPO-clip epochs for a diagonal-Gaussian MLP policy on the samples of a meta-batch's tasks, taken as one batch
 * (the multi-task baseline's update): the sampling policy's log-probabilities are taken once, then `epochs`
 * passes over seeded-shuffled minibatches of rows, each an Adam step on the PPO-clip loss; finally the mean
 * KL(old ‖ new) and the clip fraction over the whole batch.
 *
 * Rows are numbered task after task (task 0's rows first). A minibatch's loss and gradient are computed per
 * task on its own rows of the minibatch, by the thread that holds the task (policy-pool.ts), and summed here in
 * task order: the same numbers for any number of learner threads.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/rng.js';
import { flattenParams, paramShapes, unflattenParams } from '../nets.js';
import type { Adam } from './adam.js';
import type { PolicyPool } from './policy-pool.js';
import { permutation } from './rl2-update.js';
import type { TaskSamples } from './task-samples.js';

/** Settings of {@link ppoEpochs}. */
export interface PpoEpochOptions {
  epochs: number;
  minibatches: number;
  clipEpsilon: number;
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

/**
 * The rows of a minibatch (global row numbers, in minibatch order) as each task's local rows, in the same order.
 * @param counts rows per task [M]. @returns [M] Int32Arrays of local row indices.
 */
export function rowsByTask(rows: readonly number[], counts: readonly number[]): Int32Array[] {
  const firsts = counts.map((_, i) => counts.slice(0, i).reduce((a, b) => a + b, 0));
  const owner = new Int32Array(counts.reduce((a, b) => a + b, 0));
  counts.forEach((n, i) => owner.fill(i, firsts[i], firsts[i] + n));
  const local: number[][] = counts.map(() => []);
  for (const r of rows) local[owner[r]].push(r - firsts[owner[r]]);
  return local.map((l) => Int32Array.from(l));
}

/**
 * Run the PPO epochs in place on `vars` (the policy `[...mlp, logStd]` that sampled `samples`, also the θ the
 * pool was begun at). @param samples one entry per task [M]. @param rng shuffles the rows.
 */
export async function ppoEpochs(pool: PolicyPool, vars: tf.Variable[], optimizer: Adam, samples: readonly TaskSamples[], rng: Rng, opts: PpoEpochOptions): Promise<PpoEpochStats> {
  const counts = await pool.ppoBegin(samples);
  const total = counts.reduce((a, b) => a + b, 0);
  const shapes = paramShapes(vars);
  const groups = Math.max(1, Math.min(opts.minibatches, total));
  let [sum, steps] = [0, 0];
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const order = permutation(rng, total);
    for (let g = 0; g < groups; g++) {
      const rows = rowsByTask(order.filter((_, k) => k % groups === g), counts);
      const { value, grad } = await pool.ppoGradient(await flattenParams(vars), rows, opts.clipEpsilon);
      tf.tidy(() => optimizer.step(vars, unflattenParams(grad, shapes)));
      sum += value;
      steps += 1;
    }
  }
  const [kl, clipped] = await pool.ppoStats(await flattenParams(vars), counts, opts.clipEpsilon);
  return { policyLoss: sum / steps, kl, clipFraction: clipped, steps };
}
