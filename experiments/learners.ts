/**
 * From an experiment config to learners, through the learner registry (agents/meta/learner-registry.ts): the
 * meta-learner it trains, its label, and the multi-task and oracle baselines its evaluation compares against
 * (the agent's policy network and inner step when it has them, so "fine-tuned the same way").
 */
import { availableParallelism } from 'node:os';
import type { EnvOptions } from '../envs/task-def.js';
import { learnerRegistration } from '../agents/index.js';
import { MultiTask } from '../agents/meta/multitask.js';
import type { MetaLearner } from '../agents/meta/types.js';
import type { ExperimentConfig } from './config.js';

/** Env options of a config (`oracle` appends the task to the observation). */
export function envOptions(config: ExperimentConfig, oracle = false): EnvOptions {
  return { ...(config.horizon === undefined ? {} : { horizon: config.horizon }), ...(oracle ? { oracle: true } : {}) };
}

/**
 * Threads that step the sampling envs (`VecRunOptions.workers`: this thread and `n - 1` worker threads):
 * `requested` (a positive integer; 1 = only the calling thread), else one per core when there is more than one.
 * They never change the numbers, only the speed.
 */
export function samplingWorkers(requested?: number): number {
  if (requested === undefined) return availableParallelism() > 1 ? availableParallelism() : 1;
  if (!Number.isSafeInteger(requested) || requested < 1) throw new Error(`--workers must be a positive integer (1 = no worker threads), got ${requested}.`);
  return requested;
}

/**
 * The learner a config trains, freshly initialised from `config.seed`, sampling on `workers` threads.
 * Call `initBackend()` first.
 */
export async function createLearner(config: ExperimentConfig, workers = 1): Promise<MetaLearner> {
  const { name, ...options } = config.algorithm;
  return learnerRegistration(name).create({ envId: config.env, envOptions: envOptions(config), seed: config.seed, vecRun: { workers } }, options);
}

/** The legend label of the config's learner, e.g. `MAML-TRPO`. */
export function learnerLabel(config: ExperimentConfig): string {
  const { name, ...options } = config.algorithm;
  return learnerRegistration(name).label(options);
}

/**
 * A multi-task PPO baseline next to `agent`: the agent's policy network, episodes per task, advantages and
 * inner step size α when it has them (MultiTask's defaults otherwise, e.g. for recurrent agents), task hidden
 * (`multitask`) or appended to the observation (`oracle`), sampling on `workers` threads.
 */
export async function createBaselineLearner(kind: 'multitask' | 'oracle', config: ExperimentConfig, agent: MetaLearner, workers: number): Promise<MultiTask> {
  const options = { envId: config.env, envOptions: envOptions(config, kind === 'oracle'), seed: config.seed, vecRun: { workers } };
  return MultiTask.create({ ...options, ...agent.fineTuneSettings?.() });
}
