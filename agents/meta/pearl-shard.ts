/**
 * One thread's share of a PEARL gradient step (pearl-update.ts), served through a LearnerPool
 * (agents/learner-pool.ts). A step's M tasks are cut into `gradientShards` groups of consecutive tasks (a rule of
 * the config, never of the thread count); for its group s of m_s tasks a thread computes, at the parameters it is
 * sent (plain arrays):
 * - critic: the group's posterior q(z|c) and z (reparameterised), its twin Q loss (mean over its m_s·B rows), its
 *   Σ_tasks KL and the gradient of w_s·L_Q + klLambda·KL w.r.t. Q1, Q2 and the encoder, w_s = m_s / M;
 * - actor: with z held constant and the just-updated critics, the V loss, the policy loss (rlkit's, with its
 *   regularisers) and the gradient of w_s·(L_V + L_π) w.r.t. π and V, and log π of its rows (for the temperature).
 * Every loss of the step is a mean over rows or a sum over tasks, so the step's gradient is the plain sum of the
 * groups' (the caller adds them in group order in float64): the numbers depend on `gradientShards`, never on the
 * number of threads, and one group is the whole batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SyncHandlers } from '../../envs/sync-channel.js';
import { mapUnits } from '../learner-pool.js';
import type { TransitionBatch } from '../replay-buffer.js';
import { disposeParams, tidyFlat, unflattenParams, type Params } from '../nets.js';
import { criticTarget, mse, policyLoss, stopGradient, twinCriticLoss, valueTarget, type PolicyRegWeights } from '../sac-losses.js';
import { flattenMlp, squashedGaussianSample } from '../sac-nets.js';
import { encoderPosterior, klToStandardNormal, sampleLatent } from './pearl-encoder.js';
import type { PearlDims } from './pearl-nets.js';

/** The parameter groups a shard is sent, each as a list of shapes. */
export interface PearlShapes {
  policy: number[][];
  qf1: number[][];
  qf2: number[][];
  vf: number[][];
  targetVf: number[][];
  encoder: number[][];
  /** [[1]] with a learned temperature, else []. */
  logAlpha: number[][];
}

/** What every thread needs once: sizes, parameter shapes and the loss settings. */
export interface PearlShardSpec extends PolicyRegWeights {
  dims: PearlDims;
  shapes: PearlShapes;
  discount: number;
  rewardScale: number;
  klLambda: number;
  useInformationBottleneck: boolean;
}

/** The data of one group of m tasks: m·B RL rows and m·N context rows (task-major), and the step's noise for them. */
export interface PearlShardArrays {
  /** Tasks m of the group, rows per task B (RL) and N (context). */
  tasks: number;
  batchSize: number;
  contextSize: number;
  /** RL transitions, m·B rows. */
  batch: TransitionBatch;
  /** Context rows [m*N*contextDim]. */
  context: Float32Array;
  /** Standard normal noise of z [m*L]. */
  zEps: Float32Array;
  /** Standard normal noise of the policy's actions [m*B*actDim]. */
  actionEps: Float32Array;
}

/** Parameter groups of a critic request, in order, and of an actor request. */
export const CRITIC_PARAMS = ['qf1', 'qf2', 'encoder', 'targetVf'] as const;
export const ACTOR_PARAMS = ['policy', 'vf', 'qf1', 'qf2', 'logAlpha'] as const;

/** Entries before z in a critic answer: twin Q loss, Σ KL, mean Q1 prediction, mean posterior variance. */
export const CRITIC_HEADER = 4;
/** Entries before log π in an actor answer: V loss, policy loss. */
export const ACTOR_HEADER = 2;

/** z [m, L] repeated over B rows per task -> [m*B, L] (a broadcast add: its gradient is a cheap sum). */
function repeatRows(z: tf.Tensor2D, rows: number): tf.Tensor2D {
  const [m, l] = z.shape;
  return tf.reshape(tf.add(tf.zeros([m, rows, l]), tf.reshape(z, [m, 1, l])), [m * rows, l]);
}

/** A scalar network output [N, 1] as [N]. */
function column(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(x, [-1]);
}

/** Split a flat parameter vector into named groups of tensors. */
function unflattenGroups<K extends keyof PearlShapes>(theta: Float32Array, shapes: PearlShapes, names: readonly K[]): Record<K, Params> {
  const all = unflattenParams(theta, names.flatMap((name) => shapes[name]));
  let offset = 0;
  return Object.fromEntries(names.map((name) => [name, all.slice(offset, (offset += shapes[name].length))])) as Record<K, Params>;
}

/** The gradients of `loss` w.r.t. `params` (zeros where it does not depend on one). */
function gradientsOf(loss: () => tf.Scalar, params: Params): tf.Tensor[] {
  const { grads } = tf.engine().gradients(loss, params, undefined, true);
  return grads.map((g, i) => g ?? tf.zerosLike(params[i]));
}

/** The per-thread state; {@link pearlShardHandlers} serves it. */
export class PearlShard {
  private spec: PearlShardSpec | undefined;

  configure(spec: PearlShardSpec): void {
    this.spec = spec;
  }

  /**
   * The critic part of a step on one group (see the file comment). @param theta Q1, Q2, encoder, V̄ flattened.
   * @param weight w_s = m_s / M. @returns `[L_Q, KL, mean Q1, mean σ², ...z (m·L), ...∇(Q1 ++ Q2 ++ encoder)]`.
   */
  critic(theta: Float32Array, x: PearlShardArrays, weight: number): Promise<Float32Array> {
    const s = this.ready();
    const { dims: d } = s;
    const rows = x.tasks * x.batchSize;
    return this.withParams(theta, CRITIC_PARAMS, (p) =>
      tidyFlat(() => {
        const obs = tf.tensor2d(x.batch.obs, [rows, d.obsDim]);
        const actions = tf.tensor2d(x.batch.actions, [rows, d.actDim]);
        const nextObs = tf.tensor2d(x.batch.nextObs, [rows, d.obsDim]);
        const context = tf.tensor2d(x.context, [x.tasks * x.contextSize, d.contextDim]);
        let stats: tf.Tensor[] = [];
        let z!: tf.Tensor2D;
        const trained = [...p.qf1, ...p.qf2, ...p.encoder];
        const grads = gradientsOf(() => {
          const posterior = encoderPosterior(p.encoder, context, x.tasks, d.latent, s.useInformationBottleneck);
          z = tf.keep(sampleLatent(posterior, tf.tensor2d(x.zEps, [x.tasks, d.latent])));
          const zRows = repeatRows(z, x.batchSize);
          const q1 = column(flattenMlp(p.qf1, [obs, actions, zRows]));
          const q2 = column(flattenMlp(p.qf2, [obs, actions, zRows]));
          const nextV = column(flattenMlp(p.targetVf, [nextObs, stopGradient(zRows) as tf.Tensor2D]));
          const qf = twinCriticLoss(q1, q2, criticTarget(tf.tensor1d(x.batch.rewards), tf.tensor1d(x.batch.terminals), nextV, s));
          const kl = s.useInformationBottleneck ? klToStandardNormal(posterior.mean, posterior.variance) : tf.scalar(0);
          stats = [qf, kl, tf.mean(q1), tf.mean(posterior.variance)].map((t) => tf.keep(tf.reshape(t, [1])));
          return tf.add(tf.mul(qf, weight), tf.mul(kl, s.klLambda));
        }, trained);
        return [...stats, z, ...grads];
      }),
    );
  }

  /**
   * The actor part of a step on one group, after the critic update (see the file comment). @param theta π, V, Q1,
   * Q2, log α flattened. @param z the group's z [m*L] from its critic part. @param weight w_s = m_s / M.
   * @returns `[L_V, L_π, ...log π (m·B), ...∇(π ++ V)]`.
   */
  actor(theta: Float32Array, x: PearlShardArrays, z: Float32Array, weight: number): Promise<Float32Array> {
    const s = this.ready();
    const { dims: d } = s;
    const rows = x.tasks * x.batchSize;
    return this.withParams(theta, ACTOR_PARAMS, (p) =>
      tidyFlat(() => {
        const obs = tf.tensor2d(x.batch.obs, [rows, d.obsDim]);
        const zRows = repeatRows(tf.tensor2d(z, [x.tasks, d.latent]), x.batchSize);
        const alpha = p.logAlpha.length > 0 ? (tf.exp(tf.reshape(p.logAlpha[0], [])) as tf.Scalar) : tf.scalar(1);
        let stats: tf.Tensor[] = [];
        const trained = [...p.policy, ...p.vf];
        const grads = gradientsOf(() => {
          const sample = squashedGaussianSample(p.policy, tf.concat([obs, zRows], 1), tf.tensor2d(x.actionEps, [rows, d.actDim]));
          const minQ = tf.minimum(column(flattenMlp(p.qf1, [obs, sample.actions, zRows])), column(flattenMlp(p.qf2, [obs, sample.actions, zRows]))) as tf.Tensor1D;
          const vPred = column(flattenMlp(p.vf, [obs, zRows]));
          const vf = mse(vPred, stopGradient(valueTarget(minQ, sample.logProb, alpha)));
          const pi = policyLoss(sample.logProb, minQ, alpha, sample.mean, sample.logStd, sample.preTanh, s);
          stats = [tf.reshape(vf, [1]), tf.reshape(pi, [1]), sample.logProb].map((t) => tf.keep(t));
          return tf.mul(tf.add(vf, pi), weight);
        }, trained);
        return [...stats, ...grads];
      }),
    );
  }

  private ready(): PearlShardSpec {
    if (!this.spec) throw new Error("PearlShard: call 'configure' first.");
    return this.spec;
  }

  private async withParams<K extends keyof PearlShapes, T>(theta: Float32Array, names: readonly K[], f: (p: Record<K, Params>) => Promise<T>): Promise<T> {
    const params = unflattenGroups(theta, this.ready().shapes, names);
    try {
      return await f(params);
    } finally {
      names.forEach((name) => disposeParams(params[name]));
    }
  }
}

/** The handlers of one thread's {@link PearlShard} (the factory a LearnerPool's workers call). */
export function pearlShardHandlers(): SyncHandlers {
  const shard = new PearlShard();
  return {
    configure: (spec: PearlShardSpec) => shard.configure(spec),
    critic: (units: number[], theta: Float32Array, parts: PearlShardArrays[], weights: number[]) =>
      mapUnits(units, (_u, k) => shard.critic(theta, parts[k], weights[k])),
    actor: (units: number[], theta: Float32Array, parts: PearlShardArrays[], zs: Float32Array[], weights: number[]) =>
      mapUnits(units, (_u, k) => shard.actor(theta, parts[k], zs[k], weights[k])),
  };
}
