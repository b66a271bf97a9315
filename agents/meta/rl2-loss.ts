/**
 * RL2 networks and loss: the recurrent Gaussian policy (`recurrentPolicyInit` layout on a {@link RecurrentCore})
 * plus a linear value head on the core's features (and the time left in the episode and the trial), unrolled over whole trials
 * (backprop through the full trial), and the PPO-clip loss of a padded trial minibatch.
 *
 * Why a value head on the core's features rather than a separate value network: the task is hidden, so the value
 * of a state depends on what the trial has revealed so far; the core's state is exactly that belief. A separate
 * feed-forward value net on the observation cannot see it, and a second core would double the unroll cost.
 * The value loss therefore also shapes the shared core (weighted by `valueCoef`).
 *
 * Tensor functions are pure (no `tf.tidy` inside except in {@link rl2Evaluate}); callers tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/rng.js';
import { mlpForward, mlpInit, type Params } from '../nets.js';
import { gaussianEntropy, gaussianLogProb, recurrentCoreParams, recurrentUnroll } from '../policies.js';
import type { RecurrentCore } from '../recurrent-core.js';
import { clipFraction, ppoClipLoss } from '../pg.js';
import { tidyRead } from '../tensor-read.js';
import { TIME_INPUTS } from './rl2-batch.js';

/**
 * Initialise the value head `[wV: [F + 2, 1], bV: [1]]` (small weights, zero bias). Its input is the core's
 * F = `featureDim` features plus the time left in the episode and in the trial (rl2-batch.ts `trialTimes`).
 */
export function valueHeadInit(rng: Rng, featureDim: number): Params {
  return mlpInit(rng, [featureDim + TIME_INPUTS, 1], { outputGain: 0.1 });
}

/** Outputs of one unroll over a trial batch, flattened time-major (row t*B + b). */
export interface Rl2Outputs {
  /** log π(action | history) [T*B]. */
  logp: tf.Tensor1D;
  /** Value estimates [T*B]. */
  values: tf.Tensor1D;
  /** Policy log standard deviation [A]. */
  logStd: tf.Tensor1D;
  /** Action means [T*B, A]. */
  mean: tf.Tensor2D;
}

/**
 * Unroll policy and value head over trials from a zero core state.
 * @param core the core `policy` is laid out for. @param xs RL2 inputs [T, B, in]. @param actions [T, B, A].
 * @param times the value head's time inputs [T*B, 2] (time left in the episode and in the trial).
 */
export function rl2Forward(core: RecurrentCore, policy: Params, valueHead: Params, xs: tf.Tensor3D, actions: tf.Tensor3D, times: tf.Tensor2D): Rl2Outputs {
  const [T, B] = xs.shape;
  const A = actions.shape[2];
  const s0 = tf.zeros([B, core.stateSize(recurrentCoreParams(policy))]) as tf.Tensor2D;
  const out = recurrentUnroll(core, policy, xs, s0);
  const flatMean = tf.reshape(out.mean, [T * B, A]) as tf.Tensor2D;
  const logp = gaussianLogProb(flatMean, out.logStd, tf.reshape(actions, [T * B, A]));
  const features = tf.concat([tf.reshape(out.features, [T * B, -1]), times], 1) as tf.Tensor2D;
  const values = tf.reshape(mlpForward(valueHead, features), [T * B]) as tf.Tensor1D;
  return { logp, values, logStd: out.logStd, mean: flatMean };
}

/** {@link rl2Evaluate}'s read-back: the policy and value of every step of a batch, time-major. */
export interface Rl2Evaluation {
  /** log π(action | history) [T*B]. */
  logp: Float32Array;
  /** V [T*B]. */
  values: Float32Array;
  /** Action means [T*B*A]. */
  mean: Float32Array;
  /** Log standard deviation [A]. */
  logStd: Float32Array;
}

/**
 * Policy and values under the current params, read back: the "old" policy of a PPO update, the values GAE
 * needs, and the distributions for the KL diagnostic.
 * @param xs [T*B*in]. @param actions [T*B*A]. @param times [T*B*2] (see {@link rl2Forward}).
 */
export async function rl2Evaluate(core: RecurrentCore, policy: Params, valueHead: Params, xs: Float32Array, actions: Float32Array, times: Float32Array, T: number, B: number): Promise<Rl2Evaluation> {
  const A = actions.length / (T * B);
  const [logp, values, mean, logStd] = await tidyRead(() => {
    const out = rl2Forward(core, policy, valueHead, tf.tensor3d(xs, [T, B, xs.length / (T * B)]), tf.tensor3d(actions, [T, B, A]), tf.tensor2d(times, [T * B, TIME_INPUTS]));
    return [out.logp, out.values, out.mean, tf.clone(out.logStd)];
  });
  return { logp, values, mean, logStd };
}

/** One trial minibatch as tensors, time-major and flattened where noted. */
export interface Rl2MinibatchTensors {
  /** Inputs [T, b, in]. */
  xs: tf.Tensor3D;
  /** Actions [T, b, A]. */
  actions: tf.Tensor3D;
  /** The value head's time inputs [T*b, 2]. */
  times: tf.Tensor2D;
  /** 1 on real steps, 0 on padding, [T*b]. */
  mask: tf.Tensor1D;
  /** Old log-probabilities [T*b]. */
  logpOld: tf.Tensor1D;
  /** Normalised advantages [T*b] (0 on padding). */
  adv: tf.Tensor1D;
  /** Value targets [T*b]. */
  targets: tf.Tensor1D;
}

/** Loss weights of {@link rl2Loss}. */
export interface Rl2LossOptions {
  clipEpsilon: number;
  valueCoef: number;
  entropyCoef: number;
}

/** The scalar loss and its parts. */
export interface Rl2LossParts {
  loss: tf.Scalar;
  policyLoss: tf.Scalar;
  valueLoss: tf.Scalar;
  entropy: tf.Scalar;
  clipFrac: tf.Scalar;
}

/**
 * PPO-clip over a padded trial minibatch: policyLoss + valueCoef·valueLoss − entropyCoef·entropy, every mean
 * taken over real steps only. Padding is neutral: its log-ratio is masked to 0 (ratio 1) and its advantage is 0,
 * so it adds 0 to the clip objective, whose mean over all T*b rows is rescaled to a mean over real rows.
 */
export function rl2Loss(core: RecurrentCore, policy: Params, valueHead: Params, mb: Rl2MinibatchTensors, opts: Rl2LossOptions): Rl2LossParts {
  const out = rl2Forward(core, policy, valueHead, mb.xs, mb.actions, mb.times);
  const logp = tf.mul(out.logp, mb.mask);
  const logpOld = tf.mul(mb.logpOld, mb.mask);
  const nReal = tf.sum(mb.mask);
  const scale = tf.div(mb.mask.shape[0], nReal);
  const policyLoss = tf.mul(ppoClipLoss(logp, logpOld, mb.adv, { clipEpsilon: opts.clipEpsilon }), scale) as tf.Scalar;
  const valueLoss = tf.div(tf.sum(tf.mul(tf.squaredDifference(out.values, mb.targets), mb.mask)), nReal) as tf.Scalar;
  const entropy = gaussianEntropy(out.logStd);
  const loss = tf.sub(tf.add(policyLoss, tf.mul(opts.valueCoef, valueLoss)), tf.mul(opts.entropyCoef, entropy)) as tf.Scalar;
  const clipFrac = tf.mul(clipFraction(logp, logpOld, opts.clipEpsilon), scale) as tf.Scalar;
  return { loss, policyLoss, valueLoss, entropy, clipFrac };
}
