/**
 * The pretrained multi-task baseline of the evaluation protocol (DESIGN.md): ONE diagonal-Gaussian MLP policy
 * trained with PPO-clip across the task distribution, then fine-tuned at evaluation "the same way" as the MAML
 * family adapts. One training iteration on the M tasks the caller passes (resample them every call):
 *
 * 1. K episodes per task with θ on ONE VecEnv of M·K envs; the task is hidden from the policy (its input is
 *    the observation alone);
 * 2. per task a linear feature baseline, GAE(γ, λ) advantages normalised per task (exactly MAML's processing:
 *    the task grouping reaches the baseline only, never the policy), all tasks' samples joined in one batch;
 * 3. PPO-clip epochs with Adam over shuffled minibatches (multitask-ppo.ts).
 *
 * `adaptationCurve` takes MAML's inner VPG steps θ_{s+1} = θ_s − α ∇L_in(θ_s) on θ_s's own episodes
 * (maml-objective.ts `adaptParams`, α = `innerLr`), so its curve compares like with like with MAML's.
 * Needs tfjs-core's gradients registered: call `initBackend()` (agents/backend.ts) first.
 */
import type { Task } from '../../envs/types.js';
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { paramShapes } from '../nets.js';
import { Adam } from './adam.js';
import type { InnerUpdate } from './maml-objective.js';
import { resolveMultiTaskOptions, type MultiTaskConfig, type MultiTaskOptions } from './multitask-options.js';
import { ppoEpochs, type PpoEpochStats } from './multitask-ppo.js';
import { PolicyLearner } from './policy-learner.js';
import { meanTaskReturn } from './task-samples.js';
import type { MetaMetrics, TensorState } from './types.js';

export type { MultiTaskOptions } from './multitask-options.js';

/** The multi-task PPO baseline. */
export class MultiTask extends PolicyLearner<MultiTaskConfig> {
  readonly name = 'multitask-ppo';
  private readonly optimizer: Adam;

  private constructor(config: MultiTaskConfig) {
    super(config);
    this.optimizer = new Adam(paramShapes(this.theta), { learningRate: config.learningRate });
  }

  /** A learner with a freshly initialised policy (seeded by `options.seed`); installs the wasm matMul gradient. */
  static async create(options: MultiTaskOptions): Promise<MultiTask> {
    const config = resolveMultiTaskOptions(options);
    await registerFastMatMulGradient();
    return new MultiTask(config);
  }

  /** The fine-tuning step of {@link adaptationCurve}: MAML's inner VPG update with α = `innerLr`. */
  get fineTuneUpdate(): InnerUpdate {
    return { lr: this.config.innerLr, firstOrder: true, activation: this.config.activation };
  }

  protected get curveUpdate(): InnerUpdate {
    return this.fineTuneUpdate;
  }

  /**
   * One PPO iteration on `taskBatch` (M tasks, K episodes each). There is no adaptation during training:
   * `preReturn` and `postReturn` are both the mean return of the iteration's episodes (before the update).
   */
  async metaStep(taskBatch: readonly Task[], seed: number): Promise<MetaMetrics> {
    const { runner, config } = this;
    const { rng, pool } = await this.startIteration(taskBatch, seed);
    try {
      const perTask = await runner.sampleTasks(taskBatch, [this.theta], config.episodesPerTask, rng);
      const meanReturn = meanTaskReturn(perTask);
      const stats = await runner.timed('outer', () => ppoEpochs(pool, this.theta, this.optimizer, perTask, rng, config));
      this.iteration += 1;
      return this.metrics(meanReturn, stats);
    } finally {
      await pool.clear();
    }
  }

  /** The iteration's metrics: no adaptation during training, so pre- and post-return are both `meanReturn`. */
  private metrics(meanReturn: number, stats: PpoEpochStats): MetaMetrics {
    const { runner } = this;
    return {
      iteration: this.iteration,
      preReturn: meanReturn,
      postReturn: meanReturn,
      losses: { policy: stats.policyLoss },
      kl: stats.kl,
      envSteps: runner.envSteps,
      physicsErrors: runner.physicsErrors,
      timings: runner.timings(),
      info: { clipFraction: stats.clipFraction, adamSteps: stats.steps },
    };
  }

  override dispose(): void {
    super.dispose();
    this.optimizer.dispose();
  }

  protected override optimizerState(): Promise<TensorState[]> {
    return this.optimizer.getState();
  }

  protected override restoreOptimizer(slots: readonly TensorState[]): void {
    this.optimizer.setState(slots);
  }
}
