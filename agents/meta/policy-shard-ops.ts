/**
 * The per-task requests a {@link PolicyShard} serves for the learners' meta-updates: MAML's TRPO pieces (loss and
 * gradient, Fisher-vector product, line-search loss and KL), ProMP's objective and its gradient, and the
 * multi-task baseline's PPO minibatch gradients. Each returns one result per task it is asked about (see
 * policy-shard.ts); θ travels as a flat Float32Array [P], `null` meaning the iteration's θ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../envs/rng.js';
import type { SyncHandlers } from '../../envs/sync-channel.js';
import { clipFraction, ppoClipLoss } from '../pg.js';
import { hessianVectorProduct, lossAndGradient } from '../trpo.js';
import { mapUnits } from '../learner-pool.js';
import { tidyFlat, type Params } from '../nets.js';
import { disposeTaskData, innerLoss, taskOuterKl, taskOuterLoss, taskOuterLossAndKl, type InnerUpdate, type MamlTaskData } from './maml-objective.js';
import { batchKl, disposeBatches, outerBatch, policyLogProb, type OuterBatch } from './policy-batch.js';
import { curvatureTask } from './policy-curvature.js';
import type { PolicyShard } from './policy-shard.js';
import { lvcLoss, prompLossFromTerms, taskPrompTerms, type PrompObjectiveOptions } from './promp-objective.js';
import type { TaskSamples } from './task-samples.js';

/** An {@link InnerUpdate} as plain data: its loss by name (`vpg`: MAML's VPG loss, `lvc`: ProMP's LVC loss). */
export type UpdateSpec = Omit<InnerUpdate, 'loss'> & { loss?: 'vpg' | 'lvc' };

/** The InnerUpdate an {@link UpdateSpec} names. */
export function toUpdate(spec: UpdateSpec): InnerUpdate {
  return { lr: spec.lr, firstOrder: spec.firstOrder, activation: spec.activation, loss: spec.loss === 'lvc' ? lvcLoss : innerLoss };
}

/** Scalars computed together, read after the tidy. */
async function scalars(f: () => tf.Scalar[]): Promise<number[]> {
  return Array.from(await tidyFlat(f));
}

/** How the Fisher-vector products subsample (TrpoOptions.subsampleFactor) and the seed of their rows. */
export interface CurvatureSpec {
  factor: number;
  seed: number;
  update: UpdateSpec;
}

/** MAML's TRPO requests (maml-objective.ts per task), as functions of φ (θ, or [θ, ρ] with a learned inner rule). */
function mamlOps(shard: PolicyShard): SyncHandlers {
  const onTask = <T>(f: (theta: Params, task: MamlTaskData, update: InnerUpdate) => T, meta: Params, task: MamlTaskData, spec: UpdateSpec): T => {
    const [theta, update] = shard.split(meta, spec);
    return f(theta, task, update);
  };
  return {
    /** Build each task's subsampled copy (none for factor 1); task i's rows are drawn from seed + i. */
    curvature: (units: number[], spec: CurvatureSpec) =>
      units.map((i) => {
        const task = shard.outerTask(i);
        if (task.curvature) disposeTaskData([task.curvature]);
        task.curvature = spec.factor < 1 ? curvatureTask(shard.theta, task, shard.update(spec.update), spec.factor, Rng.fromSeed(spec.seed + i)) : undefined;
        return null;
      }),
    /** L_i and ∇L_i at φ (θ [P], or [θ, ρ] with a learned inner rule). */
    mamlLossGrad: (units: number[], meta: Float32Array | null, spec: UpdateSpec) =>
      shard.withParams(meta, (ps) => mapUnits(units, (i) => lossAndGradient((p) => onTask(taskOuterLoss, p, shard.outerTask(i), spec), ps))),
    /** H_i v at the iteration's φ, H_i the Hessian of task i's KL (on its subsample, if any) w.r.t. φ. */
    mamlFvp: (units: number[], v: Float32Array, spec: UpdateSpec) =>
      mapUnits(units, (i) => {
        const task = shard.outerTask(i);
        return hessianVectorProduct((p) => onTask(taskOuterKl, p, task.curvature ?? task, spec), shard.meta)(v);
      }),
    /** `[L_i, KL_i]` at φ. */
    mamlLossKl: (units: number[], meta: Float32Array, spec: UpdateSpec) =>
      shard.withParams(meta, (ps) =>
        mapUnits(units, (i) => {
          const task = shard.outerTask(i);
          return scalars(() => onTask(taskOuterLossAndKl, ps, task, spec));
        }),
      ),
  };
}

/** ProMP's requests (promp-objective.ts per task; the tasks' inner batches carry their sampling policies). */
function prompOps(shard: PolicyShard): SyncHandlers {
  const task = (i: number) => ({ inner: shard.outerTask(i).inner as OuterBatch[], outer: shard.outerTask(i).outer });
  return {
    /** ℓ_i and ∇ℓ_i [P] at θ: task i's penalised objective through the inner steps `spec`. */
    prompGrad: (units: number[], theta: Float32Array | null, spec: UpdateSpec, options: PrompObjectiveOptions) =>
      shard.withParams(theta, (ps) => mapUnits(units, (i) => lossAndGradient((p) => prompLossFromTerms(taskPrompTerms(p, task(i), toUpdate(spec), options.clipEpsilon), options.klCoefs), ps))),
    /** `[ℓ_i, surrogate_i, outerKl_i, ...innerKl_ij]` at θ. */
    prompTerms: (units: number[], theta: Float32Array | null, spec: UpdateSpec, options: PrompObjectiveOptions) =>
      shard.withParams(theta, (ps) =>
        mapUnits(units, (i) =>
          scalars(() => {
            const terms = taskPrompTerms(ps, task(i), toUpdate(spec), options.clipEpsilon);
            return [prompLossFromTerms(terms, options.klCoefs), terms.surrogate, terms.outerKl, ...terms.innerKl];
          }),
        ),
      ),
  };
}

/** The multi-task baseline's PPO requests: task i's rows of a minibatch, weighted by their count. */
function ppoOps(shard: PolicyShard): SyncHandlers {
  const data = (i: number) => {
    const ppo = shard.tasks.get(i)?.ppo;
    if (!ppo) throw new Error(`PolicyShard: task ${i} has no PPO batch on this thread; call 'ppoBegin' first.`);
    return ppo;
  };
  return {
    /** Keep each task's samples with θ's log-probs (the old policy); @returns each task's rows. */
    ppoBegin: (units: number[], samples: TaskSamples[]) =>
      units.map((i, k) => {
        const task = shard.task(i);
        if (task.ppo) disposeBatches([task.ppo]);
        task.ppo = outerBatch(shard.theta, shard.batch(samples[k]), shard.shapes.activation);
        return samples[k].steps;
      }),
    /** n·ℓ and n·∇ℓ [P] of the PPO-clip loss ℓ over task i's `rows[k]` (n of them; null when n = 0). */
    ppoGrad: (units: number[], theta: Float32Array, rows: Int32Array[], clipEpsilon: number) =>
      shard.withParams(theta, (ps) =>
        mapUnits(units, async (i, k) => {
          if (rows[k].length === 0) return null;
          const index = tf.tensor1d(rows[k], 'int32');
          try {
            const b = data(i);
            const pick = <T extends tf.Tensor>(t: T): T => tf.gather(t, index) as T;
            return await lossAndGradient((p) => {
              const mb = { obs: pick(b.obs), actions: pick(b.actions), advantages: pick(b.advantages) };
              return tf.mul(ppoClipLoss(policyLogProb(p, mb, shard.shapes.activation), pick(b.logpOld), mb.advantages, { clipEpsilon }), rows[k].length);
            }, ps);
          } finally {
            index.dispose();
          }
        }),
      ),
    /** `[KL_i, clipFraction_i]` of task i's whole batch at θ (means over its rows). */
    ppoStats: (units: number[], theta: Float32Array, clipEpsilon: number) =>
      shard.withParams(theta, (ps) =>
        mapUnits(units, (i) => {
          const b = data(i);
          return scalars(() => [batchKl(ps, b, shard.shapes.activation), clipFraction(policyLogProb(ps, b, shard.shapes.activation), b.logpOld, clipEpsilon)]);
        }),
      ),
  };
}

/** Every request of this file, for one shard. */
export function policyShardOps(shard: PolicyShard): SyncHandlers {
  return { ...mamlOps(shard), ...prompOps(shard), ...ppoOps(shard) };
}
