/**
 * Rollouts of a meta-batch on ONE vector env: M tasks, each repeated over K consecutive envs (numEnvs = M·K),
 * every env running one episode. Env e belongs to task ⌊e / K⌋ and acts with
 * that task's Gaussian policy (θ before adaptation, θ'_i after), evaluated in plain JS on parameter snapshots
 * (no tensors per step; identical actions on every TF.js backend).
 */
import type { Rng } from '../../envs/rng.js';
import type { Task, VecEnv } from '../../envs/types.js';
import type { Activation, Params } from '../nets.js';
import { gaussianBlockPolicy } from '../gaussian-block-policy.js';
import { drawNormals, gaussianArrays, type GaussianArrays } from '../policies.js';
import { sampleEpisodes, type Path, type PortablePolicy } from '../sampler.js';

/**
 * The rollout policy over groups of consecutive envs: env e acts with `snapshots[⌊e / envsPerGroup⌋]`. Portable:
 * on a VecEnv with several threads every block computes its own envs' actions; the noise of a step is drawn here
 * for all envs first, env by env, so the actions do not depend on the blocks.
 * @param snapshots one policy copy per group (see `gaussianArrays`).
 * @param noise draws the action noise, env by env, step by step.
 */
export function groupedGaussianPolicy(snapshots: GaussianArrays[], envsPerGroup: number, noise: Rng, activation: Activation): PortablePolicy {
  const actDim = snapshots[0].logStd.length;
  const numEnvs = snapshots.length * envsPerGroup;
  return {
    blockPolicy: gaussianBlockPolicy({ groups: snapshots, envsPerGroup, activation }),
    stepData() {
      const eps = drawNormals(noise, numEnvs * actDim);
      return (first, count) => eps.slice(first * actDim, (first + count) * actDim); // a copy: a view would carry all of eps to a worker
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
 * Roll out K episodes per task on `vec` (which must have exactly M·K envs), each policy copied once first.
 * @returns the paths ordered by env (task i's paths are envs iK .. iK + K − 1).
 */
export async function rolloutTasks(vec: VecEnv, request: TaskRolloutRequest): Promise<Path[]> {
  const { policies, ...rest } = request;
  return rolloutSnapshots(vec, rest, await Promise.all(policies.map((p) => gaussianArrays(p))));
}

/** {@link rolloutTasks} with the policies already copied (`gaussianArrays`): one for all tasks, or one per task. */
export function rolloutSnapshots(vec: VecEnv, request: Omit<TaskRolloutRequest, 'policies'>, snapshots: readonly GaussianArrays[]): Path[] {
  const { tasks, episodesPerTask: k } = request;
  if (vec.numEnvs !== tasks.length * k) throw new Error(`rolloutTasks: the VecEnv has ${vec.numEnvs} envs; need tasks × episodes = ${tasks.length * k}.`);
  if (snapshots.length !== 1 && snapshots.length !== tasks.length) {
    throw new Error(`rolloutTasks: pass one policy or one per task (${tasks.length}), got ${snapshots.length}.`);
  }
  vec.setTasks(tasks.flatMap((t) => Array.from({ length: k }, () => t)));
  const perGroup = snapshots.length === 1 ? vec.numEnvs : k;
  const policy = groupedGaussianPolicy([...snapshots], perGroup, request.noise, request.activation);
  return sampleEpisodes(vec, policy, { seed: request.seed, episodesPerEnv: 1 });
}
