/**
 * From sampled paths to per-task policy-gradient batches: group the paths of a meta-batch by task, fit the
 * linear feature baseline on each task's own paths, compute GAE(γ, λ) advantages (optionally normalised per
 * task), and flatten the task's samples into the tensors of a {@link PolicyBatch}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fitLinearBaseline, predictLinearBaseline } from '../baselines.js';
import { discountedReturns, flattenEpisodes, gae, normalizeAdvantages } from '../returns.js';
import { pathReturn, type Path } from '../sampler.js';
import type { PolicyBatch } from './policy-batch.js';

/** How advantages are computed. */
export interface AdvantageOptions {
  /** Discount γ (MAML: 0.99). */
  gamma: number;
  /** GAE λ (MAML: 1, i.e. returns minus baseline). */
  lambda: number;
  /** Shift/scale each task's advantages to mean 0, std 1 (MAML's `center_adv`). */
  normalize: boolean;
}

/** One task's samples on the JS side (N = total steps of its paths). */
export interface TaskSamples {
  /** Observations [N * obsDim]. */
  obs: Float32Array;
  /** Actions [N * actDim]. */
  actions: Float32Array;
  /** Advantages [N]. */
  advantages: Float32Array;
  /** Mean undiscounted return of the task's paths. */
  meanReturn: number;
  /** N. */
  steps: number;
}

/**
 * Split paths (ordered by env, envs grouped by task: env e belongs to task ⌊e / envsPerTask⌋) into one
 * list per task. @returns [numTasks][paths of that task].
 */
export function groupPathsByTask(paths: readonly Path[], numTasks: number, envsPerTask: number): Path[][] {
  const groups: Path[][] = Array.from({ length: numTasks }, () => []);
  for (const path of paths) groups[Math.floor(path.envIndex / envsPerTask)].push(path);
  return groups;
}

/**
 * Baseline, advantages and flattening for the paths of one task. Truncated episodes are not bootstrapped
 * (as the original MAML code does with its linear baseline).
 */
export function processTaskPaths(paths: readonly Path[], obsDim: number, options: AdvantageOptions): TaskSamples {
  if (paths.length === 0) throw new Error('processTaskPaths: a task has no paths; sample at least one episode per task.');
  const returns = paths.map((p) => discountedReturns(p, options.gamma));
  const baseline = fitLinearBaseline(paths.map((p, i) => ({ obs: p.obs, returns: returns[i] })), obsDim);
  const perPath = paths.map((p) => gae(p, predictLinearBaseline(baseline, p.obs), options.gamma, options.lambda));
  const adv = flattenEpisodes(perPath);
  return {
    obs: flattenEpisodes(paths.map((p) => p.obs)),
    actions: flattenEpisodes(paths.map((p) => p.actions)),
    advantages: options.normalize ? normalizeAdvantages(adv) : adv,
    meanReturn: paths.reduce((s, p) => s + pathReturn(p), 0) / paths.length,
    steps: adv.length,
  };
}

/** The tensors of a task's samples: obs [N, obsDim], actions [N, actDim], advantages [N]. */
export function toPolicyBatch(samples: TaskSamples, obsDim: number, actDim: number): PolicyBatch {
  return {
    obs: tf.tensor2d(samples.obs, [samples.steps, obsDim]),
    actions: tf.tensor2d(samples.actions, [samples.steps, actDim]),
    advantages: tf.tensor1d(samples.advantages),
  };
}

/** Mean of the tasks' mean returns. */
export function meanTaskReturn(samples: readonly TaskSamples[]): number {
  return samples.reduce((s, t) => s + t.meanReturn, 0) / samples.length;
}
