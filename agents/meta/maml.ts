/**
 * MAML for RL with a diagonal-Gaussian MLP policy and a TRPO meta-update (MAML-TRPO; FOMAML with
 * `firstOrder: true`). One meta-iteration on M tasks:
 *
 * 1. for each inner step j: K episodes per task with θ_i^{(j)} on ONE VecEnv of M·K envs; per task a linear
 *    feature baseline, GAE advantages, and one VPG step θ_i^{(j+1)} = θ_i^{(j)} − α ∇L_in;
 * 2. K post-update episodes per task with θ'_i = θ_i^{(k)};
 * 3. TRPO on θ: minimise the mean likelihood-ratio surrogate of the post-update episodes as a function of θ
 *    through the inner steps, subject to mean KL(π_{θ'_i(θ_old)} ‖ π_{θ'_i(θ)}) ≤ δ (see maml-objective.ts).
 *
 * Needs tfjs-core's gradients and the higher-order fix: call `initBackend()` (agents/backend.ts) first; the
 * meta-gradient through the inner update is silently wrong without the fix.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../../envs/types.js';
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { assignParams, disposeParams, paramCount, paramShapes, unflattenParams } from '../nets.js';
import { restrictToTail, trpoStep, type TrpoDiagnostics } from '../trpo.js';
import type { LearnedRule } from './inner-rule.js';
import type { InnerUpdate } from './maml-objective.js';
import { resolveMamlOptions, type MamlConfig, type MamlOptions } from './maml-options.js';
import { PolicyLearner } from './policy-learner.js';
import type { UpdateSpec } from './policy-shard-ops.js';
import type { PolicyPool } from './policy-pool.js';
import { meanTaskReturn } from './task-samples.js';
import type { MetaMetrics } from './types.js';

export type { MamlOptions } from './maml-options.js';

/** The MAML-TRPO / FOMAML-TRPO meta-learner. */
export class Maml extends PolicyLearner<MamlConfig> {
  readonly name: string;
  /** θ stays as it is (initialised or restored): the TRPO step moves only the learned rule's parameters. */
  private readonly freezePolicy: boolean;

  /**
   * @param variant a learned inner rule's (Meta-SGD, LSTM optimizer): its learner name, the rule learned with θ,
   * and whether θ is held fixed (`freezePolicy`: only the rule is meta-trained).
   */
  protected constructor(config: MamlConfig, variant?: { name: string; rule: LearnedRule; freezePolicy?: boolean }) {
    super(config, { rule: variant?.rule });
    this.freezePolicy = variant?.freezePolicy ?? false;
    this.name = variant?.name ?? (config.firstOrder ? 'fomaml-trpo' : 'maml-trpo');
  }

  /**
   * A learner with a freshly initialised policy (seeded by `options.seed`). Also installs the wasm-friendly
   * matMul gradient (agents/matmul-grad.ts, engine-wide, same math): without it, backward products on wasm
   * take a path 5–15x slower and dominate the meta-update.
   */
  static async create(options: MamlOptions): Promise<Maml> {
    const config = resolveMamlOptions(options);
    await registerFastMatMulGradient();
    return new Maml(config);
  }

  /** The inner VPG step of meta-training (second order unless `firstOrder`; the threads add α when learned). */
  private get update(): UpdateSpec {
    return { lr: this.config.innerLr, firstOrder: this.config.firstOrder, activation: this.config.activation };
  }

  /** The same step with values only (the curve's, and the inner loop's): no second-order graph. */
  protected get curveUpdate(): InnerUpdate & UpdateSpec {
    return { lr: this.config.innerLr, firstOrder: true, activation: this.config.activation };
  }

  async metaStep(taskBatch: readonly Task[], seed: number): Promise<MetaMetrics> {
    const { runner, config } = this;
    const start = await this.startIteration(taskBatch, seed);
    const { pool, rng } = start;
    let adapted: tf.Tensor[][] = [];
    try {
      const inner = await this.pooledInnerLoop(start, taskBatch, config.innerSteps, { update: this.curveUpdate, record: 'batch' });
      adapted = inner.adapted;
      const post = await runner.sampleTasks(taskBatch, adapted, config.episodesPerTask, rng);
      const curvatureSeed = rng.seed();
      const d = await runner.timed('outer', async () => {
        await pool.outer(post);
        return this.trpoStep(pool, taskBatch.length, curvatureSeed);
      });
      this.iteration += 1;
      return {
        iteration: this.iteration,
        preReturn: inner.returns[0],
        postReturn: meanTaskReturn(post),
        losses: { inner: inner.innerLoss, outerBefore: d.lossBefore, outerAfter: d.lossAfter },
        kl: d.kl,
        envSteps: runner.envSteps,
        physicsErrors: runner.physicsErrors,
        timings: runner.timings(),
        info: { accepted: d.accepted, backtracks: d.backtracks, cgIterations: d.cgIterations, stepSize: d.stepSize },
      };
    } finally {
      adapted.forEach(disposeParams);
      await pool.clear();
    }
  }

  /**
   * The TRPO meta-update of the meta-parameters φ (θ, or [θ, ρ] with a learned rule; in place), every per-task
   * piece on the thread that owns the task: loss and gradient, Fisher-vector products (on `trpo.subsampleFactor` of
   * each task's samples, rows drawn from `curvatureSeed`), line-search trials. With a frozen policy the step is
   * TRPO's over ρ alone (the problem restricted to φ's last block).
   */
  private async trpoStep(pool: PolicyPool, numTasks: number, curvatureSeed: number): Promise<TrpoDiagnostics> {
    const factor = this.config.trpo.subsampleFactor ?? 1;
    const meta = this.metaParams;
    const full = await pool.mamlTrpoProblem(meta, numTasks, this.update, { factor, seed: curvatureSeed });
    const restricted = this.freezePolicy ? restrictToTail(full, paramCount(this.theta)) : undefined;
    const { theta, diagnostics } = await trpoStep(restricted ?? full, this.config.trpo);
    const phi = restricted ? restricted.expand(theta) : theta;
    if (diagnostics.accepted) tf.tidy(() => assignParams(meta, unflattenParams(phi, paramShapes(meta))));
    return diagnostics;
  }
}
