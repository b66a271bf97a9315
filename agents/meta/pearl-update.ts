/**
 * One PEARL gradient step (katerakelly/oyster rlkit/torch/sac/sac.py `_take_step`) on M tasks with B RL
 * transitions and N context transitions each:
 * 1. q(z|c) from each task's context, z ~ q by reparameterisation (one z per task, repeated over its B rows);
 * 2. critic and encoder: ∇ of kl_lambda·Σ_tasks KL(q ‖ N(0, I)) + twin Q loss with targets
 *    reward_scale·r + (1 − d)·γ·V̄(s', z) (V̄ and z held constant there) w.r.t. Q1, Q2 and the encoder: the encoder
 *    learns from the critic and the KL only; Adam steps on Q1+Q2 and the encoder;
 * 3. value and policy, with z held constant (detached, as the code does) and the just-updated critics:
 *    ã ~ π(·|s, z), V loss mean((V(s, z) − [min Q(s, ã, z) − α log π(ã|s, z)])²), policy loss
 *    mean(α log π − min Q) + regularisers; Adam steps on V and π, then V̄ ← (1 − τ)V̄ + τV;
 * 4. with `learnEntropy`, one Adam step on log α.
 * All randomness (batch rows, z noise, action noise) comes in with the arrays, drawn by the caller from its seeded
 * stream, so a step is a deterministic function of (state, arrays).
 */
import * as tf from '@tensorflow/tfjs-core';
import { criticTarget, mse, policyLoss, stopGradient, temperatureLoss, twinCriticLoss, valueTarget } from '../sac-losses.js';
import { flattenMlp, softUpdate, squashedGaussianSample } from '../sac-nets.js';
import type { TransitionBatch } from '../replay-buffer.js';
import type { Adam } from './adam.js';
import { encoderPosterior, klToStandardNormal, sampleLatent } from './pearl-encoder.js';
import type { PearlDims, PearlNets, PearlOptimizers } from './pearl-nets.js';
import type { PearlConfig } from './pearl-options.js';
import { readFloat32s } from '../tensor-read.js';

/** The data of one step: M·B RL rows (task-major), M·N context rows, and the step's noise. */
export interface PearlStepArrays {
  /** Tasks M and rows per task B (RL) and N (context). */
  tasks: number;
  batchSize: number;
  contextSize: number;
  /** RL transitions, M·B rows. */
  batch: TransitionBatch;
  /** Context rows [M*N*contextDim]. */
  context: Float32Array;
  /** Standard normal noise of z [M*L]. */
  zEps: Float32Array;
  /** Standard normal noise of the policy's actions [M*B*actDim]. */
  actionEps: Float32Array;
}

/** Names of {@link pearlGradientStep}'s statistics, in order. */
export const STEP_STATS = ['qf', 'vf', 'policy', 'kl', 'logPi', 'alpha', 'qPred', 'zVariance'] as const;
export type PearlStepStats = Record<(typeof STEP_STATS)[number], number>;

/** z [M, L] repeated over B rows per task -> [M*B, L] (a broadcast add: its gradient is a cheap sum). */
function repeatRows(z: tf.Tensor2D, rows: number): tf.Tensor2D {
  const [m, l] = z.shape;
  return tf.reshape(tf.add(tf.zeros([m, rows, l]), tf.reshape(z, [m, 1, l])), [m * rows, l]);
}

/** A scalar network output [N, 1] as [N]. */
function column(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(x, [-1]);
}

/** Apply gradients keyed by variable name to `vars` with `optimizer`. */
function applyGrads(optimizer: Adam, vars: tf.Variable[], grads: tf.NamedTensorMap): void {
  optimizer.step(vars, vars.map((v) => grads[v.name] ?? tf.zerosLike(v)));
}

/**
 * One gradient step on `nets` (updated in place, with their optimizers).
 * @param withStats read the step's losses back (an asynchronous read; the trainer asks for the last step only).
 * @returns the statistics when asked, else undefined.
 */
export async function pearlGradientStep(nets: PearlNets, optimizers: PearlOptimizers, x: PearlStepArrays, d: PearlDims, c: PearlConfig, withStats: boolean): Promise<PearlStepStats | undefined> {
  const { tasks: m, batchSize: b, contextSize: n } = x;
  const rows = m * b;
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(tf.keep(t));
    return t;
  };
  const statsTensor = tf.tidy(() => {
    const obs = tf.tensor2d(x.batch.obs, [rows, d.obsDim]);
    const actions = tf.tensor2d(x.batch.actions, [rows, d.actDim]);
    const nextObs = tf.tensor2d(x.batch.nextObs, [rows, d.obsDim]);
    const rewards = tf.tensor1d(x.batch.rewards);
    const terminals = tf.tensor1d(x.batch.terminals);
    const context = tf.tensor2d(x.context, [m * n, d.contextDim]);
    let z!: tf.Tensor2D, qf!: tf.Scalar, kl!: tf.Scalar, qPred!: tf.Scalar, zVariance!: tf.Scalar;
    const critic = tf.variableGrads(() => {
      const posterior = encoderPosterior(nets.encoder, context, m, d.latent, c.useInformationBottleneck);
      z = keep(sampleLatent(posterior, tf.tensor2d(x.zEps, [m, d.latent])));
      zVariance = keep(tf.mean(posterior.variance));
      const zRows = repeatRows(z, b);
      const q1 = column(flattenMlp(nets.qf1, [obs, actions, zRows]));
      const q2 = column(flattenMlp(nets.qf2, [obs, actions, zRows]));
      const nextV = column(flattenMlp(nets.targetVf, [nextObs, stopGradient(zRows) as tf.Tensor2D]));
      qf = keep(twinCriticLoss(q1, q2, criticTarget(rewards, terminals, nextV, c)));
      qPred = keep(tf.mean(q1));
      kl = keep(c.useInformationBottleneck ? klToStandardNormal(posterior.mean, posterior.variance) : tf.scalar(0));
      return tf.add(qf, tf.mul(kl, c.klLambda));
    }, [...nets.qf1, ...nets.qf2, ...nets.encoder]);
    applyGrads(optimizers.qf, [...nets.qf1, ...nets.qf2], critic.grads);
    applyGrads(optimizers.context, nets.encoder, critic.grads);

    const alpha = c.learnEntropy ? (tf.exp(tf.reshape(nets.logAlpha[0], [])) as tf.Scalar) : tf.scalar(1);
    const zRows = repeatRows(z, b);
    let vf!: tf.Scalar, pi!: tf.Scalar, logPi!: tf.Tensor1D;
    const actor = tf.variableGrads(() => {
      const sample = squashedGaussianSample(nets.policy, tf.concat([obs, zRows], 1), tf.tensor2d(x.actionEps, [rows, d.actDim]));
      const minQ = tf.minimum(column(flattenMlp(nets.qf1, [obs, sample.actions, zRows])), column(flattenMlp(nets.qf2, [obs, sample.actions, zRows]))) as tf.Tensor1D;
      const vPred = column(flattenMlp(nets.vf, [obs, zRows]));
      vf = keep(mse(vPred, stopGradient(valueTarget(minQ, sample.logProb, alpha))));
      pi = keep(policyLoss(sample.logProb, minQ, alpha, sample.mean, sample.logStd, sample.preTanh, c));
      logPi = keep(sample.logProb);
      return tf.add(vf, pi);
    }, [...nets.policy, ...nets.vf]);
    applyGrads(optimizers.vf, nets.vf, actor.grads);
    softUpdate(nets.targetVf, nets.vf, c.softTargetTau);
    applyGrads(optimizers.policy, nets.policy, actor.grads);
    if (optimizers.alpha) {
      const temperature = tf.variableGrads(() => temperatureLoss(nets.logAlpha[0], logPi, c.targetEntropy ?? -d.actDim), nets.logAlpha);
      applyGrads(optimizers.alpha, nets.logAlpha, temperature.grads);
    }
    return withStats ? tf.stack([qf, vf, pi, kl, tf.mean(logPi), alpha, qPred, zVariance]) : undefined;
  });
  kept.forEach((t) => t.dispose());
  if (!statsTensor) return undefined;
  const [values] = await readFloat32s([statsTensor]);
  statsTensor.dispose();
  return Object.fromEntries(STEP_STATS.map((name, i) => [name, values[i]])) as PearlStepStats;
}
