/**
 * The options every learner with one diagonal-Gaussian MLP policy and per-task sampling shares (MAML, ProMP,
 * Reptile, the multi-task baseline): env, policy network, episodes per task, inner steps, inner step size and
 * advantages, with MAML's defaults (Finn et al. 2017 / garage: 20 episodes per task, one inner VPG step with
 * α = 0.1, γ = 0.99, λ = 1, advantages normalised per task, [64, 64] tanh policy) unless a learner passes its own.
 */
import type { EnvOptions } from '../../envs/task-def.js';
import type { VecRunOptions } from '../../envs/worker-vec.js';
import type { ChunkRunner } from './rollout-chunks.js';
import { defaultLearnerThreads } from '../learner-pool.js';
import type { Activation } from '../nets.js';
import { positive, positiveInteger, unitInterval } from './option-checks.js';

/** The shared options; everything but `envId` has a default. */
export interface PolicyLearnerOptions {
  /** Registered env id, e.g. `PointNav-v0`. */
  envId: string;
  envOptions?: EnvOptions;
  /** How sampling runs: worker threads (default: none). Never changes the numbers. */
  vecRun?: VecRunOptions;
  /**
   * Where the meta-batch rollouts run instead of this process's VecEnvs: chunks of whole tasks on other processes
   * (distributed/: worker processes over Redis). Never changes the numbers.
   */
  remote?: ChunkRunner;
  /**
   * Threads of the learner's tensor work (per-task inner steps and meta-gradients, TRPO's Fisher-vector
   * products, PPO minibatch gradients): the calling thread and `learnerThreads - 1` worker threads (default:
   * `vecRun.workers`; 1 on the tensorflow backend, and on webgpu, where every thread would open its own GPU device).
   * Never changes the numbers.
   */
  learnerThreads?: number;
  /** Seeds the policy initialisation (default 0). */
  seed?: number;
  /** Hidden layer sizes of the Gaussian MLP policy (default [64, 64]). */
  hidden?: number[];
  /** Hidden nonlinearity (default tanh). */
  activation?: Activation;
  /** Initial log standard deviation of the actions (default 0). */
  initLogStd?: number;
  /** K: episodes per task per policy, i.e. envs per task (default 20; Reptile 10). */
  episodesPerTask?: number;
  /** Inner gradient steps during meta-training, each on K fresh episodes per task (default 1; Reptile 3). */
  innerSteps?: number;
  /** Inner step size α (default 0.1; Reptile 0.5). */
  innerLr?: number;
  /** Discount γ (default 0.99). */
  gamma?: number;
  /** GAE λ (default 1). */
  gaeLambda?: number;
  /** Normalise advantages per task (default true). */
  normalizeAdvantages?: boolean;
}

/** {@link PolicyLearnerOptions} with every default filled in. */
export type PolicyLearnerConfig = ResolvedOptions<PolicyLearnerOptions>;

/** A learner's options with every default filled in: all required but `remote` (absent: sampling in-process). */
export type ResolvedOptions<O extends PolicyLearnerOptions> = Required<Omit<O, 'envOptions' | 'vecRun' | 'remote'>> & { envOptions: EnvOptions; vecRun: VecRunOptions; remote?: ChunkRunner };

/** The defaults that differ between learners. */
export type SamplingDefaults = Pick<PolicyLearnerConfig, 'episodesPerTask' | 'innerSteps' | 'innerLr'>;

/** MAML's: 20 episodes per task, one inner step, α = 0.1 (ProMP and the multi-task baseline keep them). */
export const MAML_SAMPLING_DEFAULTS: Readonly<SamplingDefaults> = { episodesPerTask: 20, innerSteps: 1, innerLr: 0.1 };

/**
 * Fill in the shared defaults and check their ranges; throws an Error naming the option and its valid range.
 * @param label the algorithm named in error messages. @param defaults the learner's sampling defaults.
 */
export function resolvePolicyOptions(o: PolicyLearnerOptions, label: string, defaults: Readonly<SamplingDefaults> = MAML_SAMPLING_DEFAULTS): PolicyLearnerConfig {
  const c: PolicyLearnerConfig = {
    envId: o.envId,
    envOptions: o.envOptions ?? {},
    vecRun: o.vecRun ?? {},
    ...(o.remote ? { remote: o.remote } : {}),
    learnerThreads: o.learnerThreads ?? defaultLearnerThreads(o.vecRun?.workers),
    seed: o.seed ?? 0,
    hidden: o.hidden ?? [64, 64],
    activation: o.activation ?? 'tanh',
    initLogStd: o.initLogStd ?? 0,
    episodesPerTask: o.episodesPerTask ?? defaults.episodesPerTask,
    innerSteps: o.innerSteps ?? defaults.innerSteps,
    innerLr: o.innerLr ?? defaults.innerLr,
    gamma: o.gamma ?? 0.99,
    gaeLambda: o.gaeLambda ?? 1,
    normalizeAdvantages: o.normalizeAdvantages ?? true,
  };
  positiveInteger(label, 'learnerThreads', c.learnerThreads);
  positiveInteger(label, 'episodesPerTask', c.episodesPerTask);
  positiveInteger(label, 'innerSteps', c.innerSteps);
  positive(label, 'innerLr', c.innerLr);
  unitInterval(label, 'gamma', c.gamma);
  unitInterval(label, 'gaeLambda', c.gaeLambda);
  return c;
}
