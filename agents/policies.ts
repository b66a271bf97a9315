/**
 * Policies over functional networks ({@link Params} lists, see nets.ts):
 * - a diagonal-Gaussian MLP policy (VPG/TRPO/PPO/MAML): params `[...mlp, logStd]`;
 * - a recurrent policy as RL2 uses it: input concat(obs, previous action, previous reward, done flag), a
 *   {@link RecurrentCore} (GRU by default), linear head from the core's features to the mean; params
 *   `[...core, wOut, bOut, logStd]`.
 *
 * Tensor functions are pure (callers wrap in `tf.tidy`). Acting functions take and return batched
 * Float32Arrays and draw their noise from an explicit seeded {@link Rng} on the JS side.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/rng.js';
import { mlpForward, mlpInit, type Activation, type InitOptions, type Params } from './nets.js';
import { addNoise, type GaussianArrays } from './gaussian-block-policy.js';
import { mlpArrays, mlpForwardArrays, snapshotParams } from './mlp-arrays.js';
import type { RecurrentCore } from './recurrent-core.js';
import { tidyRead } from './tensor-read.js';

export type { GaussianArrays } from './gaussian-block-policy.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** How to act: sample with the given stream, or take the mean (deterministic mode). */
export type ActionNoise = Rng | 'mean';

/** Batched actions and what PPO/TRPO need about them. */
export interface GaussianAction {
  /** Actions [B*A] (not clipped: envs clip to their bounds). */
  actions: Float32Array;
  /** Policy means [B*A]. */
  mean: Float32Array;
  /** log π(action | obs) [B] (at the mean in deterministic mode). */
  logProb: Float32Array;
}

/** Options for {@link gaussianPolicyInit}. */
export interface GaussianPolicyOptions {
  /** Hidden layer sizes (default [64, 64]). */
  hidden?: number[];
  /** Initial log standard deviation of every action dimension (default 0). */
  initLogStd?: number;
  /** Weight init; the mean head's `outputGain` defaults to 0.01 (near-zero initial means). */
  init?: InitOptions;
}

/**
 * Initialise a diagonal-Gaussian MLP policy.
 * @returns `[W0, b0, ..., Wk, bk, logStd]`, the MLP mapping [B, obsDim] -> [B, actDim] and `logStd: [actDim]`.
 */
export function gaussianPolicyInit(rng: Rng, obsDim: number, actDim: number, opts: GaussianPolicyOptions = {}): Params {
  const init = { outputGain: 0.01, ...opts.init };
  const mlp = mlpInit(rng, [obsDim, ...(opts.hidden ?? [64, 64]), actDim], init);
  return [...mlp, tf.fill([actDim], opts.initLogStd ?? 0)];
}

/**
 * The policy's distribution at `obs`.
 * @param params `[...mlp, logStd]` from {@link gaussianPolicyInit}.
 * @param obs observations [B, obsDim].
 * @returns `mean: [B, A]`, `logStd: [A]` (the params' own tensor, shared by all rows).
 */
export function gaussianDistParams(params: Params, obs: tf.Tensor2D, activation: Activation = 'tanh'): { mean: tf.Tensor2D; logStd: tf.Tensor1D } {
  const mean = mlpForward(params.slice(0, -1), obs, activation);
  return { mean, logStd: params[params.length - 1] as tf.Tensor1D };
}

/**
 * log N(actions; mean, diag(exp(logStd))²), summed over action dimensions.
 * @param mean [B, A]. @param logStd [A] (or [B, A]). @param actions [B, A].
 * @returns [B].
 */
export function gaussianLogProb(mean: tf.Tensor, logStd: tf.Tensor, actions: tf.Tensor): tf.Tensor1D {
  const actDim = mean.shape[mean.shape.length - 1];
  const z = tf.div(tf.sub(actions, mean), tf.exp(logStd));
  const perDim = tf.add(tf.mul(tf.square(z), 0.5), logStd);
  return tf.sub(tf.neg(tf.sum(perDim, -1)), 0.5 * actDim * LOG_2PI) as tf.Tensor1D;
}

/**
 * KL(old ‖ new) between diagonal Gaussians, closed form, summed over dimensions:
 * Σ log(σn/σo) + (σo² + (μo − μn)²) / (2σn²) − ½.
 * @param oldMean [B, A]. @param oldLogStd [A]. @param mean [B, A]. @param logStd [A].
 * @returns [B].
 */
export function gaussianKL(oldMean: tf.Tensor, oldLogStd: tf.Tensor, mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor1D {
  const varRatio = tf.exp(tf.mul(tf.sub(oldLogStd, logStd), 2));
  const meanTerm = tf.square(tf.div(tf.sub(oldMean, mean), tf.exp(logStd)));
  const perDim = tf.add(tf.sub(logStd, oldLogStd), tf.mul(tf.add(varRatio, meanTerm), 0.5));
  return tf.sub(tf.sum(perDim, -1), 0.5 * oldMean.shape[oldMean.shape.length - 1]) as tf.Tensor1D;
}

/**
 * Differential entropy of the diagonal Gaussian: Σ (logStd + ½ log(2πe)).
 * @param logStd [A]. @returns a scalar (the same for every observation).
 */
export function gaussianEntropy(logStd: tf.Tensor1D): tf.Scalar {
  return tf.add(tf.sum(logStd), 0.5 * logStd.shape[0] * (LOG_2PI + 1)) as tf.Scalar;
}

/**
 * Sample from (or take the mode of) a batch of diagonal Gaussians on the JS side.
 * @param mean [B*A]. @param logStd [A]. @param noise a seeded stream, or 'mean' for deterministic actions.
 */
export function sampleGaussian(mean: Float32Array, logStd: ArrayLike<number>, batch: number, noise: ActionNoise): GaussianAction {
  const actDim = logStd.length;
  if (mean.length !== batch * actDim) throw new Error(`sampleGaussian: mean has ${mean.length} values, expected ${batch}×${actDim}.`);
  let logStdSum = 0;
  for (let j = 0; j < actDim; j++) logStdSum += logStd[j];
  const logProb = new Float32Array(batch).fill(-logStdSum - 0.5 * actDim * LOG_2PI);
  if (noise === 'mean') return { actions: Float32Array.from(mean), mean, logProb };
  const eps = drawNormals(noise, batch * actDim);
  for (let b = 0; b < batch; b++) {
    let sq = 0;
    for (let j = 0; j < actDim; j++) sq += eps[b * actDim + j] * eps[b * actDim + j];
    logProb[b] -= 0.5 * sq;
  }
  return { actions: addNoise(mean, logStd, eps), mean, logProb };
}

/** `n` standard normal draws from `noise`, in order (row by row, action by action for a batch). */
export function drawNormals(noise: Rng, n: number): Float64Array {
  const eps = new Float64Array(n);
  for (let i = 0; i < n; i++) eps[i] = noise.normal();
  return eps;
}

/** Copy a Gaussian policy's params `[...mlp, logStd]` for {@link gaussianActArrays} (an asynchronous read: once per rollout). */
export async function gaussianArrays(params: Params): Promise<GaussianArrays> {
  const snapshot = await snapshotParams(params);
  return { layers: mlpArrays(snapshot.slice(0, -1)), logStd: snapshot[snapshot.length - 1].data };
}

/**
 * Act with the Gaussian policy in plain JS on a {@link gaussianArrays} copy: the sampling path (no tensors per
 * step, identical actions on every TF.js backend).
 * @param obs observations [B*obsDim].
 */
export function gaussianActArrays(policy: GaussianArrays, obs: Float32Array, batch: number, noise: ActionNoise, activation: Activation = 'tanh'): GaussianAction {
  return sampleGaussian(mlpForwardArrays(policy.layers, obs, batch, activation), policy.logStd, batch, noise);
}

/** Width of an RL2 input row: obs, previous action, previous reward, done flag. */
export function rl2InputDim(obsDim: number, actDim: number): number {
  return obsDim + actDim + 2;
}

/**
 * Build RL2 inputs on the JS side: row b = [obs_b, prevAction_b, prevReward_b, done_b].
 * @param obs [B*obsDim]. @param prevAction [B*A]. @param prevReward [B]. @param done [B] (1 when the
 * previous step ended an episode of the trial).
 * @returns [B*(obsDim + A + 2)].
 */
export function rl2Input(obs: Float32Array, prevAction: Float32Array, prevReward: ArrayLike<number>, done: ArrayLike<number>, batch: number): Float32Array {
  const obsDim = obs.length / batch;
  const actDim = prevAction.length / batch;
  const width = rl2InputDim(obsDim, actDim);
  const out = new Float32Array(batch * width);
  for (let b = 0; b < batch; b++) {
    const o = b * width;
    out.set(obs.subarray(b * obsDim, (b + 1) * obsDim), o);
    out.set(prevAction.subarray(b * actDim, (b + 1) * actDim), o + obsDim);
    out[o + obsDim + actDim] = prevReward[b];
    out[o + obsDim + actDim + 1] = done[b];
  }
  return out;
}

/** Options for {@link recurrentPolicyInit}. */
export interface RecurrentPolicyOptions {
  /** Initial log standard deviation (default 0). */
  initLogStd?: number;
  /** Gain on the mean head's weights (default 0.01). */
  outputGain?: number;
}

/**
 * Initialise the RL2 recurrent policy on `core`: the core's parameters, then a linear mean head on its F features.
 * @returns `[...core, wOut: [F, A], bOut: [A], logStd: [A]]` with the core built for `in = rl2InputDim(obsDim, actDim)`
 * (GRU: `[wx: [in, 3H], wh: [H, 3H], bx: [3H], bh: [3H], wOut: [H, A], bOut, logStd]`).
 */
export function recurrentPolicyInit(core: RecurrentCore, rng: Rng, obsDim: number, actDim: number, hiddenDim: number, opts: RecurrentPolicyOptions = {}): Params {
  const coreParams = core.init(rng, rl2InputDim(obsDim, actDim), hiddenDim);
  const head = mlpInit(rng, [core.featureSize(coreParams), actDim], { outputGain: opts.outputGain ?? 0.01 });
  return [...coreParams, ...head, tf.fill([actDim], opts.initLogStd ?? 0)];
}

/** The core's part of recurrent policy params `[...core, wOut, bOut, logStd]`. */
export function recurrentCoreParams(params: Params): Params {
  return params.slice(0, -3);
}

/** The mean head `[wOut, bOut]` of recurrent policy params. */
function meanHead(params: Params): Params {
  return params.slice(-3, -1);
}

/** The log standard deviation [A] of recurrent policy params. */
function recurrentLogStd(params: Params): tf.Tensor1D {
  return params[params.length - 1] as tf.Tensor1D;
}

/**
 * One recurrent step.
 * @param x RL2 inputs [B, in]. @param state core states [B, S].
 * @returns `mean: [B, A]`, `logStd: [A]`, the next state `state: [B, S]`.
 */
function recurrentStep(core: RecurrentCore, params: Params, x: tf.Tensor2D, state: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor1D; state: tf.Tensor2D } {
  const coreParams = recurrentCoreParams(params);
  const next = core.step(coreParams, x, state);
  const mean = mlpForward(meanHead(params), core.features(coreParams, next));
  return { mean, logStd: recurrentLogStd(params), state: next };
}

/**
 * Unroll over a trial batch for training (backprop through time).
 * @param xs RL2 inputs [T, B, in]. @param s0 initial core states [B, S].
 * @param resetMask optional [T, B]: 1 where the state is zeroed before step t (a new trial starts).
 * @returns `mean: [T, B, A]`, `logStd: [A]`, core states `states: [T, B, S]` and their `features: [T, B, F]`.
 */
export function recurrentUnroll(
  core: RecurrentCore,
  params: Params,
  xs: tf.Tensor3D,
  s0: tf.Tensor2D,
  resetMask?: tf.Tensor2D,
): { mean: tf.Tensor3D; logStd: tf.Tensor1D; states: tf.Tensor3D; features: tf.Tensor3D } {
  const coreParams = recurrentCoreParams(params);
  const states = core.unroll(coreParams, xs, s0, resetMask);
  const [T, B, S] = states.shape;
  const flatFeatures = core.features(coreParams, tf.reshape(states, [T * B, S]));
  const flatMean = mlpForward(meanHead(params), flatFeatures);
  return {
    mean: tf.reshape(flatMean, [T, B, -1]),
    logStd: recurrentLogStd(params),
    states,
    features: tf.reshape(flatFeatures, [T, B, -1]),
  };
}

/** Zero the state rows [S] of envs whose `mask` entry is nonzero, in place. @param state [B*S]. */
function resetStates(state: Float32Array, mask: ArrayLike<number>, stateSize: number): void {
  for (let b = 0; b < mask.length; b++) if (mask[b]) state.fill(0, b * stateSize, (b + 1) * stateSize);
}

/**
 * Act with the recurrent policy, carrying the core state on the JS side (an asynchronous read per step).
 * @param x RL2 inputs [B*in]. @param state core states [B*S] (zeros at a trial start).
 * @param resetMask optional [B]: rows of `state` zeroed before the step (same rule as in {@link recurrentUnroll}).
 * @returns actions/means [B*A], log-probs [B], and the next core states `state` [B*S].
 */
export async function recurrentAct(
  core: RecurrentCore,
  params: Params,
  x: Float32Array,
  state: Float32Array,
  batch: number,
  noise: ActionNoise,
  resetMask?: ArrayLike<number>,
): Promise<GaussianAction & { state: Float32Array }> {
  return recurrentActFrom(await tidyRead(() => recurrentActTensors(core, params, x, state, batch, resetMask)), batch, noise);
}

/** One acting step's tensors `[mean [B, A], next state [B, S], logStd [A]]` (new tensors, to read and dispose). */
function recurrentActTensors(core: RecurrentCore, params: Params, x: Float32Array, state: Float32Array, batch: number, resetMask?: ArrayLike<number>): tf.Tensor[] {
  const stateSize = core.stateSize(recurrentCoreParams(params));
  const sIn = Float32Array.from(state);
  if (resetMask) resetStates(sIn, resetMask, stateSize);
  const out = recurrentStep(core, params, tf.tensor2d(x, [batch, x.length / batch]), tf.tensor2d(sIn, [batch, stateSize]));
  return [out.mean, out.state, tf.clone(out.logStd)];
}

/** The action of a step from its read-back `[mean, next state, logStd]`. */
function recurrentActFrom([mean, next, logStd]: Float32Array[], batch: number, noise: ActionNoise): GaussianAction & { state: Float32Array } {
  return { ...sampleGaussian(mean, logStd, batch, noise), state: next };
}
