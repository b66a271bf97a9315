/**
 * Options of the RL2 learner and their defaults: RL2 (Duan et al. 2016) trained with PPO-clip instead of TRPO,
 * settings found to learn PointNav (see rl2.ts) on a 2-core CPU in minutes.
 */
import type { EnvOptions } from '../../envs/task-def.js';
import type { VecRunOptions } from '../../envs/worker-vec.js';
import { defaultLearnerThreads } from '../learner-pool.js';
import { resolveCoreOptions } from '../core-options.js';
import { listRecurrentCores, recurrentCore } from '../recurrent-cores.js';
import { openUnitInterval, positive, positiveInteger, unitInterval } from './option-checks.js';

/** What {@link Rl2.create} accepts; everything but `envId` has a default. */
export interface Rl2Options {
  /** Registered env id, e.g. `PointNav-v0`. */
  envId: string;
  envOptions?: EnvOptions;
  /** How sampling runs: worker threads (default: none). Never changes the numbers. */
  vecRun?: VecRunOptions;
  /**
   * Threads of the PPO tensor work (the calling thread and `learnerThreads - 1` worker threads; default:
   * `vecRun.workers`, 1 on the tensorflow backend, and on webgpu, where every thread would open its own GPU device).
   * Never changes the numbers.
   */
  learnerThreads?: number;
  /**
   * Padded trial steps (T × trials) per unit of the PPO tensor work: a minibatch (and the whole batch, when
   * evaluated) is split into ⌈T·trials / shardSteps⌉ groups of whole trials whose gradients are computed
   * separately, on the learner threads, and summed in group order. Changes the numbers at float rounding level
   * only (never with the thread count). Default 8000: a GRU-64 unroll's gradient costs a fixed ~40 ms per 400
   * steps in kernel launches plus ~5.5 ms per trial (wasm, 2-core VM, bench/gru-unroll.ts), so a group of 5 trials
   * of 400 steps costs ~75% of a group of 10: splitting cheetah-vel-rl2's minibatches (10 trials of 400 steps) in
   * two (shardSteps 2000) on 2 threads measured 0.72–0.78 s of PPO per iteration against 0.83–0.85 s whole (and
   * would cost 1-thread runs ~50% more); the presets' minibatches stay whole, from 40 trials of 400 steps up they
   * split.
   */
  shardSteps?: number;
  /** Seeds the network initialisation (default 0). */
  seed?: number;
  /** Recurrent core: a name registered with `registerRecurrentCore` (agents/recurrent-core.ts; default `gru`). */
  core?: string;
  /**
   * The core's own settings by name (e.g. MANN's `memorySlots`), checked against the options the core declares
   * (agents/core-options.ts); default: the core's defaults.
   */
  coreOptions?: Readonly<Record<string, number>>;
  /** Width of the recurrent core (GRU: hidden size H; default 64). */
  hiddenDim?: number;
  /** Initial log standard deviation of the actions (default −0.5). */
  initLogStd?: number;
  /** E: episodes per trial, hidden state carried across them (default 2). */
  episodesPerTrial?: number;
  /** Discount γ over the whole trial (default 0.99). */
  gamma?: number;
  /** GAE λ (default 0.95). */
  gaeLambda?: number;
  /** PPO clip ε (default 0.2). */
  clipEpsilon?: number;
  /** PPO passes over each batch of trials (default 4). */
  epochs?: number;
  /** Minibatches of whole trials per pass (default 2). */
  minibatches?: number;
  /** Adam step size (default 3e-3). */
  learningRate?: number;
  /** Weight of the value loss (default 0.5). */
  valueCoef?: number;
  /** Weight of the entropy bonus (default 0.01). */
  entropyCoef?: number;
  /** Global gradient-norm clip (default 1). */
  maxGradNorm?: number;
  /** Normalise the observation and reward inputs with running statistics (default true). */
  normalizeInputs?: boolean;
  /** Divide training rewards by the running std of the discounted trial returns (default true). */
  scaleRewards?: boolean;
  /** Trials per {@link Rl2.adaptationCurve} when the caller does not say (default 10). */
  evalTrials?: number;
}

/** {@link Rl2Options} with every default filled in. */
export type Rl2Config = Required<Omit<Rl2Options, 'envOptions' | 'vecRun'>> & { envOptions: EnvOptions; vecRun: VecRunOptions };

/** Fill in defaults and check ranges; throws an Error naming the option and its valid range. */
export function resolveRl2Options(o: Rl2Options): Rl2Config {
  const c: Rl2Config = {
    envId: o.envId,
    envOptions: o.envOptions ?? {},
    vecRun: o.vecRun ?? {},
    learnerThreads: o.learnerThreads ?? defaultLearnerThreads(o.vecRun?.workers),
    shardSteps: o.shardSteps ?? 8000,
    seed: o.seed ?? 0,
    core: o.core ?? 'gru',
    coreOptions: o.coreOptions ?? {},
    hiddenDim: o.hiddenDim ?? 64,
    initLogStd: o.initLogStd ?? -0.5,
    episodesPerTrial: o.episodesPerTrial ?? 2,
    gamma: o.gamma ?? 0.99,
    gaeLambda: o.gaeLambda ?? 0.95,
    clipEpsilon: o.clipEpsilon ?? 0.2,
    epochs: o.epochs ?? 4,
    minibatches: o.minibatches ?? 2,
    learningRate: o.learningRate ?? 3e-3,
    valueCoef: o.valueCoef ?? 0.5,
    entropyCoef: o.entropyCoef ?? 0.01,
    maxGradNorm: o.maxGradNorm ?? 1,
    normalizeInputs: o.normalizeInputs ?? true,
    scaleRewards: o.scaleRewards ?? true,
    evalTrials: o.evalTrials ?? 10,
  };
  const cores = listRecurrentCores();
  if (!cores.includes(c.core)) throw new Error(`RL2: core must be a registered recurrent core (${cores.join(', ')}), got '${c.core}'; add one with registerRecurrentCore.`);
  c.coreOptions = resolveCoreOptions(c.core, recurrentCore(c.core).options, c.coreOptions);
  for (const name of ['hiddenDim', 'episodesPerTrial', 'epochs', 'minibatches', 'evalTrials', 'learnerThreads', 'shardSteps'] as const) positiveInteger('RL2', name, c[name]);
  for (const name of ['gamma', 'gaeLambda'] as const) unitInterval('RL2', name, c[name]);
  openUnitInterval('RL2', 'clipEpsilon', c.clipEpsilon);
  for (const name of ['learningRate', 'maxGradNorm'] as const) positive('RL2', name, c[name]);
  for (const name of ['valueCoef', 'entropyCoef'] as const) {
    if (!(c[name] >= 0 && Number.isFinite(c[name]))) throw new Error(`RL2: ${name} must be a finite number >= 0, got ${c[name]}.`);
  }
  return c;
}

