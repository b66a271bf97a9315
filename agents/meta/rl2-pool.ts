/**
 * The calling thread's side of RL2's data-parallel PPO work: a {@link LearnerPool} of {@link Rl2Shard}s. A set of
 * trials (a minibatch, or the whole batch) is split into groups of whole trials by {@link trialGroups}, a rule of
 * the data alone (trials, padded length, `shardSteps`), never of the thread count; each group is one unit of
 * work, and the units' results are combined here in group order (gradients: weighted by their real steps, in
 * float64, then float32). The numbers therefore do not depend on the number of threads.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { siblingModule } from '../../envs/sync-worker.js';
import { blockSizes } from '../../envs/worker-vec.js';
import { LearnerPool, weightedSum, weightedTotal } from '../learner-pool.js';
import { flattenParams, paramShapes } from '../nets.js';
import { scatterTrials, type TrialBatch } from './rl2-batch.js';
import type { Rl2Evaluation, Rl2LossOptions } from './rl2-loss.js';
import { RL2_GRADIENT_HEADER, type Rl2ShardSpec, type Rl2Targets } from './rl2-shard.js';

/** The networks' variables, flattened as the shards read them: policy then value head. */
export interface Rl2Params {
  policy: tf.Variable[];
  value: tf.Variable[];
}

/**
 * The trials `cols` (in order) as ⌈T·|cols| / shardSteps⌉ groups (at most one per trial) of consecutive entries,
 * sizes differing by at most one, larger first. @param T the padded trial length.
 */
export function trialGroups(cols: readonly number[], T: number, shardSteps: number): number[][] {
  const count = Math.min(cols.length, Math.max(1, Math.ceil((T * cols.length) / shardSteps)));
  let first = 0;
  return blockSizes(cols.length, count).map((size) => cols.slice(first, (first += size)));
}

/** A minibatch's gradient [P] (policy then value head) and its loss parts, reduced over its groups. */
export interface Rl2Gradient {
  grad: Float32Array;
  /** policyLoss, valueLoss, entropy, clipFraction (means over the minibatch's real steps). */
  parts: number[];
}

/** See the file comment; create with {@link Rl2Pool.create}, {@link close} with the learner. */
export class Rl2Pool {
  private batch: TrialBatch | undefined;

  private constructor(
    private readonly pool: LearnerPool,
    private readonly shardSteps: number,
  ) {}

  /** A pool of `threads` threads for RL2 networks on `core` (a registered core's name and settings) with `params`' shapes. */
  static async create(threads: number, core: Rl2ShardSpec['core'], params: Rl2Params, shardSteps: number): Promise<Rl2Pool> {
    const pool = await LearnerPool.create({ module: siblingModule('rl2-shard', import.meta.url).href, factory: 'rl2ShardHandlers' }, threads);
    await pool.broadcast('configure', { core, policyShapes: paramShapes(params.policy), valueShapes: paramShapes(params.value) });
    return new Rl2Pool(pool, shardSteps);
  }

  /** Send the iteration's batch (inputs as the networks see them) to every thread. */
  setBatch(batch: TrialBatch): Promise<void> {
    this.batch = batch;
    return this.pool.broadcast('setBatch', batch);
  }

  /** Send the batch's PPO targets to every thread. */
  setTargets(targets: Rl2Targets): Promise<void> {
    return this.pool.broadcast('setTargets', targets);
  }

  /** Policy and values of every step of the batch under `params`, time-major [T*B] (means [T*B*A]). */
  async evaluate(params: Rl2Params): Promise<Rl2Evaluation> {
    const batch = this.current();
    const { T, B, actDim } = batch;
    const groups = trialGroups(Array.from({ length: B }, (_, b) => b), T, this.shardSteps);
    const theta = await flatten(params);
    const parts = await this.pool.map<Rl2Evaluation>('evaluate', groups.length, () => [theta, groups]);
    const out: Rl2Evaluation = { logp: new Float32Array(T * B), values: new Float32Array(T * B), mean: new Float32Array(T * B * actDim), logStd: parts[0].logStd };
    parts.forEach((p, u) => {
      scatterTrials(out.logp, p.logp, T, B, 1, groups[u]);
      scatterTrials(out.values, p.values, T, B, 1, groups[u]);
      scatterTrials(out.mean, p.mean, T, B, actDim, groups[u]);
    });
    return out;
  }

  /** The PPO loss over the trials `cols` and its gradient at `params`: each group's, weighted by its real steps. */
  async gradient(params: Rl2Params, cols: readonly number[], opts: Rl2LossOptions): Promise<Rl2Gradient> {
    const groups = trialGroups(cols, this.current().T, this.shardSteps);
    const theta = await flatten(params);
    const answers = await this.pool.map<Float32Array>('gradient', groups.length, () => [theta, groups, opts]);
    const real = answers.map((a) => a[RL2_GRADIENT_HEADER - 1]);
    const total = real.reduce((s, n) => s + n, 0);
    const weights = real.map((n) => n / total);
    const parts = [0, 1, 2, 3].map((k) => weightedTotal(answers.map((a) => a[k]), weights));
    return { grad: weightedSum(answers.map((a) => a.subarray(RL2_GRADIENT_HEADER)), weights), parts };
  }

  /** End the worker threads. */
  close(): void {
    this.pool.close();
  }

  private current(): TrialBatch {
    if (!this.batch) throw new Error('Rl2Pool: no batch; call setBatch first.');
    return this.batch;
  }
}

function flatten(params: Rl2Params): Promise<Float32Array> {
  return flattenParams([...params.policy, ...params.value]);
}
