/**
 * Rollouts of a meta-batch on ONE vector env: M tasks, each repeated over K consecutive envs (numEnvs = M·K),
 * every env running one episode. Env e belongs to task ⌊e / K⌋ and acts with
 * that task's Gaussian policy (θ before adaptation, θ'_i after), evaluated in plain JS on parameter snapshots
 * (no tensors per step; identical actions on every TF.js backend).
 */
import type { Rng } from '../../envs/rng.js';
import type { Task, VecEnv } from '../../envs/types.js';
import type { Activation, Params } from '../nets.js';
import { mlpForwardArrays } from '../mlp-arrays.js';
import { addNoise, drawNormals, gaussianArrays, type GaussianArrays } from '../policies.js';
import { sampleEpisodes, type Path, type RowPolicy } from '../sampler.js';

/**
 * A batched policy over groups of consecutive envs: env e acts with `snapshots[⌊e / envsPerGroup⌋]`. Acts row range
 * by row range (a {@link RowPolicy}), so a VecEnv on several threads steps one block while the next is computed;
 * the noise of a step is drawn for all envs first, env by env, so the actions do not depend on the blocks.
 * @param snapshots one policy copy per group (see `gaussianArrays`).
 * @param noise draws the action noise, env by env, step by step.
 */
export function groupedGaussianPolicy(
  snapshots: readonly GaussianArrays[],
  envsPerGroup: number,
  obsDim: number,
  noise: Rng,
  activation: Activation,
): RowPolicy {
  const actDim = snapshots[0].logStd.length;
  let obs: Float32Array = new Float32Array(0);
  let eps: Float64Array = new Float64Array(0);
  return {
    begin(stepObs) {
      const n = stepObs.length / obsDim;
      if (n !== snapshots.length * envsPerGroup) {
        throw new Error(`groupedGaussianPolicy: ${n} envs, but ${snapshots.length} groups of ${envsPerGroup}.`);
      }
      obs = stepObs;
      eps = drawNormals(noise, n * actDim);
    },
    rows(first, count) {
      const actions = new Float32Array(count * actDim);
      for (let e = first; e < first + count; ) {
        const group = Math.floor(e / envsPerGroup);
        const end = Math.min(first + count, (group + 1) * envsPerGroup);
        const policy = snapshots[group];
        const mean = mlpForwardArrays(policy.layers, obs.subarray(e * obsDim, end * obsDim), end - e, activation);
        actions.set(addNoise(mean, policy.logStd, eps.subarray(e * actDim, end * actDim)), (e - first) * actDim);
        e = end;
      }
      return actions;
    },
  };
}

/** What to roll out. */
export interface TaskRolloutRequest {
  /** The meta-batch, M tasks. */
  tasks: readonly Task[];
  /** One policy for all tasks ([θ]) or one per task ([θ'_1, ..., θ'_M]). */
  policies: readonly Params[];
  /** Episodes per task K (= envs per task). */
  episodesPerTask: number;
  /** First reset seed (env e gets seed + e). */
  seed: number;
  /** Action noise. */
  noise: Rng;
  activation: Activation;
}

/**
 * Roll out K episodes per task on `vec` (which must have exactly M·K envs).
 * @returns the paths ordered by env (task i's paths are envs iK .. iK + K − 1).
 */
export function rolloutTasks(vec: VecEnv, request: TaskRolloutRequest): Path[] {
  const { tasks, policies, episodesPerTask: k } = request;
  if (vec.numEnvs !== tasks.length * k) throw new Error(`rolloutTasks: the VecEnv has ${vec.numEnvs} envs; need tasks × episodes = ${tasks.length * k}.`);
  if (policies.length !== 1 && policies.length !== tasks.length) {
    throw new Error(`rolloutTasks: pass one policy or one per task (${tasks.length}), got ${policies.length}.`);
  }
  vec.setTasks(tasks.flatMap((t) => Array.from({ length: k }, () => t)));
  const snapshots = policies.map((p) => gaussianArrays(p));
  const perGroup = policies.length === 1 ? vec.numEnvs : k;
  const policy = groupedGaussianPolicy(snapshots, perGroup, vec.singleObservationSpace.dim, request.noise, request.activation);
  return sampleEpisodes(vec, policy, { seed: request.seed, episodesPerEnv: 1 });
}
