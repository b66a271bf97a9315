/**
 * The calling thread's side of the Gaussian-MLP learners' data-parallel tensor work: a {@link LearnerPool} of
 * {@link PolicyShard}s, with the per-task results reduced here in task order (float64, then float32). A result
 * therefore has the same bits for any number of threads, 1 included (which runs the same per-task code on the
 * calling thread alone).
 *
 * θ and vectors are flat Float32Arrays [P] (parameters in list order, each row-major).
 */
import { siblingModule } from '../../envs/sync-worker.js';
import { LearnerPool, meanWeights, weightedSum, weightedTotal } from '../learner-pool.js';
import { flattenParams, unflattenParams, type Params } from '../nets.js';
import type { FlatTrpoProblem } from '../trpo.js';
import type { CurvatureSpec, UpdateSpec } from './policy-shard-ops.js';
import type { InnerStepResult, InnerStepSpec, ShardSpec } from './policy-shard.js';
import type { PrompObjectiveOptions } from './promp-objective.js';
import type { TaskSamples } from './task-samples.js';

/** A value and its gradient [P] (one task's, or reduced over tasks). */
export interface ReducedGradient {
  value: number;
  grad: Float32Array;
}

/** Reduce per-task values and gradients with `weights`. */
function reduceGradients(answers: readonly ReducedGradient[], weights: readonly number[]): ReducedGradient {
  return { value: weightedTotal(answers.map((a) => a.value), weights), grad: weightedSum(answers.map((a) => a.grad), weights) };
}

/** Entry-wise weighted totals of per-task scalar lists. */
function reduceScalars(answers: readonly number[][], weights: readonly number[]): number[] {
  return answers[0].map((_, k) => weightedTotal(answers.map((a) => a[k]), weights));
}

/** See the file comment; create with {@link PolicyPool.create}, {@link close} with the learner. */
export class PolicyPool {
  private constructor(
    private readonly pool: LearnerPool,
    private readonly spec: ShardSpec,
  ) {}

  /** A pool of `threads` threads (the calling one included) for a policy with these shapes. */
  static async create(threads: number, spec: ShardSpec): Promise<PolicyPool> {
    const pool = await LearnerPool.create({ module: siblingModule('policy-shard', import.meta.url).href, factory: 'policyShardHandlers' }, threads);
    await pool.broadcast('configure', spec);
    return new PolicyPool(pool, spec);
  }

  /** Threads: the calling one and the workers. */
  get numThreads(): number {
    return this.pool.numThreads;
  }

  /**
   * Start an iteration at the meta-parameters φ: θ, or [θ, ρ] when the spec has a learned inner rule (every
   * thread frees the previous iteration's tasks).
   */
  async begin(meta: Params): Promise<void> {
    await this.pool.broadcast('begin', await flattenParams(meta));
  }

  /** Free every thread's tasks and θ (end of an iteration; before disposing). */
  clear(): Promise<void> {
    return this.pool.broadcast('clear');
  }

  /**
   * One inner step of every task on its samples ([M]). @returns θ_i^{(j+1)} per task (new tensors: the caller
   * disposes them) and, with `step.lossAtTheta`, the mean over tasks of the VPG loss at θ (else NaN).
   */
  async innerStep(samples: readonly TaskSamples[], step: InnerStepSpec): Promise<{ adapted: Params[]; innerLoss: number }> {
    const results = await this.pool.map<InnerStepResult>('inner', samples.length, (units) => [units.map((i) => samples[i]), step]);
    const innerLoss = step.lossAtTheta ? weightedTotal(results.map((r) => r.innerLoss), meanWeights(results.length)) : NaN;
    return { adapted: results.map((r) => unflattenParams(r.adapted, this.spec.shapes)), innerLoss };
  }

  /** The post-update samples of every task ([M]), sampled by its current θ'_i. */
  async outer(samples: readonly TaskSamples[]): Promise<void> {
    await this.pool.map('outer', samples.length, (units) => [units.map((i) => samples[i])]);
  }

  /**
   * MAML's TRPO problem over M tasks at the iteration's φ (`meta`: θ, or [θ, ρ] with a learned inner rule, as the
   * pool began): loss L = mean_i L_i, its gradient, the Fisher-vector product of mean_i KL_i (on each task's
   * subsample when `curvature.factor` < 1), and line-search trials, all over flat φ.
   */
  async mamlTrpoProblem(meta: Params, numTasks: number, update: UpdateSpec, curvature: Omit<CurvatureSpec, 'update'>): Promise<FlatTrpoProblem> {
    const w = meanWeights(numTasks);
    await this.pool.map('curvature', numTasks, () => [{ ...curvature, update }]);
    return {
      theta: await flattenParams(meta),
      lossAndGradient: async () => reduceGradients(await this.pool.map<ReducedGradient>('mamlLossGrad', numTasks, () => [null, update]), w),
      fisherVectorProduct: async (v) => weightedSum(await this.pool.map<Float32Array>('mamlFvp', numTasks, () => [v, update]), w),
      lossAndKl: async (t) => {
        const [loss, kl] = reduceScalars(await this.pool.map<number[]>('mamlLossKl', numTasks, () => [t, update]), w);
        return { loss, kl };
      },
    };
  }

  /** ProMP's objective mean_i ℓ_i and its gradient at θ, through the inner steps `update`. */
  async prompGradient(theta: Params, numTasks: number, update: UpdateSpec, options: PrompObjectiveOptions): Promise<ReducedGradient> {
    const flat = await flattenParams(theta);
    return reduceGradients(await this.pool.map<ReducedGradient>('prompGrad', numTasks, () => [flat, update, options]), meanWeights(numTasks));
  }

  /** Means over tasks of `[ℓ, surrogate, outerKl, ...innerKl_j]` at θ. */
  async prompTerms(theta: Params, numTasks: number, update: UpdateSpec, options: PrompObjectiveOptions): Promise<number[]> {
    const flat = await flattenParams(theta);
    return reduceScalars(await this.pool.map<number[]>('prompTerms', numTasks, () => [flat, update, options]), meanWeights(numTasks));
  }

  /** Keep every task's samples with θ's log-probs for PPO. @returns each task's rows. */
  ppoBegin(samples: readonly TaskSamples[]): Promise<number[]> {
    return this.pool.map<number>('ppoBegin', samples.length, (units) => [units.map((i) => samples[i])]);
  }

  /**
   * The PPO-clip loss over a minibatch and its gradient at θ (flat [P]): task i contributes its local rows
   * `rows[i]`; the loss is the mean over all of them.
   */
  async ppoGradient(theta: Float32Array, rows: readonly Int32Array[], clipEpsilon: number): Promise<ReducedGradient> {
    const answers = await this.pool.map<ReducedGradient | null>('ppoGrad', rows.length, (units) => [theta, units.map((i) => rows[i]), clipEpsilon]);
    const n = rows.reduce((s, r) => s + r.length, 0);
    const present = answers.flatMap((a) => (a ? [a] : []));
    return reduceGradients(present, present.map(() => 1 / n));
  }

  /** `[KL, clipFraction]` over all tasks' rows at θ (flat [P]); `counts` are the tasks' rows. */
  async ppoStats(theta: Float32Array, counts: readonly number[], clipEpsilon: number): Promise<number[]> {
    const total = counts.reduce((s, c) => s + c, 0);
    return reduceScalars(await this.pool.map<number[]>('ppoStats', counts.length, () => [theta, clipEpsilon]), counts.map((c) => c / total));
  }

  /** Free the tasks and end the worker threads (which take theirs with them). */
  close(): void {
    this.pool.close('clear');
  }
}
