/**
 * PEARL (Rakelly et al. 2019, "Efficient off-policy meta-reinforcement learning via probabilistic context
 * variables"; code katerakelly/oyster): soft actor-critic conditioned on a latent task variable z, with a
 * permutation-invariant probabilistic context encoder q(z | c) trained by the critic's loss plus β·KL(q ‖ N(0, I)),
 * per-task replay buffers, and posterior sampling to explore and to adapt.
 *
 * Training tasks: PEARL trains on a FIXED set of `numTrainTasks` tasks, each with its own RL replay buffer and
 * encoder buffer that keep their data across iterations (oyster: n_train_tasks, tasks indexed 0..n−1). They are
 * drawn once at creation from the env's distribution with `Rng.fromSeed(seed).fork().fork()`, the stream
 * `metarl eval --tasks train` draws from, so that split evaluates on PEARL's own training tasks. The trainer's
 * per-iteration task batch is therefore not used (its size, `metaBatchSize`, plays no role): fresh tasks every
 * iteration would leave each buffer one iteration of data, which is not the algorithm; metaStep draws its own task
 * indices from `seed` instead, as oyster draws them from numpy's global stream.
 *
 * One metaStep(taskBatch, seed) = one oyster iteration (rl_algorithm.py `train`): the first collects
 * `numInitialSteps` transitions per training task with z ~ prior; every one then picks `numTasksSample` distinct
 * tasks, clears their encoder buffers, collects `numStepsPrior` transitions (z ~ prior), `numStepsPosterior`
 * (posterior sampling, both buffers) and `numExtraRlStepsPosterior` (posterior sampling, RL buffer only), and takes
 * `numTrainStepsPerItr` gradient steps (pearl-update.ts) on `metaBatch` tasks drawn with replacement.
 */
import { envSpec } from '../../envs/registry.js';
import { Rng } from '../../envs/rng.js';
import { drawTrainingTasks } from '../../envs/task-dist.js';
import type { Task } from '../../envs/types.js';
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { allocateBatch, ReplayBuffer } from '../replay-buffer.js';
import { pathReturn, type Path } from '../sampler.js';
import { summarizeCurve } from './adaptation-curve.js';
import { collectPhase, contextWidth, posteriorTrial, snapshotActor, type CollectTarget, type PearlActor } from './pearl-collect.js';
import { pearlLaneLabels, posteriorSamplingPolicy } from './pearl-demo.js';
import { allVariables, initPearlNets, PearlOptimizers, type PearlDims, type PearlNets } from './pearl-nets.js';
import { resolvePearlOptions, type PearlConfig, type PearlOptions } from './pearl-options.js';
import { pearlState, restorePearlState, type PearlStateParts } from './pearl-state.js';
import { PearlUpdater, type PearlStepArrays, type PearlStepStats } from './pearl-update.js';
import { VecEnvCache } from './vec-env-cache.js';
import type { AdaptationCurve, AdaptationDemo, AdaptationOptions, AdaptationShape, MetaLearner, MetaLearnerState, MetaMetrics } from './types.js';

export type { PearlOptions } from './pearl-options.js';

/** The PEARL meta-learner. */
export class Pearl implements MetaLearner {
  readonly name = 'pearl';
  readonly config: PearlConfig;
  /** The fixed training tasks, [numTrainTasks]. */
  readonly trainTasks: readonly Task[];
  private readonly dims: PearlDims;
  private readonly nets: PearlNets;
  private readonly optimizers: PearlOptimizers;
  private readonly vecs: VecEnvCache;
  /** Per training task: the RL replay buffer and the encoder buffer (recent data). */
  private readonly rl: ReplayBuffer[];
  private readonly enc: ReplayBuffer[];
  private iteration = 0;
  /** The gradient steps' thread pool, started with the first iteration. */
  private updater: PearlUpdater | undefined;

  private constructor(config: PearlConfig) {
    this.config = config;
    this.vecs = new VecEnvCache(config.envId, config.envOptions, config.vecRun);
    const { obsDim, actDim } = this.vecs;
    this.dims = { obsDim, actDim, latent: config.latentSize, contextDim: contextWidth({ obsDim, actDim, useNextObsInContext: config.useNextObsInContext }) };
    this.trainTasks = drawTrainingTasks(envSpec(config.envId).def.tasks, Rng.fromSeed(config.seed).fork().fork(), config.numTrainTasks);
    this.nets = initPearlNets(Rng.fromSeed(config.seed), this.dims, config);
    this.optimizers = new PearlOptimizers(this.nets, config);
    const buffer = () => new ReplayBuffer(obsDim, actDim, config.replayBufferSize);
    this.rl = this.trainTasks.map(buffer);
    this.enc = this.trainTasks.map(buffer);
  }

  /** A learner with freshly initialised networks (seeded by `options.seed`) and empty buffers. */
  static async create(options: PearlOptions): Promise<Pearl> {
    const config = resolvePearlOptions(options);
    await registerFastMatMulGradient();
    return new Pearl(config);
  }

  /** In context: a trial of E = `evalEpisodes` episodes, z from the prior, then from the posterior after 1, 2, ... */
  get adaptation(): AdaptationShape {
    return { kind: 'in-context', episodes: this.config.evalEpisodes, episodeLabels: pearlLaneLabels(this.config.evalEpisodes), adaptsWithinEpisode: false };
  }

  async metaStep(_taskBatch: readonly Task[], seed: number): Promise<MetaMetrics> {
    const c = this.config;
    const start = performance.now();
    const rng = Rng.fromSeed(seed);
    const actor = await this.actor();
    const initial = this.rl.every((b) => b.size === 0) ? await this.collectInitial(actor, rng) : 0;
    const ids = distinctIndices(rng, c.numTrainTasks, c.numTasksSample);
    ids.forEach((i) => this.enc[i].clear());
    const target: CollectTarget = {
      vec: await this.vecs.get(ids.length),
      tasks: ids.map((i) => this.trainTasks[i]),
      rl: ids.map((i) => this.rl[i]),
      enc: ids.map((i) => this.enc[i]),
      embeddingBatchSize: c.embeddingBatchSize,
      updatePostTrain: c.updatePostTrain,
    };
    const phases = [
      collectPhase(target, actor, { steps: c.numStepsPrior, posterior: false, addToEncoder: true }, rng),
      collectPhase(target, actor, { steps: c.numStepsPosterior, posterior: true, addToEncoder: true }, rng),
      collectPhase(target, actor, { steps: c.numExtraRlStepsPosterior, posterior: true, addToEncoder: false }, rng),
    ];
    const sampled = performance.now();
    const stats = await this.train(rng);
    const end = performance.now();
    this.iteration += 1;
    const prior = phases.flatMap((p) => p.prior);
    const posterior = phases.flatMap((p) => p.posterior);
    const paths = [...prior, ...posterior];
    const preReturn = meanReturn(prior.length > 0 ? prior : posterior);
    return {
      iteration: this.iteration,
      preReturn,
      postReturn: posterior.length > 0 ? meanReturn(posterior) : preReturn,
      losses: { qf: stats.qf, vf: stats.vf, policy: stats.policy, kl: stats.kl },
      kl: Number.NaN,
      envSteps: initial + phases.reduce((n, p) => n + p.steps, 0),
      physicsErrors: paths.filter((p) => p.physicsError !== undefined).length,
      timings: { sampling: sampled - start, inner: 0, outer: end - sampled, total: end - start },
      info: {
        initialSteps: initial,
        gradientStepsPerSecond: c.numTrainStepsPerItr / ((end - sampled) / 1000),
        alpha: stats.alpha,
        logPi: stats.logPi,
        qPrediction: stats.qPred,
        zVariance: stats.zVariance,
        replayTransitions: this.rl.reduce((n, b) => n + b.size, 0),
      },
    };
  }

  async adaptationCurve(task: Task, options: AdaptationOptions): Promise<AdaptationCurve> {
    const { episodes } = options;
    const trials = options.trials ?? this.config.evalTrials;
    if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`adaptationCurve: episodes must be an integer >= 1, got ${episodes}.`);
    if (!Number.isInteger(trials) || trials < 1) throw new Error(`adaptationCurve: trials must be an integer >= 1, got ${trials}.`);
    const actor = await this.actor();
    const vec = await this.vecs.get(trials);
    vec.setTasks(Array.from({ length: trials }, () => task)); // from here on synchronous: overlapping calls cannot interleave
    return summarizeCurve(posteriorTrial(vec, actor, episodes, this.config.evalDeterministic, Rng.fromSeed(options.seed)));
  }

  /** One trial of `options.episodes` episodes with posterior sampling and mean actions, after measuring the curve. */
  async demo(task: Task, options: AdaptationOptions): Promise<AdaptationDemo> {
    const curve = await this.adaptationCurve(task, options);
    const policy = posteriorSamplingPolicy(await this.actor(), Rng.fromSeed(options.seed), true);
    return { runs: [{ policy, labels: pearlLaneLabels(options.episodes) }], curve };
  }

  getState(): Promise<MetaLearnerState> {
    return pearlState(this.stateParts());
  }

  setState(state: MetaLearnerState): void {
    restorePearlState(state, this.stateParts());
    this.iteration = state.iteration;
  }

  dispose(): void {
    this.updater?.close();
    allVariables(this.nets).forEach((v) => v.dispose());
    this.optimizers.dispose();
    this.vecs.close();
  }

  private stateParts(): PearlStateParts {
    return { name: this.name, iteration: this.iteration, nets: this.nets, optimizers: this.optimizers, rl: this.rl, enc: this.enc };
  }

  /** A plain-JS copy of the current policy and encoder (for acting outside the learner, e.g. controls in tests). */
  actor(): Promise<PearlActor> {
    const { obsDim, actDim, latent } = this.dims;
    const { useInformationBottleneck, useNextObsInContext } = this.config;
    return snapshotActor(this.nets.policy, this.nets.encoder, { obsDim, actDim, latent, useInformationBottleneck, useNextObsInContext });
  }

  /** `numInitialSteps` transitions per training task with z ~ prior, into both buffers. @returns env steps. */
  private async collectInitial(actor: PearlActor, rng: Rng): Promise<number> {
    const target: CollectTarget = {
      vec: await this.vecs.get(this.trainTasks.length),
      tasks: this.trainTasks,
      rl: this.rl,
      enc: this.enc,
      embeddingBatchSize: this.config.embeddingBatchSize,
      updatePostTrain: this.config.updatePostTrain,
    };
    return collectPhase(target, actor, { steps: this.config.numInitialSteps, posterior: false, addToEncoder: true }, rng).steps;
  }

  /** `numTrainStepsPerItr` gradient steps (on `learnerThreads` threads); @returns the last step's statistics. */
  private async train(rng: Rng): Promise<PearlStepStats> {
    const c = this.config;
    const { obsDim, actDim, latent, contextDim } = this.dims;
    const arrays: PearlStepArrays = {
      tasks: c.metaBatch,
      batchSize: c.batchSize,
      contextSize: c.embeddingBatchSize,
      batch: allocateBatch(c.metaBatch * c.batchSize, obsDim, actDim),
      context: new Float32Array(c.metaBatch * c.embeddingBatchSize * contextDim),
      zEps: new Float32Array(c.metaBatch * latent),
      actionEps: new Float32Array(c.metaBatch * c.batchSize * actDim),
    };
    this.updater ??= await PearlUpdater.create(this.nets, this.optimizers, this.dims, c);
    let stats: PearlStepStats | undefined;
    for (let step = 0; step < c.numTrainStepsPerItr; step++) {
      this.sampleStep(arrays, rng);
      stats = await this.updater.step(arrays, step === c.numTrainStepsPerItr - 1);
    }
    return stats as PearlStepStats;
  }

  /** Fill `a` for one gradient step: tasks with replacement, their RL rows and context rows, and the noise. */
  private sampleStep(a: PearlStepArrays, rng: Rng): void {
    for (let j = 0; j < a.tasks; j++) {
      const task = rng.int(0, this.trainTasks.length - 1);
      this.rl[task].gather(this.rl[task].sampleRows(rng, a.batchSize), a.batch, j * a.batchSize);
      const recent = this.enc[task].size > 0 ? this.enc[task] : this.rl[task]; // empty only if physics errors dropped all its episodes
      recent.gatherContext(recent.sampleRows(rng, a.contextSize), a.context, j * a.contextSize, this.config.useNextObsInContext);
    }
    for (let i = 0; i < a.zEps.length; i++) a.zEps[i] = rng.normal();
    for (let i = 0; i < a.actionEps.length; i++) a.actionEps[i] = rng.normal();
  }
}

/** `k` distinct indices of [0, n) in draw order (a partial Fisher–Yates shuffle). */
function distinctIndices(rng: Rng, n: number, k: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, n - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

function meanReturn(paths: readonly Path[]): number {
  return paths.reduce((s, p) => s + pathReturn(p), 0) / paths.length;
}
