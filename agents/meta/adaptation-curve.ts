/**
 * The adaptation curve of a gradient-based meta-learner (MAML family, Reptile) on one task: sample K episodes
 * with θ_0 = θ, take one inner step on them, sample K fresh episodes with θ_1, ... (evaluation protocol in
 * DESIGN.md). The inner step is the learner's own, passed in.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../envs/rng.js';
import type { Task, VecEnv } from '../../envs/types.js';
import { disposeParams, type Activation, type Params } from '../nets.js';
import type { PolicyBatch } from './policy-batch.js';
import { processTaskPaths, toPolicyBatch, type AdvantageOptions, type TaskSamples } from './task-samples.js';
import { rolloutTasks } from './task-rollouts.js';
import { pathReturn, successRate, type Path } from '../sampler.js';
import type { AdaptationCurve, AdaptationOptions } from './types.js';

/** What a curve needs from its learner. */
export interface CurveSetup {
  /** A VecEnv with exactly `options.episodes` envs (reused across calls by the learner). */
  vec: VecEnv;
  obsDim: number;
  actDim: number;
  activation: Activation;
  advantages: AdvantageOptions;
  /** Sees θ_s (s = 0..k) before it is used, e.g. to keep a snapshot (awaited); must not keep the tensors. */
  observe?: (s: number, theta: Params) => void | Promise<void>;
  /**
   * One inner step: new parameters from `theta` and a batch of its own samples (the caller does not dispose
   * `theta` inside; the function may not either). Run inside tf.tidy by the curve.
   */
  step: (theta: Params, batch: PolicyBatch) => Params;
}

/** Check `steps` (default 1) and `episodes`; @returns the number of inner steps k. */
export function curveSteps(options: AdaptationOptions): number {
  const steps = options.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`adaptationCurve: steps must be an integer >= 0, got ${steps}.`);
  if (!Number.isInteger(options.episodes) || options.episodes < 1) {
    throw new Error(`adaptationCurve: episodes must be an integer >= 1, got ${options.episodes}.`);
  }
  return steps;
}

/**
 * Mean return (and success rate) of `options.episodes` episodes with θ_0..θ_k, θ_{s+1} = step(θ_s, samples of θ_s).
 * @param theta θ_0 (not modified, not disposed). @returns [k + 1] points.
 */
export async function gradientAdaptationCurve(theta: Params, task: Task, options: AdaptationOptions, setup: CurveSetup): Promise<AdaptationCurve> {
  const steps = curveSteps(options);
  const rng = Rng.fromSeed(options.seed);
  const points: Path[][] = [];
  let current = theta;
  try {
    for (let s = 0; s <= steps; s++) {
      await setup.observe?.(s, current);
      const request = { tasks: [task], policies: [current], episodesPerTask: options.episodes, seed: rng.seed(), noise: rng, activation: setup.activation };
      const paths = await rolloutTasks(setup.vec, request);
      points.push(paths);
      if (s === steps) break;
      const samples = processTaskPaths(paths, setup.obsDim, setup.advantages);
      const next = tfTidyStep(setup, current, samples);
      if (current !== theta) disposeParams(current);
      current = next;
    }
  } finally {
    if (current !== theta) disposeParams(current);
  }
  return summarizeCurve(points);
}

/** Mean return and success rate of each point's paths ([points][paths]). */
export function summarizeCurve(points: readonly (readonly Path[])[]): AdaptationCurve {
  const returns = points.map((paths) => paths.reduce((s, p) => s + pathReturn(p), 0) / paths.length);
  const rates = points.map(successRate);
  return rates.every((r) => r !== undefined) ? { returns, successRates: rates as number[] } : { returns };
}

/** One inner step on the samples' tensors, inside tf.tidy (the batch tensors are freed). */
function tfTidyStep(setup: CurveSetup, theta: Params, samples: TaskSamples): Params {
  return tf.tidy(() => setup.step(theta, toPolicyBatch(samples, setup.obsDim, setup.actDim)));
}
