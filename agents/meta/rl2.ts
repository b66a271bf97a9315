/**
 * RL² (Duan et al. 2016, "Fast reinforcement learning via slow reinforcement learning") with a PPO-clip
 * meta-update. The policy is a recurrent Gaussian policy (on a {@link RecurrentCore}: the registered `core` option,
 * GRU by default) whose input at each step is (observation, previous action, previous reward, done flag); a trial
 * is E consecutive episodes on ONE task with the core state carried across its episodes and reset between trials,
 * so adaptation happens in that state.
 *
 * One meta-iteration on M tasks:
 * 1. sampling: one VecEnv with one env per task; every env runs one trial of E episodes (`sampleEpisodesAsync` with
 *    `episodesPerEnv: E`) under {@link Rl2TrialPolicy}, whose core state [M, S] is zeroed once per trial;
 * 2. advantages: each trial is one RL sequence (GAE over its concatenated episodes, terminal at its end);
 * 3. PPO-clip epochs over minibatches of whole trials, backprop through the full trial (no truncation: at
 *    PointNav's 2 × 100 steps the unroll is cheap; a length-T trial costs T core steps forward and backward),
 *    policy and value head trained jointly with Adam and a global gradient-norm clip.
 * Inputs are normalised with running statistics and training rewards scaled by the running std of the
 * discounted trial returns (both frozen within an iteration; both part of the state).
 */
import { envSpec } from '../../envs/registry.js';
import { VecEnvCache } from './vec-env-cache.js';
import { Rng } from '../../envs/rng.js';
import type { Task } from '../../envs/types.js';
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { paramShapes, toVariables, type Params } from '../nets.js';
import { recurrentCoreParams, recurrentPolicyInit, type ActionNoise } from '../policies.js';
import { recurrentCore } from '../recurrent-cores.js';
import { sampleEpisodesAsync } from '../sampler.js';
import { Adam } from './adam.js';
import { summarizeCurve } from './adaptation-curve.js';
import { groupTrials, packTrials, returnPerEpisode, type Trial, type TrialBatch } from './rl2-batch.js';
import { valueHeadInit } from './rl2-loss.js';
import { Rl2InputNormalizer } from './rl2-normalizer.js';
import { Rl2Pool } from './rl2-pool.js';
import { resolveRl2Options, type Rl2Config, type Rl2Options } from './rl2-options.js';
import { Rl2TrialPolicy } from './rl2-policy.js';
import { scaleTrialRewards } from './rl2-rewards.js';
import { preparePpo, runPpoEpochs, type Rl2PpoOptions, type Rl2UpdateStats, type Rl2Vars } from './rl2-update.js';
import { RunningStats } from './running-stats.js';
import { assignState, checkState, tensorsToState } from './state.js';
import type { AdaptationCurve, AdaptationDemo, AdaptationOptions, AdaptationShape, MetaLearner, MetaLearnerState, MetaMetrics, MetaTimings, TensorState } from './types.js';

export type { Rl2Options } from './rl2-options.js';

/** The RL2-PPO meta-learner. */
export class Rl2 implements MetaLearner {
  readonly name = 'rl2-ppo';
  readonly config: Rl2Config;
  private readonly vars: Rl2Vars;
  private readonly optimizer: Adam;
  private readonly inputs: Rl2InputNormalizer;
  private readonly returns = new RunningStats(1);
  private readonly vecs: VecEnvCache;
  private readonly obsDim: number;
  private readonly actDim: number;
  /** Control steps per episode (H), the scale of the value head's time inputs. */
  private readonly horizon: number;
  private iteration = 0;
  /** The threads of the PPO tensor work, started by the first iteration. */
  private pool: Rl2Pool | undefined;
  /** Settles after the last {@link sampleTrials} call. */
  private sampling: Promise<unknown> = Promise.resolve();

  private constructor(config: Rl2Config) {
    this.config = config;
    this.vecs = new VecEnvCache(config.envId, config.envOptions, config.vecRun);
    this.obsDim = this.vecs.obsDim;
    this.actDim = this.vecs.actDim;
    this.horizon = config.envOptions.horizon ?? envSpec(config.envId).def.horizon;
    const rng = Rng.fromSeed(config.seed);
    const core = recurrentCore(config.core, config.coreOptions);
    const policy = recurrentPolicyInit(core, rng, this.obsDim, this.actDim, config.hiddenDim, { initLogStd: config.initLogStd });
    const value = valueHeadInit(rng, core.featureSize(recurrentCoreParams(policy)));
    this.vars = { core, policy: toVariables(policy), value: toVariables(value) };
    [...policy, ...value].forEach((t) => t.dispose());
    this.optimizer = new Adam(paramShapes([...this.vars.policy, ...this.vars.value]), { learningRate: config.learningRate });
    this.inputs = new Rl2InputNormalizer(this.obsDim, this.actDim);
  }

  /** Adapts in context: a trial of E = `episodesPerTrial` episodes, the hidden state carried across them. */
  get adaptation(): AdaptationShape {
    return { kind: 'in-context', episodes: this.config.episodesPerTrial };
  }

  /**
   * A learner with freshly initialised networks (seeded by `options.seed`). Also installs the wasm-friendly
   * matMul gradient (agents/matmul-grad.ts: same math, flag-free products on wasm), which the BPTT backward
   * pass is mostly made of.
   */
  static async create(options: Rl2Options): Promise<Rl2> {
    const config = resolveRl2Options(options);
    await registerFastMatMulGradient();
    return new Rl2(config);
  }

  /**
   * The policy parameters `[...core, wOut, bOut, logStd]` (GRU core: `[wx, wh, bx, bh, wOut, bOut, logStd]`; owned
   * by the learner: do not dispose).
   */
  get policyParams(): Params {
    return this.vars.policy;
  }

  /**
   * A batched trial policy over the current parameters (with this learner's input normalisation), e.g. for a
   * custom evaluation: call `startTrial()`, then pass `act` to `sampleEpisodesAsync`.
   */
  trialPolicy(numEnvs: number, noise: ActionNoise): Rl2TrialPolicy {
    const normalize = this.config.normalizeInputs;
    return new Rl2TrialPolicy(this.vars.core, this.vars.policy, numEnvs, noise, normalize ? (x) => this.inputs.apply(x) : undefined);
  }

  async metaStep(taskBatch: readonly Task[], seed: number): Promise<MetaMetrics> {
    if (taskBatch.length === 0) throw new Error('metaStep: the task batch is empty; pass at least one task.');
    this.pool ??= await Rl2Pool.create(this.config.learnerThreads, { name: this.config.core, options: this.config.coreOptions }, this.vars, this.config.shardSteps);
    const start = performance.now();
    const rng = Rng.fromSeed(seed);
    const trials = await this.sampleTrials(taskBatch, this.config.episodesPerTrial, rng);
    const sampled = performance.now();
    const raw = packTrials(trials, this.obsDim, this.actDim, this.horizon);
    const prepared = await preparePpo(this.pool, this.vars, this.trainingBatch(raw), this.ppoOptions());
    const preparedAt = performance.now();
    const stats = await runPpoEpochs(this.pool, this.vars, this.optimizer, prepared, rng, this.ppoOptions());
    if (this.config.normalizeInputs) this.inputs.update(raw.xs, raw.mask);
    this.iteration += 1;
    const end = performance.now();
    const timings = { sampling: sampled - start, inner: preparedAt - sampled, outer: end - preparedAt, total: end - start };
    return this.metrics(trials, stats, raw.lengths.reduce((n, len) => n + len, 0), timings);
  }

  /** The {@link MetaMetrics} of an iteration that sampled `trials` and made the update `stats`. */
  private metrics(trials: readonly Trial[], stats: Rl2UpdateStats, envSteps: number, timings: MetaTimings): MetaMetrics {
    const perEpisode = returnPerEpisode(trials);
    return {
      iteration: this.iteration,
      preReturn: perEpisode[0],
      postReturn: perEpisode[perEpisode.length - 1],
      losses: { policy: stats.policyLoss, value: stats.valueLoss, entropy: stats.entropy },
      kl: stats.kl,
      envSteps,
      physicsErrors: trials.reduce((n, trial) => n + trial.paths.filter((p) => p.physicsError !== undefined).length, 0),
      timings,
      info: {
        clipFraction: stats.clipFraction,
        gradNorm: stats.gradNorm,
        rewardScale: this.rewardScale(),
        ...Object.fromEntries(perEpisode.map((r, e) => [`episode${e + 1}Return`, r])),
      },
    };
  }

  async adaptationCurve(task: Task, options: AdaptationOptions): Promise<AdaptationCurve> {
    const episodes = options.episodes;
    const trials = options.trials ?? this.config.evalTrials;
    if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`adaptationCurve: episodes must be an integer >= 1, got ${episodes}.`);
    if (!Number.isInteger(trials) || trials < 1) throw new Error(`adaptationCurve: trials must be an integer >= 1, got ${trials}.`);
    const rng = Rng.fromSeed(options.seed);
    const sampled = await this.sampleTrials(Array.from({ length: trials }, () => task), episodes, rng);
    return summarizeCurve(Array.from({ length: episodes }, (_, e) => sampled.map((trial) => trial.paths[e])));
  }

  /** One mean-action trial of `options.episodes` episodes on one env (an asynchronous policy), after measuring the curve. */
  async demo(task: Task, options: AdaptationOptions): Promise<AdaptationDemo> {
    const curve = await this.adaptationCurve(task, options);
    const trial = this.trialPolicy(1, 'mean');
    trial.startTrial();
    return { runs: [{ policy: trial.act, labels: Array.from({ length: options.episodes }, (_, e) => `episode ${e + 1}`) }], curve };
  }

  async getState(): Promise<MetaLearnerState> {
    const { name, iteration } = this;
    const normalizers = this.normalizerState();
    const [policy, value, optimizer] = await Promise.all([tensorsToState(this.vars.policy), tensorsToState(this.vars.value), this.optimizer.getState()]);
    return { name, iteration, params: { policy, value, normalizers }, optimizer };
  }

  setState(state: MetaLearnerState): void {
    const normalizerShapes = this.normalizerState().map((s) => s.shape);
    checkState(state, this.name, { policy: paramShapes(this.vars.policy), value: paramShapes(this.vars.value), normalizers: normalizerShapes });
    this.optimizer.setState(state.optimizer);
    for (const group of ['policy', 'value'] as const) assignState(this.vars[group], state.params[group]);
    const n = state.params.normalizers.map((s) => s.data);
    this.inputs.stats.setArrays(n.slice(0, 3));
    this.returns.setArrays(n.slice(3, 6));
    this.iteration = state.iteration;
  }

  dispose(): void {
    [...this.vars.policy, ...this.vars.value].forEach((v) => v.dispose());
    this.optimizer.dispose();
    this.vecs.close();
    this.pool?.close();
  }

  /**
   * One trial of `episodes` episodes per task on the cached VecEnv of `tasks.length` envs (env i runs task i), core
   * state reset once. Calls run one at a time, in call order (overlapping calls, e.g. curves measured with
   * Promise.all, would otherwise step the same VecEnv in turns: acting awaits the backend at every step).
   */
  private sampleTrials(tasks: readonly Task[], episodes: number, rng: Rng): Promise<Trial[]> {
    const trials = this.sampling.then(async () => {
      const vec = await this.vecs.get(tasks.length);
      vec.setTasks(tasks);
      const policy = this.trialPolicy(vec.numEnvs, rng);
      policy.startTrial();
      return groupTrials(await sampleEpisodesAsync(vec, policy.act, { seed: rng.seed(), episodesPerEnv: episodes }), episodes);
    });
    this.sampling = trials.catch(() => undefined);
    return trials;
  }

  /** The batch as the networks train on it: normalised inputs, scaled rewards (updates the return statistics). */
  private trainingBatch(raw: TrialBatch): TrialBatch {
    const xs = this.config.normalizeInputs ? this.inputs.apply(raw.xs) : raw.xs;
    const rewards = this.config.scaleRewards ? scaleTrialRewards(raw, this.returns, this.config.gamma) : raw.rewards;
    return { ...raw, xs, rewards };
  }

  /** The factor training rewards are multiplied by (1 / running std of discounted trial returns, or 1). */
  private rewardScale(): number {
    return this.config.scaleRewards && this.returns.count > 0 ? 1 / this.returns.std(0) : 1;
  }

  private ppoOptions(): Rl2PpoOptions {
    const c = this.config;
    return {
      gamma: c.gamma, lambda: c.gaeLambda, epochs: c.epochs, minibatches: c.minibatches, maxGradNorm: c.maxGradNorm,
      clipEpsilon: c.clipEpsilon, valueCoef: c.valueCoef, entropyCoef: c.entropyCoef,
    };
  }

  /** Input statistics ([count], mean, variance) then return statistics, as tensor states. */
  private normalizerState(): TensorState[] {
    return [...this.inputs.stats.toArrays(), ...this.returns.toArrays()].map((data) => ({ shape: [data.length], data }));
  }
}
