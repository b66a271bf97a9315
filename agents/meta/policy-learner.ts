/**
 * What the meta-learners with one diagonal-Gaussian MLP policy θ share (MAML, ProMP, Reptile, the multi-task
 * baseline): θ as variables initialised from the configured seed, the {@link TaskRunner} they sample with, the
 * iteration counter, the gradient adaptation curve with the learner's own inner step, and a
 * {@link MetaLearnerState} made of θ and the learner's optimizer slots.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../envs/rng.js';
import type { Task, VecEnv } from '../../envs/types.js';
import { disposeParams, paramShapes, toVariables, type Params } from '../nets.js';
import { gaussianActArrays, gaussianArrays, gaussianPolicyInit, type GaussianArrays } from '../policies.js';
import { adaptParams, innerLoss, type InnerUpdate } from './maml-objective.js';
import { disposeBatches, outerBatch, type OuterBatch, type PolicyBatch } from './policy-batch.js';
import type { PolicyLearnerConfig } from './policy-options.js';
import { assignState, checkState, tensorsToState } from './state.js';
import { TaskRunner, taskPolicy, type TaskRunnerConfig } from './task-runner.js';
import { meanTaskReturn, type TaskSamples } from './task-samples.js';
import type { AdaptationCurve, AdaptationDemo, AdaptationOptions, AdaptationShape, FineTuneSettings, MetaLearner, MetaLearnerState, MetaMetrics, TensorState } from './types.js';

/** What {@link PolicyLearner} needs from a learner's configuration. */
export type PolicyLearnerBaseConfig = TaskRunnerConfig & Pick<PolicyLearnerConfig, 'seed' | 'hidden' | 'initLogStd' | 'episodesPerTask' | 'innerLr'>;

/** What {@link PolicyLearner.recordedInnerLoop} gathered. */
export interface RecordedInner<B extends PolicyBatch> {
  /** [M][innerSteps] pre-update batches (the caller disposes them). */
  batches: B[][];
  /** θ'_i = θ_i^{(k)}, one parameter list per task (fresh tensors: the caller disposes them). */
  adapted: Params[];
  /** Mean return over tasks of the first sampling (with θ). */
  preReturn: number;
  /** Mean over tasks of the inner VPG loss at θ on the first batches. */
  innerLoss: number;
}

/** Base of the Gaussian-policy meta-learners; subclasses add the meta-update and their optimizer state. */
export abstract class PolicyLearner<C extends PolicyLearnerBaseConfig> implements MetaLearner {
  abstract readonly name: string;
  /** The resolved configuration. */
  readonly config: C;
  /** θ `[W0, b0, ..., logStd]`, updated in place. */
  protected readonly theta: tf.Variable[];
  /** VecEnvs, rollouts, advantages, env-step count and phase timings. */
  protected readonly runner: TaskRunner;
  /** Meta-iterations completed. */
  protected iteration = 0;

  /** θ from `gaussianPolicyInit` seeded by `config.seed`, with the env's observation and action sizes. */
  protected constructor(config: C) {
    this.config = config;
    this.runner = new TaskRunner(config);
    const { obsDim, actDim } = this.runner;
    const init = gaussianPolicyInit(Rng.fromSeed(config.seed), obsDim, actDim, { hidden: config.hidden, initLogStd: config.initLogStd });
    this.theta = toVariables(init, false);
    disposeParams(init);
  }

  /** The current meta-parameters θ `[W0, b0, ..., logStd]` (owned by the learner: do not dispose). */
  get policyParams(): Params {
    return this.theta;
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
    const update = this.curveUpdate;
    return this.runner.adaptationCurve(this.theta, task, options, (theta, batch) => adaptParams(theta, [batch], update));
  }

  /** One mean-action run per θ_0..θ_k, θ_s snapshotted while the curve adapts. */
  async demo(task: Task, options: AdaptationOptions): Promise<AdaptationDemo> {
    const update = this.curveUpdate;
    const snapshots: GaussianArrays[] = [];
    const observe = (_s: number, theta: Params): void => void snapshots.push(gaussianArrays(theta));
    const curve = await this.runner.adaptationCurve(this.theta, task, options, (theta, batch) => adaptParams(theta, [batch], update), observe);
    const runs = snapshots.map((snapshot, s) => ({
      policy: (obs: Float32Array) => gaussianActArrays(snapshot, obs, 1, 'mean', this.config.activation).actions,
      labels: [s === 0 ? 'before adaptation' : `after ${s} step${s > 1 ? 's' : ''}`],
    }));
    return { runs, curve };
  }

  getState(): MetaLearnerState {
    return { name: this.name, iteration: this.iteration, params: { policy: tensorsToState(this.theta) }, optimizer: this.optimizerState() };
  }

  setState(state: MetaLearnerState): void {
    checkState(state, this.name, { policy: paramShapes(this.theta) });
    this.restoreOptimizer(state.optimizer);
    assignState(this.theta, state.params.policy);
    this.iteration = state.iteration;
  }

  dispose(): void {
    disposeParams(this.theta);
    this.runner.close();
  }

  /**
   * Start a meta-iteration (zero the runner's timings and env-step count); throws `${label}: the task batch is
   * empty` for no tasks. @returns the VecEnv of M·K envs and the iteration's Rng (seeded by `seed`).
   */
  protected async startIteration(taskBatch: readonly Task[], seed: number, label = 'metaStep'): Promise<{ vec: VecEnv; rng: Rng }> {
    if (taskBatch.length === 0) throw new Error(`${label}: the task batch is empty; pass at least one task.`);
    this.runner.begin();
    const rng = Rng.fromSeed(seed);
    return { vec: await this.runner.vecEnv(taskBatch.length * this.config.episodesPerTask), rng };
  }

  /**
   * The inner loop ({@link TaskRunner.innerLoop}) that keeps every step's batches for an outer objective through
   * the inner steps: task i's batch is `toBatch`(its samples, the policy that sampled them), and its next
   * parameters one `update` step on it. Frees the batches when a step throws.
   */
  protected recordedInnerLoop<B extends PolicyBatch>(
    vec: VecEnv,
    tasks: readonly Task[],
    rng: Rng,
    innerSteps: number,
    update: InnerUpdate,
    toBatch: (samples: TaskSamples, policy: Params) => B,
  ): RecordedInner<B> {
    const result: RecordedInner<B> = { batches: tasks.map(() => []), adapted: [], preReturn: NaN, innerLoss: NaN };
    const sizes = { innerSteps, episodesPerTask: this.config.episodesPerTask };
    try {
      result.adapted = this.runner.innerLoop(vec, tasks, this.theta, rng, sizes, (samples, current, j) => {
        const batches = samples.map((s, i) => toBatch(s, taskPolicy(current, i)));
        batches.forEach((b, i) => result.batches[i].push(b));
        if (j === 0) [result.preReturn, result.innerLoss] = [meanTaskReturn(samples), this.meanInnerLoss(batches)];
        return batches.map((b, i) => tf.tidy(() => adaptParams(taskPolicy(current, i), [b], update)));
      });
    } catch (err) {
      disposeBatches(result.batches.flat());
      throw err;
    }
    return result;
  }

  /**
   * Task i's inner batches joined with its post-update batch: `post[i]` as tensors with the log-probabilities
   * and distribution of its sampling policy `adapted[i]` (constants).
   */
  protected outerData<B extends PolicyBatch>(inner: readonly B[][], adapted: readonly Params[], post: readonly TaskSamples[]): { inner: B[]; outer: OuterBatch }[] {
    return post.map((s, i) => ({ inner: inner[i], outer: outerBatch(adapted[i], this.runner.batch(s), this.config.activation) }));
  }

  /** Mean over tasks of the inner VPG loss at θ on one batch per task. */
  protected meanInnerLoss(batches: readonly PolicyBatch[]): number {
    return tf.tidy(() => tf.addN(batches.map((b) => innerLoss(this.theta, b, this.config.activation))).dataSync()[0] / batches.length);
  }

  /** The optimizer slots of {@link getState} (default: none). */
  protected optimizerState(): TensorState[] {
    return [];
  }

  /**
   * Restore the optimizer slots of a state whose name and θ shapes are checked, before θ is; throw when they do
   * not fit (default: ignore them).
   */
  protected restoreOptimizer(_slots: readonly TensorState[]): void {}
}
