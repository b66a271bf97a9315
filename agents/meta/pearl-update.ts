/**
 * One PEARL gradient step (katerakelly/oyster rlkit/torch/sac/sac.py `_take_step`) on M tasks with B RL
 * transitions and N context transitions each, data-parallel over the groups of tasks of pearl-shard.ts:
 * 1. q(z|c) from each task's context, z ~ q by reparameterisation (one z per task, repeated over its B rows);
 * 2. critic and encoder: ∇ of kl_lambda·Σ_tasks KL(q ‖ N(0, I)) + twin Q loss with targets
 *    reward_scale·r + (1 − d)·γ·V̄(s', z) (V̄ and z held constant there) w.r.t. Q1, Q2 and the encoder: the encoder
 *    learns from the critic and the KL only; Adam steps on Q1+Q2 and the encoder;
 * 3. value and policy, with z held constant (detached, as the code does) and the just-updated critics:
 *    ã ~ π(·|s, z), V loss mean((V(s, z) − [min Q(s, ã, z) − α log π(ã|s, z)])²), policy loss
 *    mean(α log π − min Q) + regularisers; Adam steps on V and π, then V̄ ← (1 − τ)V̄ + τV;
 * 4. with `learnEntropy`, one Adam step on log α (from every row's log π).
 * Steps 2 and 3 run on the pool's threads, one group of tasks per unit; this thread adds the groups' gradients in
 * group order in float64 and applies the updates to the variables it owns. All randomness (batch rows, z noise,
 * action noise) comes in with the arrays, drawn by the caller from its seeded stream, so a step is a deterministic
 * function of (state, arrays, gradientShards).
 */
import * as tf from '@tensorflow/tfjs-core';
import { siblingModule } from '../../envs/sync-worker.js';
import { blockSizes } from '../../envs/worker-vec.js';
import { LearnerPool, weightedSum } from '../learner-pool.js';
import { flattenParams, paramShapes, unflattenParams } from '../nets.js';
import { tidyRead } from '../tensor-read.js';
import { concatArrays } from '../../envs/typed-arrays.js';
import { temperatureLoss } from '../sac-losses.js';
import { softUpdate } from '../sac-nets.js';
import type { Adam } from './adam.js';
import type { PearlDims, PearlNets, PearlOptimizers } from './pearl-nets.js';
import type { PearlConfig } from './pearl-options.js';
import { ACTOR_HEADER, ACTOR_PARAMS, CRITIC_HEADER, CRITIC_PARAMS, type PearlShapes, type PearlShardArrays, type PearlShardSpec } from './pearl-shard.js';

/** The data of one step: M tasks (task-major rows) and the step's noise (see {@link PearlShardArrays}). */
export type PearlStepArrays = PearlShardArrays;

/** Names of {@link PearlUpdater.step}'s statistics. */
export const STEP_STATS = ['qf', 'vf', 'policy', 'kl', 'logPi', 'alpha', 'qPred', 'zVariance'] as const;
export type PearlStepStats = Record<(typeof STEP_STATS)[number], number>;

/**
 * The tasks [0, M) as `shards` groups of consecutive tasks (sizes differing by at most one, larger first; at most
 * M groups): the units of a step.
 */
export function taskGroups(tasks: number, shards: number): { first: number; count: number }[] {
  let first = 0;
  return blockSizes(tasks, Math.min(tasks, shards)).map((count) => ({ first: (first += count) - count, count }));
}

/** Rows [first, first + count) of a task-major array with `width` floats per task. */
function taskSlice(a: Float32Array, first: number, count: number, width: number): Float32Array {
  return a.slice(first * width, (first + count) * width);
}

/** The arrays of tasks [first, first + count) of a step. */
function sliceTasks(x: PearlStepArrays, d: PearlDims, first: number, count: number): PearlShardArrays {
  const b = x.batchSize;
  const rows = (a: Float32Array, width: number) => taskSlice(a, first, count, b * width);
  return {
    tasks: count,
    batchSize: b,
    contextSize: x.contextSize,
    batch: { obs: rows(x.batch.obs, d.obsDim), actions: rows(x.batch.actions, d.actDim), rewards: rows(x.batch.rewards, 1), nextObs: rows(x.batch.nextObs, d.obsDim), terminals: rows(x.batch.terminals, 1) },
    context: taskSlice(x.context, first, count, x.contextSize * d.contextDim),
    zEps: taskSlice(x.zEps, first, count, d.latent),
    actionEps: rows(x.actionEps, d.actDim),
  };
}

/** Σ of the groups' gradients, in group order in float64 (then float32). */
function sumInGroupOrder(parts: Float32Array[]): Float32Array {
  return weightedSum(parts, parts.map(() => 1));
}

/** Entries of all of `vars`. */
function sizeOf(vars: readonly tf.Variable[]): number {
  return vars.reduce((n, v) => n + v.size, 0);
}

/** Apply a flat gradient [Σ sizes of `vars`] to `vars` with `optimizer`. */
function applyFlat(optimizer: Adam, vars: tf.Variable[], flat: Float32Array): void {
  const grads = unflattenParams(flat, paramShapes(vars));
  try {
    optimizer.step(vars, grads);
  } finally {
    tf.dispose(grads);
  }
}

/** What every learner thread needs to serve `nets`' gradient steps under `c` (shapes, sizes, loss settings). */
export function shardSpec(nets: PearlNets, d: PearlDims, c: PearlConfig): PearlShardSpec {
  const shapes = Object.fromEntries(Object.entries(nets).map(([name, vars]) => [name, paramShapes(vars as tf.Variable[])])) as unknown as PearlShapes;
  const { discount, rewardScale, klLambda, useInformationBottleneck, policyMeanRegWeight, policyStdRegWeight, policyPreActivationWeight } = c;
  return { dims: d, shapes, discount, rewardScale, klLambda, useInformationBottleneck, policyMeanRegWeight, policyStdRegWeight, policyPreActivationWeight };
}

/** PEARL's gradient steps on a pool of `learnerThreads` threads; see the file comment. Create with {@link create}. */
export class PearlUpdater {
  private constructor(
    private readonly pool: LearnerPool,
    private readonly nets: PearlNets,
    private readonly optimizers: PearlOptimizers,
    private readonly dims: PearlDims,
    private readonly config: PearlConfig,
  ) {}

  /**
   * An updater of `nets` (updated in place, with `optimizers`) on `config.learnerThreads` threads (at most
   * `gradientShards`: a step has no more units).
   */
  static async create(nets: PearlNets, optimizers: PearlOptimizers, dims: PearlDims, config: PearlConfig): Promise<PearlUpdater> {
    const pool = await LearnerPool.create({ module: siblingModule('pearl-shard', import.meta.url).href, factory: 'pearlShardHandlers' }, Math.min(config.learnerThreads, config.gradientShards));
    await pool.broadcast('configure', shardSpec(nets, dims, config));
    return new PearlUpdater(pool, nets, optimizers, dims, config);
  }

  /**
   * One gradient step on the tasks of `x`. @param withStats return the step's losses (the trainer asks for the
   * last step of an iteration only). @returns the statistics when asked, else undefined.
   */
  async step(x: PearlStepArrays, withStats: boolean): Promise<PearlStepStats | undefined> {
    const groups = taskGroups(x.tasks, this.config.gradientShards);
    const parts = groups.map((g) => sliceTasks(x, this.dims, g.first, g.count));
    const weights = groups.map((g) => g.count / x.tasks);
    const critic = await this.criticStep(parts, weights);
    const actor = await this.actorStep(parts, weights, critic.zs);
    const alpha = await this.temperatureStep(actor.logPi);
    if (!withStats) return undefined;
    const total = (answers: Float32Array[], k: number, w: readonly number[] = weights) => answers.reduce((s, a, u) => s + w[u] * a[k], 0);
    return {
      qf: total(critic.answers, 0),
      kl: total(critic.answers, 1, weights.map(() => 1)),
      qPred: total(critic.answers, 2),
      zVariance: total(critic.answers, 3),
      vf: total(actor.answers, 0),
      policy: total(actor.answers, 1),
      logPi: (await tidyRead(() => [tf.mean(tf.tensor1d(actor.logPi))]))[0][0],
      alpha,
    };
  }

  /** The critic part on every group, then the Adam steps of Q1+Q2 and the encoder. @returns the answers and each group's z. */
  private async criticStep(parts: PearlShardArrays[], weights: number[]): Promise<{ answers: Float32Array[]; zs: Float32Array[] }> {
    const { nets, optimizers } = this;
    const answers = await this.map('critic', CRITIC_PARAMS, parts, weights);
    const zs = parts.map((p, u) => answers[u].slice(CRITIC_HEADER, CRITIC_HEADER + p.tasks * this.dims.latent));
    const grad = sumInGroupOrder(answers.map((a, u) => a.subarray(CRITIC_HEADER + zs[u].length)));
    const qf = [...nets.qf1, ...nets.qf2];
    const qfSize = sizeOf(qf);
    applyFlat(optimizers.qf, qf, grad.subarray(0, qfSize));
    applyFlat(optimizers.context, nets.encoder, grad.subarray(qfSize));
    return { answers, zs };
  }

  /** The actor part on every group, then the Adam step of V, V̄'s soft update and π's Adam step. @returns the answers and log π of every row. */
  private async actorStep(parts: PearlShardArrays[], weights: number[], zs: Float32Array[]): Promise<{ answers: Float32Array[]; logPi: Float32Array }> {
    const { nets, optimizers } = this;
    const answers = await this.map('actor', ACTOR_PARAMS, parts, weights, zs);
    const rows = parts.map((p) => p.tasks * p.batchSize);
    const grad = sumInGroupOrder(answers.map((a, u) => a.subarray(ACTOR_HEADER + rows[u])));
    const policySize = sizeOf(nets.policy);
    applyFlat(optimizers.vf, nets.vf, grad.subarray(policySize));
    softUpdate(nets.targetVf, nets.vf, this.config.softTargetTau);
    applyFlat(optimizers.policy, nets.policy, grad.subarray(0, policySize));
    return { answers, logPi: concatArrays(answers.map((a, u) => a.subarray(ACTOR_HEADER, ACTOR_HEADER + rows[u])), Float32Array) };
  }

  /** End the pool's worker threads. */
  close(): void {
    this.pool.close();
  }

  /** Run a shard method on every group with the current values of the parameter groups `names`. */
  private async map(method: 'critic' | 'actor', names: readonly (keyof PearlNets)[], parts: PearlShardArrays[], weights: number[], zs?: Float32Array[]): Promise<Float32Array[]> {
    const theta = await flattenParams(names.flatMap((name) => this.nets[name]));
    return this.pool.map<Float32Array>(method, parts.length, (units) => [
      theta,
      units.map((u) => parts[u]),
      ...(zs ? [units.map((u) => zs[u])] : []),
      units.map((u) => weights[u]),
    ]);
  }

  /** With a learned temperature, one Adam step on log α from the step's log π [M·B]. @returns α before the step. */
  private async temperatureStep(logPi: Float32Array): Promise<number> {
    const { nets, optimizers } = this;
    if (!optimizers.alpha) return 1;
    const alpha = (await tidyRead(() => [tf.exp(nets.logAlpha[0])]))[0][0];
    const target = this.config.targetEntropy ?? -this.dims.actDim;
    const { value, grads } = tf.variableGrads(() => temperatureLoss(nets.logAlpha[0], tf.tensor1d(logPi), target), nets.logAlpha);
    try {
      optimizers.alpha.step(nets.logAlpha, nets.logAlpha.map((v) => grads[v.name]));
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
    return alpha;
  }
}
