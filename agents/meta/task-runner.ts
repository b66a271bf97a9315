/**
 * The sampling side of a gradient-based meta-learner (MAML, ProMP, Reptile, the multi-task baseline): VecEnvs
 * made once per size and reused, K episodes per task on ONE VecEnv of M·K envs with one Gaussian policy per task
 * (task-rollouts.ts), per-task baseline + GAE advantages (task-samples.ts), env-step counting and per-phase
 * wall-clock timings of one meta-iteration, and the adaptation curve (adaptation-curve.ts) with a
 * learner-supplied inner step.
 */
import type { Rng } from '../../envs/rng.js';
import type { EnvOptions } from '../../envs/task-def.js';
import type { Task, VecEnv } from '../../envs/types.js';
import { disposeParams, type Activation, type Params } from '../nets.js';
import { recordedSteps, type Path } from '../sampler.js';
import { curveSteps, gradientAdaptationCurve, type CurveSetup } from './adaptation-curve.js';
import { groupPathsByTask, processTaskPaths, type AdvantageOptions, type TaskSamples } from './task-samples.js';
import { rolloutTasks, type TaskRolloutRequest } from './task-rollouts.js';
import { joinRolloutChunks, splitRollout, type ChunkRunner } from './rollout-chunks.js';
import { gaussianArrays } from '../policies.js';
import type { AdaptationCurve, AdaptationOptions, MetaTimings } from './types.js';
import { VecEnvCache } from './vec-env-cache.js';
import type { VecRunOptions } from '../../envs/worker-vec.js';

/** What a {@link TaskRunner} needs from its learner's configuration (MamlConfig and friends satisfy it). */
export interface TaskRunnerConfig {
  envId: string;
  envOptions: EnvOptions;
  /** Worker threads for the vector envs (never changes the numbers). */
  vecRun: VecRunOptions;
  /** Runs the rollouts' chunks on other processes instead of this one's VecEnvs (never changes the numbers). */
  remote?: ChunkRunner;
  /** Hidden nonlinearity of the Gaussian MLP policies it acts with. */
  activation: Activation;
  /** Discount γ. */
  gamma: number;
  /** GAE λ. */
  gaeLambda: number;
  /** Normalise advantages per task. */
  normalizeAdvantages: boolean;
}

/** A phase of a meta-iteration, as {@link MetaTimings} splits it. */
export type Phase = 'sampling' | 'inner' | 'outer';

/**
 * One inner step of every task: θ^{(j+1)} from the tasks' samples of θ^{(j)} = `current` (see
 * {@link TaskRunner.innerLoop}); fresh tensors, one list per task.
 */
export type InnerStep = (samples: TaskSamples[], current: readonly Params[], j: number) => Promise<Params[]>;

/** Sampling, advantages and bookkeeping for one learner; {@link close} it with the learner. */
export class TaskRunner {
  readonly obsDim: number;
  readonly actDim: number;
  private readonly vecs: VecEnvCache;
  private phases: Record<Phase, number> = { sampling: 0, inner: 0, outer: 0 };
  private started = 0;
  private steps = 0;
  private errors = 0;

  constructor(private readonly config: TaskRunnerConfig) {
    this.vecs = new VecEnvCache(config.envId, config.envOptions, config.vecRun);
    this.obsDim = this.vecs.obsDim;
    this.actDim = this.vecs.actDim;
  }

  /** Advantage settings of every task's samples. */
  get advantages(): AdvantageOptions {
    return { gamma: this.config.gamma, lambda: this.config.gaeLambda, normalize: this.config.normalizeAdvantages };
  }

  /** Env steps recorded since {@link begin}: the steps of the sampled episodes (what the learner trains on). */
  get envSteps(): number {
    return this.steps;
  }

  /** Episodes truncated by physics errors since {@link begin}. */
  get physicsErrors(): number {
    return this.errors;
  }

  /** Start a meta-iteration: zero the timings, the env-step count and the physics-error count. */
  begin(): void {
    this.phases = { sampling: 0, inner: 0, outer: 0 };
    this.steps = 0;
    this.errors = 0;
    this.started = performance.now();
  }

  /** Run `f`, adding its wall-clock time (until it settles) to `phase`. */
  async timed<T>(phase: Phase, f: () => T | Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      this.phases[phase] += performance.now() - t0;
    }
  }

  /** The phases' times since {@link begin}, in ms; `total` is the whole elapsed time. */
  timings(): MetaTimings {
    return { ...this.phases, total: performance.now() - this.started };
  }

  /** A VecEnv with `n` envs, made once per size and reused. */
  private vecEnv(n: number): Promise<VecEnv> {
    return this.vecs.get(n);
  }

  /**
   * K = `episodesPerTask` episodes per task (M·K envs: this process's VecEnv of that size, or chunks on the remote
   * runner), task i acting with `policies[i]` (or all with `policies[0]`); timed as sampling and counted.
   * @returns paths ordered by env.
   */
  rollout(tasks: readonly Task[], policies: readonly Params[], episodesPerTask: number, rng: Rng): Promise<Path[]> {
    return this.timed('sampling', async () => {
      const request = { tasks, policies, episodesPerTask, seed: rng.seed(), noise: rng, activation: this.config.activation };
      const remote = this.config.remote;
      const paths = remote ? await this.remoteRollout(remote, request) : await rolloutTasks(await this.vecEnv(tasks.length * episodesPerTask), request);
      this.steps += recordedSteps(paths);
      this.errors += paths.filter((p) => p.physicsError !== undefined).length;
      return paths;
    });
  }

  /** {@link rolloutTasks} as chunks of whole tasks run by `remote`: the same paths, the noise stream left alike. */
  private async remoteRollout(remote: ChunkRunner, request: TaskRolloutRequest): Promise<Path[]> {
    const { policies, noise, ...rest } = request;
    const snapshots = await Promise.all(policies.map((p) => gaussianArrays(p)));
    const chunks = splitRollout({ ...rest, snapshots }, noise, remote.maxChunks);
    const results = await remote.run({ envId: this.config.envId, envOptions: this.config.envOptions }, chunks);
    return joinRolloutChunks(results, noise, request.tasks.length * request.episodesPerTask, this.actDim);
  }

  /** Whether rollouts run on other processes. */
  get samplesRemotely(): boolean {
    return this.config.remote !== undefined;
  }

  /**
   * {@link rollout} then {@link process} (timed as inner): K episodes per task with `policies`.
   * @returns [tasks.length] per-task samples.
   */
  async sampleTasks(tasks: readonly Task[], policies: readonly Params[], episodesPerTask: number, rng: Rng): Promise<TaskSamples[]> {
    const paths = await this.rollout(tasks, policies, episodesPerTask, rng);
    return this.timed('inner', () => this.process(paths, tasks.length, episodesPerTask));
  }

  /** Per-task baseline, advantages and flattening of a meta-batch's paths. @returns [numTasks] samples. */
  process(paths: readonly Path[], numTasks: number, episodesPerTask: number): TaskSamples[] {
    const groups = groupPathsByTask(paths, numTasks, episodesPerTask);
    return groups.map((g) => processTaskPaths(g, this.obsDim, this.advantages));
  }

  /**
   * The inner loop of the MAML family on one meta-batch: θ_i^{(0)} = θ; for j = 0..innerSteps−1, K episodes per
   * task with θ_i^{(j)} ({@link sampleTasks}) and θ^{(j+1)} = `step`(their samples, θ^{(j)}, j), timed as inner. θ^{(0)} is passed as [θ]. Intermediate θ^{(j)} are disposed, the latest too when a step throws.
   * @returns θ_i^{(innerSteps)}, one fresh parameter list per task (the caller disposes them).
   */
  async innerLoop(tasks: readonly Task[], theta: Params, rng: Rng, sizes: { innerSteps: number; episodesPerTask: number }, step: InnerStep): Promise<Params[]> {
    let current: Params[] = [theta];
    try {
      for (let j = 0; j < sizes.innerSteps; j++) {
        const samples = await this.sampleTasks(tasks, current, sizes.episodesPerTask, rng);
        const next = await this.timed('inner', () => step(samples, current, j));
        if (j > 0) current.forEach(disposeParams);
        current = next;
      }
    } catch (err) {
      if (current[0] !== theta) current.forEach(disposeParams);
      throw err;
    }
    return current;
  }

  /**
   * The adaptation curve of `theta` on `task` (see {@link gradientAdaptationCurve}): `options.episodes`
   * episodes with θ_0 = θ, ..., θ_k, θ_{s+1} = step(θ_s, θ_s's samples). Not timed, not counted.
   */
  async adaptationCurve(theta: Params, task: Task, options: AdaptationOptions, step: CurveSetup['step'], observe?: CurveSetup['observe']): Promise<AdaptationCurve> {
    curveSteps(options);
    const vec = await this.vecEnv(options.episodes);
    const setup = { vec, obsDim: this.obsDim, actDim: this.actDim, activation: this.config.activation, advantages: this.advantages };
    return gradientAdaptationCurve(theta, task, options, { ...setup, step, observe });
  }

  /** Close every VecEnv. */
  close(): void {
    this.vecs.close();
  }
}
