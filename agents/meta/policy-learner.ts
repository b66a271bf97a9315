/**
 * What the meta-learners with one diagonal-Gaussian MLP policy θ share (MAML, ProMP, Reptile, the multi-task
 * baseline): θ as variables initialised from the configured seed, the {@link TaskRunner} they sample with, the
 * iteration counter, the gradient adaptation curve with the learner's own inner step, and a
 * {@link MetaLearnerState} made of θ and the learner's optimizer slots. A learner with a learned inner rule ρ
 * (inner-rule.ts: Meta-SGD's per-parameter step sizes α, initialised to `innerLr`; the LSTM optimizer's weights ω)
 * takes every inner step, the curve's included, with that rule; its meta-parameters are φ = [θ, ρ], and the state
 * holds ρ as its `stepSizes` (α) or `lstmOptimizer` (ω) group.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../envs/rng.js';
import type { Task } from '../../envs/types.js';
import { disposeParams, paramShapes, toVariables, type Params } from '../nets.js';
import { gaussianActArrays, gaussianArrays, gaussianPolicyInit, type GaussianArrays } from '../policies.js';
import { initRuleParams, ruleStateGroup, type LearnedRule } from './inner-rule.js';
import { adaptFrom, withLearnedRule, type InnerState, type InnerUpdate } from './maml-objective.js';
import type { PolicyBatch } from './policy-batch.js';
import type { PolicyLearnerConfig } from './policy-options.js';
import { PolicyPool } from './policy-pool.js';
import type { InnerStepSpec } from './policy-shard.js';
import { assignState, checkGroup, checkState, tensorsToState } from './state.js';
import { TaskRunner, type TaskRunnerConfig } from './task-runner.js';
import { meanTaskReturn } from './task-samples.js';
import type { AdaptationCurve, AdaptationDemo, AdaptationOptions, AdaptationShape, FineTuneSettings, MetaLearner, MetaLearnerState, MetaMetrics, TensorState } from './types.js';

/** What {@link PolicyLearner} needs from a learner's configuration. */
export type PolicyLearnerBaseConfig = TaskRunnerConfig & Pick<PolicyLearnerConfig, 'seed' | 'hidden' | 'initLogStd' | 'episodesPerTask' | 'innerLr' | 'learnerThreads'>;

/** What {@link PolicyLearner.pooledInnerLoop} did. */
export interface PooledInner {
  /** θ'_i = θ_i^{(k)}, one parameter list per task (fresh tensors: the caller disposes them). */
  adapted: Params[];
  /** [k] mean return over tasks of each inner sampling (entry j: episodes of θ_i^{(j)}). */
  returns: number[];
  /** Mean over tasks of the inner VPG loss at θ on the first batches. */
  innerLoss: number;
}

/** What a meta-iteration starts with ({@link PolicyLearner.startIteration}). */
export interface IterationStart {
  /** The iteration's random stream (seeded by its `seed`). */
  rng: Rng;
  /** The learner's threads, begun at θ: call `pool.clear()` when the iteration ends. */
  pool: PolicyPool;
}

/** Base of the Gaussian-policy meta-learners; subclasses add the meta-update and their optimizer state. */
export abstract class PolicyLearner<C extends PolicyLearnerBaseConfig> implements MetaLearner {
  abstract readonly name: string;
  /** The resolved configuration. */
  readonly config: C;
  /** θ `[W0, b0, ..., logStd]`, updated in place. */
  protected readonly theta: tf.Variable[];
  /** The learned inner rule, if any. */
  protected readonly rule: LearnedRule | undefined;
  /** Its parameters ρ (Meta-SGD: α, one per θ tensor; LSTM optimizer: ω), updated in place; else none. */
  protected readonly ruleParams: tf.Variable[] | undefined;
  /** VecEnvs, rollouts, advantages, env-step count and phase timings. */
  protected readonly runner: TaskRunner;
  /** Meta-iterations completed. */
  protected iteration = 0;
  /** The threads of the tensor work, started by the first iteration. */
  private pool: PolicyPool | undefined;

  /**
   * θ from `gaussianPolicyInit` seeded by `config.seed`, with the env's observation and action sizes; with a
   * learned `rule`, its parameters from `initRuleParams` (α = `config.innerLr`; the LSTM optimizer drawn after θ from
   * the same seeded stream).
   */
  protected constructor(config: C, options: { rule?: LearnedRule } = {}) {
    this.config = config;
    this.runner = new TaskRunner(config);
    const { obsDim, actDim } = this.runner;
    const rng = Rng.fromSeed(config.seed);
    const init = gaussianPolicyInit(rng, obsDim, actDim, { hidden: config.hidden, initLogStd: config.initLogStd });
    this.theta = toVariables(init, false);
    disposeParams(init);
    this.rule = options.rule;
    if (options.rule) {
      const rho = initRuleParams(options.rule, paramShapes(this.theta), config.innerLr, rng);
      this.ruleParams = toVariables(rho, false);
      disposeParams(rho);
    }
  }

  /** Whether the meta-batch rollouts run on other processes (`remote` in the config). */
  get samplesRemotely(): boolean {
    return this.runner.samplesRemotely;
  }

  /** The current policy parameters θ `[W0, b0, ..., logStd]` (owned by the learner: do not dispose). */
  get policyParams(): Params {
    return this.theta;
  }

  /** The learned per-parameter inner step sizes α (shapes of θ; owned by the learner), or undefined when the step is not Meta-SGD's. */
  get innerStepSizes(): Params | undefined {
    return this.rule?.kind === 'step-sizes' ? this.ruleParams : undefined;
  }

  /** The learned inner rule's parameters ρ (α or the LSTM optimizer's ω; owned by the learner), or undefined. */
  get innerRuleParams(): Params | undefined {
    return this.ruleParams;
  }

  /** θ as plain data when the inner rule is learned (the evaluation's plain-SGD control), else undefined. */
  async policyForSgdControl(): Promise<TensorState[] | undefined> {
    return this.rule ? tensorsToState(this.theta) : undefined;
  }

  /** Replace θ by `policy` (plain data with θ's shapes; throws naming the first mismatch), nothing else. */
  setPolicy(policy: readonly TensorState[]): void {
    checkGroup('policy', policy, paramShapes(this.theta));
    assignState(this.theta, policy);
  }

  /** The meta-parameters φ: θ, then the learned rule's ρ (owned by the learner). */
  protected get metaParams(): tf.Variable[] {
    return this.ruleParams ? [...this.theta, ...this.ruleParams] : this.theta;
  }

  /** `update` with the learner's learned rule, if it has one. */
  protected withRule(update: InnerUpdate): InnerUpdate {
    const { rule, ruleParams } = this;
    return rule && ruleParams ? withLearnedRule(update, rule, ruleParams) : update;
  }

  /**
   * The curve's inner step (values only) with the learned rule's state carried from one step to the next, kept
   * past the curve's tf.tidy; `dispose` frees the last state.
   */
  private curveStepper(): { step: (theta: Params, batch: PolicyBatch) => Params; dispose: () => void } {
    const update = this.withRule(this.curveUpdate);
    let state: InnerState = [];
    return {
      step: (theta, batch) => {
        const next = adaptFrom(theta, state, [batch], update);
        if (next.state !== state) tf.dispose(state);
        state = next.state.map((t) => tf.keep(t));
        return next.params;
      },
      dispose: () => tf.dispose(state),
    };
  }

  /** Adapts by inner gradient steps, K = `episodesPerTask` episodes each. */
  get adaptation(): AdaptationShape {
    return { kind: 'gradient-steps', episodes: this.config.episodesPerTask };
  }

  /** Its policy network and inner step, for baselines fine-tuned the same way. */
  fineTuneSettings(): FineTuneSettings {
    const c = this.config;
    return { hidden: c.hidden, activation: c.activation, initLogStd: c.initLogStd, episodesPerTask: c.episodesPerTask, innerLr: c.innerLr, gamma: c.gamma, gaeLambda: c.gaeLambda, normalizeAdvantages: c.normalizeAdvantages };
  }

  /** The inner step of {@link adaptationCurve} (values only: first order). */
  protected abstract get curveUpdate(): InnerUpdate;

  abstract metaStep(taskBatch: readonly Task[], seed: number): Promise<MetaMetrics>;

  /** Entry s: mean return with θ_s, where θ_{s+1} is one {@link curveUpdate} step on θ_s's own episodes. */
  async adaptationCurve(task: Task, options: AdaptationOptions): Promise<AdaptationCurve> {
    const stepper = this.curveStepper();
    try {
      return await this.runner.adaptationCurve(this.theta, task, options, stepper.step);
    } finally {
      stepper.dispose();
    }
  }

  /** One mean-action run per θ_0..θ_k, θ_s snapshotted while the curve adapts. */
  async demo(task: Task, options: AdaptationOptions): Promise<AdaptationDemo> {
    const snapshots: GaussianArrays[] = [];
    const observe = async (_s: number, theta: Params): Promise<void> => void snapshots.push(await gaussianArrays(theta));
    const stepper = this.curveStepper();
    let curve: AdaptationCurve;
    try {
      curve = await this.runner.adaptationCurve(this.theta, task, options, stepper.step, observe);
    } finally {
      stepper.dispose();
    }
    const runs = snapshots.map((snapshot, s) => ({
      policy: (obs: Float32Array) => gaussianActArrays(snapshot, obs, 1, 'mean', this.config.activation).actions,
      labels: [s === 0 ? 'before adaptation' : `after ${s} step${s > 1 ? 's' : ''}`],
    }));
    return { runs, curve };
  }

  /** θ as the `policy` group, the learned rule's ρ (if any) as its group (inner-rule.ts), and the optimizer slots. */
  async getState(): Promise<MetaLearnerState> {
    const params: MetaLearnerState['params'] = { policy: await tensorsToState(this.theta) };
    if (this.rule && this.ruleParams) params[ruleStateGroup(this.rule)] = await tensorsToState(this.ruleParams);
    return { name: this.name, iteration: this.iteration, params, optimizer: await this.optimizerState() };
  }

  setState(state: MetaLearnerState): void {
    const groups: Record<string, number[][]> = { policy: paramShapes(this.theta) };
    if (this.rule && this.ruleParams) groups[ruleStateGroup(this.rule)] = paramShapes(this.ruleParams);
    checkState(state, this.name, groups);
    this.restoreOptimizer(state.optimizer);
    assignState(this.theta, state.params.policy);
    if (this.rule && this.ruleParams) assignState(this.ruleParams, state.params[ruleStateGroup(this.rule)]);
    this.iteration = state.iteration;
  }

  dispose(): void {
    disposeParams(this.theta);
    if (this.ruleParams) disposeParams(this.ruleParams);
    this.runner.close();
    this.pool?.close();
  }

  /**
   * Start a meta-iteration (zero the runner's timings and env-step count; start the learner threads on first use
   * and begin them at θ); throws `${label}: the task batch is empty` for no tasks.
   */
  protected async startIteration(taskBatch: readonly Task[], seed: number, label = 'metaStep'): Promise<IterationStart> {
    if (taskBatch.length === 0) throw new Error(`${label}: the task batch is empty; pass at least one task.`);
    this.runner.begin();
    const rng = Rng.fromSeed(seed);
    const { activation } = this.config;
    const spec = { activation, obsDim: this.runner.obsDim, actDim: this.runner.actDim, shapes: paramShapes(this.theta), rule: this.rule };
    this.pool ??= await PolicyPool.create(this.config.learnerThreads, spec);
    await this.pool.begin(this.metaParams);
    return { rng, pool: this.pool };
  }

  /**
   * The inner loop ({@link TaskRunner.innerLoop}) with every task's inner step `step` taken by the thread that
   * owns the task (which keeps the step's batch when `step.record` says so, for the outer objective).
   */
  protected async pooledInnerLoop(start: IterationStart, tasks: readonly Task[], innerSteps: number, step: Omit<InnerStepSpec, 'lossAtTheta'>): Promise<PooledInner> {
    const result: PooledInner = { adapted: [], returns: [], innerLoss: NaN };
    const sizes = { innerSteps, episodesPerTask: this.config.episodesPerTask };
    result.adapted = await this.runner.innerLoop(tasks, this.theta, start.rng, sizes, async (samples, _current, j) => {
      result.returns.push(meanTaskReturn(samples));
      const next = await start.pool.innerStep(samples, { ...step, lossAtTheta: j === 0 });
      if (j === 0) result.innerLoss = next.innerLoss;
      return next.adapted;
    });
    return result;
  }

  /** The optimizer slots of {@link getState} (default: none). */
  protected async optimizerState(): Promise<TensorState[]> {
    return [];
  }

  /**
   * Restore the optimizer slots of a state whose name and θ shapes are checked, before θ is; throw when they do
   * not fit (default: ignore them).
   */
  protected restoreOptimizer(_slots: readonly TensorState[]): void {}
}
