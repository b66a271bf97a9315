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
import type { Task } from '../../envs/types.js';
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { assignParams, disposeParams } from '../nets.js';
import { trpoUpdate, type TrpoDiagnostics } from '../trpo.js';
import { disposeTaskData, outerKl, outerLoss, type InnerUpdate, type MamlTaskData } from './maml-objective.js';
import { resolveMamlOptions, type MamlConfig, type MamlOptions } from './maml-options.js';
import { PolicyLearner } from './policy-learner.js';
import { meanTaskReturn } from './task-samples.js';
import type { MetaMetrics } from './types.js';

export type { MamlOptions } from './maml-options.js';

/** The MAML-TRPO / FOMAML-TRPO meta-learner. */
export class Maml extends PolicyLearner<MamlConfig> {
  readonly name: string;

  private constructor(config: MamlConfig) {
    super(config);
    this.name = config.firstOrder ? 'fomaml-trpo' : 'maml-trpo';
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

  /** The inner VPG step of meta-training (second order unless `firstOrder`). */
  private get update(): InnerUpdate {
    return { lr: this.config.innerLr, firstOrder: this.config.firstOrder, activation: this.config.activation };
  }

  /** The same step with values only: the curve needs no second-order graph. */
  protected get curveUpdate(): InnerUpdate {
    return { ...this.update, firstOrder: true };
  }

  async metaStep(taskBatch: readonly Task[], seed: number): Promise<MetaMetrics> {
    const { runner, config } = this;
    const { vec, rng } = await this.startIteration(taskBatch, seed);
    const inner = this.recordedInnerLoop(vec, taskBatch, rng, config.innerSteps, this.update, (samples) => runner.batch(samples));
    let data: MamlTaskData[] | undefined;
    try {
      const post = runner.sampleTasks(vec, taskBatch, inner.adapted, config.episodesPerTask, rng);
      data = runner.timed('outer', () => this.outerData(inner.batches, inner.adapted, post));
      const d = runner.timed('outer', () => this.trpoStep(data as MamlTaskData[]));
      this.iteration += 1;
      return {
        iteration: this.iteration,
        preReturn: inner.preReturn,
        postReturn: meanTaskReturn(post),
        losses: { inner: inner.innerLoss, outerBefore: d.lossBefore, outerAfter: d.lossAfter },
        kl: d.kl,
        envSteps: runner.envSteps,
        physicsErrors: runner.physicsErrors,
        timings: runner.timings(),
        info: { accepted: d.accepted, backtracks: d.backtracks, cgIterations: d.cgIterations, stepSize: d.stepSize },
      };
    } finally {
      disposeTaskData(data ?? inner.batches.map((b) => ({ inner: b })));
      inner.adapted.forEach(disposeParams);
    }
  }

  /** The TRPO meta-update of θ (in place). */
  private trpoStep(data: MamlTaskData[]): TrpoDiagnostics {
    const update = this.update;
    const { params, diagnostics } = trpoUpdate(
      { params: this.theta, loss: (ps) => outerLoss(ps, data, update), kl: (ps) => outerKl(ps, data, update) },
      this.config.trpo,
    );
    assignParams(this.theta, params);
    disposeParams(params);
    return diagnostics;
  }
}
