/**
 * Trajectory sampling from a VecEnv: every env runs exactly `episodesPerEnv` episodes of its own task under a
 * batched policy, and the episodes come back as per-episode paths. With one task repeated over K envs this is
 * "K episodes per task" (MAML family); with episodesPerEnv = E it is an RL2 trial of E episodes.
 */
import { blockActor, type BlockPolicy } from '../envs/block-policy.js';
import type { Task, VecEnv, VecStepResult } from '../envs/types.js';

/** One finished episode of one env. */
export interface Path {
  /** Index of the env in the VecEnv. */
  envIndex: number;
  /** Episode index within this env's run, from 0. */
  episode: number;
  task: Task;
  /** Steps in the episode (T). */
  length: number;
  /** Observations the actions were computed from, [T * obsDim]. */
  obs: Float32Array;
  /** Actions as the policy returned them, [T * actDim]. */
  actions: Float32Array;
  /** Rewards, [T]. */
  rewards: Float32Array;
  /** True when the task ended the episode (no bootstrapping), false when it was truncated. */
  terminated: boolean;
  /** Observation after the last step, [obsDim] (for bootstrapping truncated episodes). */
  finalObs: Float32Array;
  /** `info.success` of the last step, where the env defines success. */
  success?: boolean;
  /** Set when a physics error truncated the episode (`info.physicsError`). */
  physicsError?: string;
}

/**
 * What a batched policy sees besides the observations, one entry per env. The previous step's action and reward
 * carry across episode boundaries (an episode's first step sees the last action and reward of the episode
 * before it, as RL2's inputs need); only the first step of the sampling call sees zeros.
 */
export interface StepContext {
  /** 1 where the env starts a new episode at this step (the previous step ended one, or sampling starts), [numEnvs]. */
  episodeStart: Uint8Array;
  /** Reward of each env's previous step (0 before the first step), [numEnvs]. */
  prevReward: Float32Array;
  /** Each env's previous action (zeros before the first step), [numEnvs * actDim]. */
  prevAction: Float32Array;
}

/** A batched policy: observations [numEnvs * obsDim] -> actions [numEnvs * actDim]. May keep per-env state (RNN). */
export type BatchPolicy = (obs: Float32Array, context: StepContext) => Float32Array;

/** A {@link BatchPolicy} that acts asynchronously (it reads tensors back); sample with {@link sampleEpisodesAsync}. */
export type AsyncBatchPolicy = (obs: Float32Array, context: StepContext) => Promise<Float32Array>;

/**
 * A policy that the blocks of a multi-thread VecEnv evaluate on their own threads (`VecEnv.setBlockPolicy`,
 * envs/block-policy.ts), so that acting is as parallel as stepping; on other VecEnvs it runs on this thread.
 * `stepData()` is called once per step, before any block acts: draw the step's noise there, for all envs in env
 * order, so that the actions do not depend on how the envs are split; it returns the data of envs
 * [first, first + count).
 */
export interface PortablePolicy {
  blockPolicy: BlockPolicy;
  stepData(): (first: number, count: number) => unknown;
}

/** Sampling options. */
export interface SampleOptions {
  /** Seed of the first reset; env i gets seed + i. */
  seed: number;
  /** Episodes each env runs (default 1). */
  episodesPerEnv?: number;
  /** Called after every VecEnv step with its result (e.g. to record body poses for a viewer). */
  onStep?: (result: VecStepResult) => void;
}

/** Per-env recording buffers of the episode in progress. */
interface Recorder {
  obs: number[];
  actions: number[];
  rewards: number[];
  episodes: number;
}

/** One step's actions [numEnvs * actDim] and the VecEnv's result. */
interface ActedStep {
  actions: Float32Array;
  result: VecStepResult;
}

/**
 * Run every env of `vec` for `episodesPerEnv` episodes under `policy` and return the paths, ordered by env then
 * episode. Envs that finished early keep stepping (their steps are not recorded) until all are done.
 */
export function sampleEpisodes(vec: VecEnv, policy: BatchPolicy | PortablePolicy, options: SampleOptions): Path[] {
  const actAndStep = stepper(vec, policy);
  const run = new EpisodeRun(vec, options);
  while (run.running) run.record(actAndStep(run.obs, run.context));
  return run.paths();
}

/**
 * {@link sampleEpisodes} under a policy that acts asynchronously (one that reads tensors back, e.g. RL2's recurrent
 * policy: the webgpu backend can only read with `await`), or synchronously (awaited all the same). Same paths as
 * {@link sampleEpisodes} with the same actions.
 */
export async function sampleEpisodesAsync(vec: VecEnv, policy: AsyncBatchPolicy | BatchPolicy, options: SampleOptions): Promise<Path[]> {
  const checked = actionCheck(vec);
  const run = new EpisodeRun(vec, options);
  while (run.running) {
    const actions = checked(await policy(run.obs, run.context));
    run.record({ actions, result: vec.step(actions) });
  }
  return run.paths();
}

/** The bookkeeping of one sampling call: the step context, each env's recorder, and the finished paths. */
class EpisodeRun {
  /** The observations the next actions are computed from, [numEnvs * obsDim]. */
  obs: Float32Array;
  readonly context: StepContext;
  private readonly recorders: Recorder[];
  private readonly finished: Path[] = [];
  private readonly tasks: Task[];
  private readonly episodesPerEnv: number;

  /** Resets `vec` with `options.seed`. */
  constructor(
    private readonly vec: VecEnv,
    private readonly options: SampleOptions,
  ) {
    const n = vec.numEnvs;
    this.episodesPerEnv = options.episodesPerEnv ?? 1;
    this.tasks = vec.getTasks();
    this.recorders = Array.from({ length: n }, () => ({ obs: [], actions: [], rewards: [], episodes: 0 }));
    this.context = { episodeStart: new Uint8Array(n).fill(1), prevReward: new Float32Array(n), prevAction: new Float32Array(n * vec.singleActionSpace.dim) };
    this.obs = vec.reset(options.seed);
  }

  /** Whether some env has episodes left to run. */
  get running(): boolean {
    return this.recorders.some((r) => r.episodes < this.episodesPerEnv);
  }

  /** Record a step taken from {@link obs} and move on to its observations. */
  record({ actions, result }: ActedStep): void {
    const obsDim = this.vec.singleObservationSpace.dim;
    const actDim = this.vec.singleActionSpace.dim;
    const { context } = this;
    this.options.onStep?.(result);
    for (let i = 0; i < this.recorders.length; i++) {
      const rec = this.recorders[i];
      const done = result.terminated[i] === 1 || result.truncated[i] === 1;
      if (rec.episodes < this.episodesPerEnv) {
        record(rec, this.obs.subarray(i * obsDim, (i + 1) * obsDim), actions.subarray(i * actDim, (i + 1) * actDim), result.rewards[i]);
        if (done) this.finished.push(finishPath(rec, i, this.tasks[i], result.terminated[i] === 1, result.infos[i]));
      }
      context.episodeStart[i] = done ? 1 : 0;
      context.prevReward[i] = result.rewards[i];
    }
    context.prevAction.set(actions);
    this.obs = result.obs;
  }

  /** The finished paths, ordered by env then episode. */
  paths(): Path[] {
    return this.finished.sort((a, b) => a.envIndex - b.envIndex || a.episode - b.episode);
  }
}

/** A check that a policy returned numEnvs * actDim actions (returns them). */
function actionCheck(vec: VecEnv): (actions: Float32Array) => Float32Array {
  const expected = vec.numEnvs * vec.singleActionSpace.dim;
  return (actions) => {
    if (actions.length !== expected) throw new Error(`sampleEpisodes: the policy returned ${actions.length} actions; expected numEnvs*actDim = ${expected}.`);
    return actions;
  };
}

/**
 * One step of every env under `policy`: a portable policy acts on the VecEnv's own threads where the VecEnv can
 * (after installing it there), else on this thread.
 */
function stepper(vec: VecEnv, policy: BatchPolicy | PortablePolicy): (obs: Float32Array, context: StepContext) => ActedStep {
  const checked = actionCheck(vec);
  if (typeof policy === 'function') {
    return (obs, context) => {
      const actions = checked(policy(obs, context));
      return { actions, result: vec.step(actions) };
    };
  }
  if (vec.setBlockPolicy && vec.stepWithBlockPolicy) {
    vec.setBlockPolicy(policy.blockPolicy);
    const step = vec.stepWithBlockPolicy.bind(vec);
    return () => step(policy.stepData());
  }
  const actor = blockActor(policy.blockPolicy);
  return (obs) => {
    const actions = checked(actor(obs, 0, vec.numEnvs, policy.stepData()(0, vec.numEnvs)));
    return { actions, result: vec.step(actions) };
  };
}

function record(rec: Recorder, obs: Float32Array, action: Float32Array, reward: number): void {
  for (const v of obs) rec.obs.push(v);
  for (const v of action) rec.actions.push(v);
  rec.rewards.push(reward);
}

function finishPath(rec: Recorder, envIndex: number, task: Task, terminated: boolean, info: VecStepResult['infos'][number]): Path {
  const path: Path = {
    envIndex,
    episode: rec.episodes,
    task,
    length: rec.rewards.length,
    obs: Float32Array.from(rec.obs),
    actions: Float32Array.from(rec.actions),
    rewards: Float32Array.from(rec.rewards),
    terminated,
    finalObs: (info.finalObs as Float32Array).slice(),
    ...(info.success === undefined ? {} : { success: info.success }),
    ...(info.physicsError === undefined ? {} : { physicsError: info.physicsError }),
  };
  rec.obs = [];
  rec.actions = [];
  rec.rewards = [];
  rec.episodes += 1;
  return path;
}

/** Fraction of `paths` that ended in success, or undefined when the env defines no success. */
export function successRate(paths: readonly Path[]): number | undefined {
  if (paths.length === 0 || paths.some((p) => p.success === undefined)) return undefined;
  return paths.filter((p) => p.success).length / paths.length;
}

/** Env steps recorded in `paths` (the sum of their lengths): what metrics and benchmarks count as env steps. */
export function recordedSteps(paths: readonly Path[]): number {
  return paths.reduce((n, p) => n + p.length, 0);
}

/** Undiscounted return of a path. */
export function pathReturn(path: Path): number {
  return path.rewards.reduce((s, r) => s + r, 0);
}
