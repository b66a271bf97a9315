/**
 * Reptile (Nichol, Achiam & Schulman 2018) for RL with a diagonal-Gaussian MLP policy. One meta-iteration on
 * M tasks:
 *
 * 1. inner loop, for every task at once on ONE VecEnv of M·K envs: θ_i^{(0)} = θ; for j = 0..k−1, K fresh
 *    episodes of task i with θ_i^{(j)}, a linear feature baseline and GAE advantages on them (per task), and one
 *    VPG step θ_i^{(j+1)} = θ_i^{(j)} − α ∇ L_in(θ_i^{(j)}) — exactly MAML's inner update (maml-objective.ts,
 *    first order: nothing is differentiated through it);
 * 2. outer step: θ ← θ + ε_t · mean_i(θ_i − θ) with θ_i = θ_i^{(k)} and ε_t linearly annealed (or the same
 *    direction fed to Adam as a gradient, `outerOptimizer: 'adam'`).
 *
 * Why VPG with plain SGD inside: the inner update is then identical to MAML's, so adaptation curves of Reptile,
 * MAML and FOMAML on the same tasks measure the meta-training alone, and the curve needs no inner optimizer
 * state (a per-task Adam or PPO's epochs would make "one inner step" mean something else per learner). One VPG
 * step per fresh batch is also what PPO-clip reduces to with one epoch (the ratio is 1 at the sampling policy).
 *
 * Step sizes: Reptile's meta-signal (the part of mean_i(θ_i − θ) beyond joint multi-task training) grows with
 * how far the inner steps move, so it wants a larger α than MAML's 0.1. Measured on PointNav-v0 (8 tasks × 8
 * episodes, 3 inner steps, 40 iterations, 6 held-out goals, return after 3 steps minus before): α = 0.1 gives
 * +0 to +2, α = 0.3 +14 to +21, α = 0.6 +22 (ε = 0.5 or 1); with innerSteps = 1 (joint training, a third of
 * the samples) +18, but its first step gains half as much (+12 vs +21).
 *
 * Needs tfjs-core's gradients registered: call `initBackend()` (agents/backend.ts) first.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../../envs/types.js';
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { disposeParams, globalNorm, paramShapes, type Params } from '../nets.js';
import { Adam } from './adam.js';
import type { InnerUpdate } from './maml-objective.js';
import type { UpdateSpec } from './policy-shard-ops.js';
import { PolicyLearner } from './policy-learner.js';
import { resolveReptileOptions, type ReptileConfig, type ReptileOptions } from './reptile-options.js';
import { annealedStepSize, reptileDirection } from './reptile-update.js';
import type { MetaMetrics, TensorState } from './types.js';

export type { ReptileOptions } from './reptile-options.js';

/** What the inner loop of one meta-iteration produced (see {@link Reptile.adaptTasks}). */
export interface ReptileInnerResult {
  /** θ_i = θ_i^{(k)}, one parameter list per task (fresh tensors, shapes of θ): the caller disposes them. */
  adapted: Params[];
  /** [k] mean return over tasks of each inner sampling (entry j: episodes of θ_i^{(j)}). */
  returns: number[];
  /** Mean over tasks of the inner VPG loss at θ on the first sampling. */
  innerLoss: number;
}

/** The Reptile meta-learner (VPG inner steps, SGD or Adam outer step). */
export class Reptile extends PolicyLearner<ReptileConfig> {
  readonly name = 'reptile-vpg';
  private readonly optimizer: Adam | null;

  private constructor(config: ReptileConfig) {
    super(config);
    this.optimizer = config.outerOptimizer === 'adam' ? new Adam(paramShapes(this.theta), { learningRate: config.outerStepSize }) : null;
  }

  /** A learner with a freshly initialised policy (seeded by `options.seed`); installs the wasm matMul gradient. */
  static async create(options: ReptileOptions): Promise<Reptile> {
    const config = resolveReptileOptions(options);
    await registerFastMatMulGradient();
    return new Reptile(config);
  }

  /** ε_t of the next outer update (annealed by the iterations completed). */
  get outerStepSize(): number {
    const c = this.config;
    return annealedStepSize({ initial: c.outerStepSize, final: c.outerStepSizeFinal, iterations: c.annealIterations }, this.iteration);
  }

  /** The inner VPG step, in meta-training and in the adaptation curve alike. */
  protected get curveUpdate(): InnerUpdate & UpdateSpec {
    return { lr: this.config.innerLr, firstOrder: true, activation: this.config.activation };
  }

  async metaStep(taskBatch: readonly Task[], seed: number): Promise<MetaMetrics> {
    const inner = await this.adaptTasks(taskBatch, seed);
    try {
      const stepSize = this.outerStepSize;
      const displacement = await this.runner.timed('outer', () => this.applyOuterUpdate(inner.adapted));
      this.iteration += 1;
      return {
        iteration: this.iteration,
        preReturn: inner.returns[0],
        postReturn: inner.returns[inner.returns.length - 1],
        losses: { inner: inner.innerLoss },
        kl: NaN,
        envSteps: this.runner.envSteps,
        physicsErrors: this.runner.physicsErrors,
        timings: this.runner.timings(),
        info: { stepSize, displacement },
      };
    } finally {
      inner.adapted.forEach(disposeParams);
    }
  }

  /**
   * Step 1 of the class comment alone: the adapted θ_i of every task of the batch; θ is not changed (the runner's
   * timings and env-step count restart). With the same learner state, tasks and seed, {@link metaStep} computes
   * exactly these θ_i (sampling is deterministic).
   */
  async adaptTasks(taskBatch: readonly Task[], seed: number): Promise<ReptileInnerResult> {
    const start = await this.startIteration(taskBatch, seed, 'Reptile');
    try {
      const { adapted, returns, innerLoss } = await this.pooledInnerLoop(start, taskBatch, this.config.innerSteps, { update: this.curveUpdate, record: 'none' });
      return { adapted, returns, innerLoss };
    } finally {
      await start.pool.clear();
    }
  }

  /**
   * The outer update from given adapted parameters: θ ← θ + ε_t · mean_i(θ_i − θ) (`sgd`), or one Adam step
   * on −mean_i(θ_i − θ) with learning rate ε_t (`adam`). Does not advance the iteration counter; `metaStep`
   * does. @param adapted θ_1..θ_M (not disposed). @returns |mean_i(θ_i − θ)|, the Euclidean norm of Δ.
   */
  async applyOuterUpdate(adapted: readonly Params[]): Promise<number> {
    const eps = this.outerStepSize;
    const direction = tf.tidy(() => reptileDirection(this.theta, adapted));
    try {
      tf.tidy(() => {
        if (this.optimizer) this.optimizer.step(this.theta, direction.map((d) => tf.neg(d)), eps);
        else this.theta.forEach((v, j) => v.assign(tf.add(v, tf.mul(direction[j], eps))));
      });
      return await globalNorm(direction);
    } finally {
      disposeParams(direction);
    }
  }

  override dispose(): void {
    super.dispose();
    this.optimizer?.dispose();
  }

  protected override async optimizerState(): Promise<TensorState[]> {
    return this.optimizer ? this.optimizer.getState() : [];
  }

  protected override restoreOptimizer(slots: readonly TensorState[]): void {
    if (this.optimizer) this.optimizer.setState(slots);
    else if (slots.length !== 0) {
      throw new Error(`setState: the state has ${slots.length} optimizer slots, but outerOptimizer 'sgd' has none (was it saved with 'adam'?).`);
    }
  }
}
