/**
 * ProMP, Proximal Meta-Policy Search (Rothfuss et al. 2019), with a diagonal-Gaussian MLP policy. One
 * meta-iteration on M tasks (objective in promp-objective.ts):
 *
 * 1. for each inner step j: K episodes per task with θ_i^{(j)} on ONE VecEnv of M·K envs; per task a linear
 *    feature baseline and GAE advantages; one LVC step θ_i^{(j+1)} = θ_i^{(j)} + α ∇J^LVC (same value as a VPG
 *    step: the two gradients agree at the sampling policy);
 * 2. K post-update episodes per task with θ'_i = θ_i^{(k)};
 * 3. `epochs` Adam steps on θ (no re-sampling, full batch) of the PPO-clip surrogate of the post-update
 *    episodes as a function of θ through the inner LVC steps (second order), plus η · KL(π_θo ‖ π_θ) on the
 *    pre-update episodes; η fixed or adapted towards a KL target (promp-options.ts).
 *
 * Needs tfjs-core's gradients and the higher-order fix: call `initBackend()` (agents/backend.ts) first.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../../envs/types.js';
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { disposeParams, paramShapes, unflattenParams, type Params } from '../nets.js';
import { Adam } from './adam.js';
import type { InnerUpdate } from './maml-objective.js';
import { PolicyLearner } from './policy-learner.js';
import type { PolicyPool } from './policy-pool.js';
import type { UpdateSpec } from './policy-shard-ops.js';
import { adaptKlCoef, lvcUpdate } from './promp-objective.js';
import { resolvePrompOptions, type PrompConfig, type PrompOptions } from './promp-options.js';
import { meanTaskReturn } from './task-samples.js';
import type { MetaMetrics, TensorState } from './types.js';

export type { PrompOptions } from './promp-options.js';

/** Name of the optimizer slot that holds the KL coefficients, [innerSteps]. */
const KL_SLOT = 'klCoef';

/** Values after the outer update. */
interface OuterStats {
  lossBefore: number;
  lossAfter: number;
  surrogateAfter: number;
  /** Mean inner KL per inner step after the update, [innerSteps]. */
  innerKl: number[];
  /** Mean KL(π'_old ‖ π_{θ'(θ_new)}) on the post-update episodes. */
  outerKl: number;
}

/** The ProMP meta-learner. */
export class Promp extends PolicyLearner<PrompConfig> {
  readonly name = 'promp';
  private readonly optimizer: Adam;
  /** η_j per inner step (float32 values, so that a saved state restores them exactly). */
  private klCoefs: number[];

  private constructor(config: PrompConfig) {
    super(config);
    this.optimizer = new Adam(paramShapes(this.theta), { learningRate: config.learningRate });
    this.klCoefs = Array.from({ length: config.innerSteps }, () => Math.fround(config.klCoef));
  }

  /** A learner with a freshly initialised policy (seeded by `options.seed`); installs the wasm matMul gradient. */
  static async create(options: PrompOptions): Promise<Promp> {
    const config = resolvePrompOptions(options);
    await registerFastMatMulGradient();
    return new Promp(config);
  }

  /** The current KL penalty coefficients η_j, [innerSteps]. */
  get klCoefficients(): readonly number[] {
    return [...this.klCoefs];
  }

  /**
   * One meta-iteration (class comment). Metrics: `losses.inner` the VPG surrogate at θ on the first inner
   * batches (comparable with MAML's), `outerBefore`/`outerAfter` the penalised objective before the first and
   * after the last Adam epoch, `surrogateAfter` its PPO-clip part; `kl` the mean KL(π'_old ‖ π_{θ'(θ_new)}) of
   * the adapted policies on the post-update episodes; `info.innerKl` the mean pre-update KL after the update,
   * `info.klCoef` the η used and `info.nextKlCoef` the η of the next iteration (means over inner steps).
   */
  async metaStep(taskBatch: readonly Task[], seed: number): Promise<MetaMetrics> {
    const { runner, config } = this;
    const start = await this.startIteration(taskBatch, seed);
    let adapted: Params[] = [];
    try {
      const inner = await this.pooledInnerLoop(start, taskBatch, config.innerSteps, { update: this.lvcSpec(true), record: 'sampler' }); // LVC steps, values only
      adapted = inner.adapted;
      const post = await runner.sampleTasks(taskBatch, adapted, config.episodesPerTask, start.rng);
      const klCoefs = this.klCoefficients;
      const stats = await runner.timed('outer', async () => {
        await start.pool.outer(post);
        return this.outerUpdate(start.pool, taskBatch.length);
      });
      this.iteration += 1;
      return {
        iteration: this.iteration,
        preReturn: inner.returns[0],
        postReturn: meanTaskReturn(post),
        losses: { inner: inner.innerLoss, outerBefore: stats.lossBefore, outerAfter: stats.lossAfter, surrogateAfter: stats.surrogateAfter },
        kl: stats.outerKl,
        envSteps: runner.envSteps,
        physicsErrors: runner.physicsErrors,
        timings: runner.timings(),
        info: { innerKl: mean(stats.innerKl), klCoef: mean(klCoefs), nextKlCoef: mean(this.klCoefs), epochs: config.epochs },
      };
    } finally {
      adapted.forEach(disposeParams);
      await start.pool.clear();
    }
  }

  /** ProMP's inner LVC step as plain data (values only with `firstOrder`). */
  private lvcSpec(firstOrder: boolean): UpdateSpec {
    return { lr: this.config.innerLr, firstOrder, activation: this.config.activation, loss: 'lvc' };
  }

  /**
   * The inner step of the curve: one LVC step on the episodes of the current θ_s, ⊥π = π_{θ_s} (numerically
   * MAML's VPG step: the two gradients agree at the sampling policy); values only, no second-order graph.
   */
  protected get curveUpdate(): InnerUpdate {
    return lvcUpdate(this.config.innerLr, this.config.activation, true);
  }

  override dispose(): void {
    super.dispose();
    this.optimizer.dispose();
  }

  protected override async optimizerState(): Promise<TensorState[]> {
    const coefs: TensorState = { name: KL_SLOT, shape: [this.klCoefs.length], data: Float64Array.from(this.klCoefs) };
    return [...(await this.optimizer.getState()), coefs];
  }

  protected override restoreOptimizer(slots: readonly TensorState[]): void {
    const coefs = slots[slots.length - 1];
    if (coefs?.name !== KL_SLOT || coefs.data.length !== this.klCoefs.length) {
      throw new Error(`setState: the last optimizer slot must be '${KL_SLOT}' with ${this.klCoefs.length} value(s) (one per inner step).`);
    }
    this.optimizer.setState(slots.slice(0, -1));
    this.klCoefs = Array.from(coefs.data);
  }

  /**
   * Step 3: the Adam epochs on θ (each gradient the mean of the tasks' own, computed by the threads that own
   * them), then the objective's terms at the new θ and the KL coefficients' update.
   */
  private async outerUpdate(pool: PolicyPool, numTasks: number): Promise<OuterStats> {
    const { config } = this;
    const options = { clipEpsilon: config.clipEpsilon, klCoefs: this.klCoefs };
    const shapes = paramShapes(this.theta);
    let lossBefore = NaN;
    for (let e = 0; e < config.epochs; e++) {
      const { value, grad } = await pool.prompGradient(this.theta, numTasks, this.lvcSpec(false), options);
      if (e === 0) lossBefore = value;
      tf.tidy(() => this.optimizer.step(this.theta, unflattenParams(grad, shapes)));
    }
    const [lossAfter, surrogateAfter, outerKl, ...innerKl] = await pool.prompTerms(this.theta, numTasks, this.lvcSpec(true), options);
    if (config.adaptiveKl) this.klCoefs = this.klCoefs.map((c, j) => Math.fround(adaptKlCoef(c, innerKl[j], config.targetKl)));
    return { lossBefore, lossAfter, surrogateAfter, innerKl, outerKl };
  }
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
