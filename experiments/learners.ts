/**
 * From an experiment config to learners: the meta-learner it trains, and the multi-task and oracle baselines
 * its evaluation compares against (same policy network, same inner step, so "fine-tuned the same way").
 */
import { availableParallelism } from 'node:os';
import type { EnvOptions } from '../envs/task-def.js';
import type { VecRunOptions } from '../envs/worker-vec.js';
import { Maml } from '../agents/meta/maml.js';
import { MultiTask } from '../agents/meta/multitask.js';
import { PolicyLearner } from '../agents/meta/policy-learner.js';
import type { PolicyLearnerConfig } from '../agents/meta/policy-options.js';
import { Promp } from '../agents/meta/promp.js';
import { Reptile } from '../agents/meta/reptile.js';
import { Rl2 } from '../agents/meta/rl2.js';
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
  const { name, ...hyper } = config.algorithm;
  const common = { envId: config.env, envOptions: envOptions(config), seed: config.seed, vecRun: { workers } };
  switch (name) {
    case 'maml':
      return Maml.create({ ...common, ...hyper });
    case 'promp':
      return Promp.create({ ...common, ...hyper });
    case 'reptile':
      return Reptile.create({ ...common, ...hyper });
    case 'multitask':
      return MultiTask.create({ ...common, ...hyper });
    case 'rl2':
      return Rl2.create({ ...common, ...hyper });
  }
}

/**
 * How a learner adapts: in its hidden state over a trial of `episodes` episodes (recurrent: RL2), or by
 * gradient steps on `episodes` episodes per step (the rest).
 */
export function curveShape(learner: MetaLearner): { recurrent: boolean; episodes: number } {
  if (learner instanceof Rl2) return { recurrent: true, episodes: learner.config.episodesPerTrial };
  if (learner instanceof PolicyLearner) return { recurrent: false, episodes: (learner as PolicyLearner<PolicyLearnerConfig>).config.episodesPerTask };
  throw new Error(`curveShape: unknown learner '${learner.name}'.`);
}

/** How `learner` runs its vector envs (worker threads). */
export function vecRunOf(learner: MetaLearner): VecRunOptions {
  if (learner instanceof Rl2) return learner.config.vecRun;
  if (learner instanceof PolicyLearner) return (learner as PolicyLearner<PolicyLearnerConfig>).config.vecRun;
  return {};
}

/**
 * A multi-task PPO baseline next to `agent`: the agent's policy network, episodes per task, advantages and
 * inner step size α (MAML's defaults when the agent is recurrent), task hidden (`multitask`) or appended to
 * the observation (`oracle`); it samples on the agent's worker threads.
 */
export async function createBaselineLearner(kind: 'multitask' | 'oracle', config: ExperimentConfig, agent: MetaLearner): Promise<MultiTask> {
  const options = { envId: config.env, envOptions: envOptions(config, kind === 'oracle'), seed: config.seed, vecRun: vecRunOf(agent) };
  if (!(agent instanceof PolicyLearner)) return MultiTask.create(options);
  const c = (agent as PolicyLearner<PolicyLearnerConfig>).config;
  const policy = { hidden: c.hidden, activation: c.activation, initLogStd: c.initLogStd, episodesPerTask: c.episodesPerTask, innerLr: c.innerLr };
  return MultiTask.create({ ...options, ...policy, gamma: c.gamma, gaeLambda: c.gaeLambda, normalizeAdvantages: c.normalizeAdvantages });
}
