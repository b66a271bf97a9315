/**
 * From an experiment config to learners, through the learner registry (agents/meta/learner-registry.ts): the
 * meta-learner it trains, its label, and the multi-task and oracle baselines its evaluation compares against
 * (the agent's policy network and inner step when it has them, so "fine-tuned the same way").
 */
import { availableParallelism } from 'node:os';
import type { EnvOptions } from '../envs/task-def.js';
import { learnerRegistration } from '../agents/index.js';
import { defaultLearnerThreads } from '../agents/learner-pool.js';
import { MultiTask } from '../agents/meta/multitask.js';
import type { MetaLearner } from '../agents/meta/types.js';
import type { ExperimentConfig } from './config.js';
import type { ChunkRunner } from '../agents/meta/rollout-chunks.js';

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

/** `--learner-threads` of the running command (undefined: not given). */
let requestedLearnerThreads: number | undefined;

/**
 * Set (or with undefined, clear) the learner threads every learner this process creates gets (`--learner-threads`:
 * the agent, overriding its config's `algorithm.learnerThreads`, and the evaluation's baselines). They never
 * change the numbers, only the speed.
 */
export function setLearnerThreads(requested: number | undefined): void {
  if (requested !== undefined && (!Number.isSafeInteger(requested) || requested < 1)) {
    throw new Error(`--learner-threads must be a positive integer (1 = no worker threads), got ${requested}.`);
  }
  requestedLearnerThreads = requested;
}

/**
 * Threads of a config's learner tensor work: `--learner-threads`, else the config's `algorithm.learnerThreads`,
 * else the learners' default (the sampling threads `workers` on the wasm and cpu backends, 1 on the others).
 * Call after `initBackend()`.
 */
export function learnerThreads(config: ExperimentConfig, workers: number): number {
  const configured = config.algorithm.learnerThreads;
  return requestedLearnerThreads ?? (typeof configured === 'number' ? configured : defaultLearnerThreads(workers));
}

/**
 * The learner a config trains, freshly initialised from `config.seed`, sampling on `workers` threads (or its
 * meta-batch rollouts on `remote`: other processes), its tensor work on {@link learnerThreads} threads. Call
 * `initBackend()` first.
 */
export async function createLearner(config: ExperimentConfig, workers = 1, remote?: ChunkRunner): Promise<MetaLearner> {
  const { name, ...options } = config.algorithm;
  const threads = learnerThreads(config, workers);
  const context = { envId: config.env, envOptions: envOptions(config), seed: config.seed, vecRun: { workers }, learnerThreads: threads, ...(remote ? { remote } : {}) };
  return learnerRegistration(name).create(context, 'learnerThreads' in options ? { ...options, learnerThreads: threads } : options);
}

/** The legend label of the config's learner, e.g. `MAML-TRPO`. */
export function learnerLabel(config: ExperimentConfig): string {
  const { name, ...options } = config.algorithm;
  return learnerRegistration(name).label(options);
}

/**
 * A multi-task PPO baseline next to `agent`: the agent's policy network, episodes per task, advantages and
 * inner step size α when it has them (MultiTask's defaults otherwise, e.g. for recurrent agents), task hidden
 * (`multitask`) or appended to the observation (`oracle`), sampling on `workers` threads (its tensor work on
 * `--learner-threads`, else as many).
 */
export async function createBaselineLearner(kind: 'multitask' | 'oracle', config: ExperimentConfig, agent: MetaLearner, workers: number): Promise<MultiTask> {
  const options = { envId: config.env, envOptions: envOptions(config, kind === 'oracle'), seed: config.seed, vecRun: { workers }, learnerThreads: requestedLearnerThreads };
  return MultiTask.create({ ...options, ...agent.fineTuneSettings?.() });
}
