/**
 * The samplers' Gaussian MLP policy as a block policy (envs/block-policy.ts): every block of a multi-thread VecEnv
 * computes its own envs' actions, mean + exp(logStd) ⊙ noise, with the noise drawn on the calling thread for all
 * envs in env order. Envs form groups of consecutive envs, each acting with its own parameter copy (one per task
 * after adaptation). Free of TF.js, so that worker threads load it quickly.
 */
import { registerBlockPolicy, type BlockPolicy } from '../envs/block-policy.js';
import { mlpForwardArrays, type DenseArrays } from './mlp-arrays.js';
import type { Activation } from './nets.js';

/** One group's policy: the mean network in kernel layout and logStd [A] (what `gaussianArrays` copies). */
export interface GaussianArrays {
  layers: DenseArrays[];
  logStd: Float32Array;
}

/** The block policy's data: env e acts with `groups[⌊e / envsPerGroup⌋]`. */
export interface GroupedGaussianData {
  groups: GaussianArrays[];
  envsPerGroup: number;
  activation: Activation;
}

const PROGRAM = 'grouped-gaussian-mlp';

/** The block policy of `data`; its per-step data is the noise of a block's envs, [count*actDim] standard normals. */
export function gaussianBlockPolicy(data: GroupedGaussianData): BlockPolicy {
  return { module: import.meta.url, program: PROGRAM, data };
}

/** Gaussian actions from their means and standard-normal draws: mean + exp(logStd) ⊙ eps, rows of `logStd.length`. */
export function addNoise(mean: Float32Array, logStd: ArrayLike<number>, eps: ArrayLike<number>): Float32Array {
  const actDim = logStd.length;
  const actions = new Float32Array(mean.length);
  for (let i = 0; i < mean.length; i++) actions[i] = mean[i] + Math.exp(logStd[i % actDim]) * eps[i];
  return actions;
}

/**
 * Actions of envs [first, first + count): `obs` and `eps` hold those envs' rows only. A range that spans groups is
 * cut at the group boundaries; a row's action does not depend on the rows acted with it.
 */
export function groupedGaussianActions({ groups, envsPerGroup, activation }: GroupedGaussianData, obs: Float32Array, first: number, count: number, eps: Float64Array): Float32Array {
  const obsDim = groups[0].layers[0].inDim;
  const actDim = groups[0].logStd.length;
  if (obs.length !== count * obsDim || eps.length !== count * actDim) {
    throw new Error(`groupedGaussianActions: ${count} envs need ${count * obsDim} observations and ${count * actDim} noise values, got ${obs.length} and ${eps.length}.`);
  }
  const actions = new Float32Array(count * actDim);
  for (let e = first; e < first + count; ) {
    const group = Math.floor(e / envsPerGroup);
    if (group >= groups.length) throw new Error(`groupedGaussianActions: env ${e} is past the last of ${groups.length} groups of ${envsPerGroup}.`);
    const end = Math.min(first + count, (group + 1) * envsPerGroup);
    const [from, to] = [e - first, end - first]; // rows of this block
    const mean = mlpForwardArrays(groups[group].layers, obs.subarray(from * obsDim, to * obsDim), to - from, activation);
    actions.set(addNoise(mean, groups[group].logStd, eps.subarray(from * actDim, to * actDim)), from * actDim);
    e = end;
  }
  return actions;
}

registerBlockPolicy(PROGRAM, (data) => (obs, first, count, eps) => groupedGaussianActions(data as GroupedGaussianData, obs, first, count, eps as Float64Array));
