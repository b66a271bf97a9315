/**
 * Rollouts of a meta-batch on ONE vector env: M tasks, each repeated over K consecutive envs (numEnvs = M·K,
 * all robots in one physics world), every env running one episode. Env e belongs to task ⌊e / K⌋ and acts with
 * that task's Gaussian policy (θ before adaptation, θ'_i after), evaluated in plain JS on parameter snapshots
 * (no tensors per step; identical actions on every TF.js backend).
 */
import type { Rng } from '../../envs/rng.js';
import type { Task, VecEnv } from '../../envs/types.js';
import { snapshotParams, type Activation, type ArrayParam, type Params } from '../nets.js';
import { gaussianActArrays } from '../policies.js';
import { flattenEpisodes } from '../returns.js';
import { sampleEpisodes, type BatchPolicy, type Path } from '../sampler.js';

/**
 * A batched policy over groups of consecutive envs: env e acts with `snapshots[⌊e / envsPerGroup⌋]`.
 * @param snapshots one parameter snapshot per group (see `snapshotParams`).
 * @param noise draws the action noise, env by env, step by step.
 */
export function groupedGaussianPolicy(
  snapshots: readonly ArrayParam[][],
  envsPerGroup: number,
  obsDim: number,
  noise: Rng,
  activation: Activation,
): BatchPolicy {
  return (obs) => {
    const n = obs.length / obsDim;
    if (n !== snapshots.length * envsPerGroup) {
      throw new Error(`groupedGaussianPolicy: ${n} envs, but ${snapshots.length} groups of ${envsPerGroup}.`);
    }
    const parts = snapshots.map((snap, g) => {
      const rows = obs.subarray(g * envsPerGroup * obsDim, (g + 1) * envsPerGroup * obsDim);
      return gaussianActArrays(snap, rows, envsPerGroup, noise, activation).actions;
    });
    return flattenEpisodes(parts);
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
  const snapshots = policies.map((p) => snapshotParams(p));
  const perGroup = policies.length === 1 ? vec.numEnvs : k;
  const policy = groupedGaussianPolicy(snapshots, perGroup, vec.singleObservationSpace.dim, request.noise, request.activation);
  return sampleEpisodes(vec, policy, { seed: request.seed, episodesPerEnv: 1 });
}
