/**
 * Takes for the viewer (viewer/source.ts) recorded from a learner: for each task, the learner's adaptation
 * demo (agents/meta/types.ts `demo`) is run on one env per run and every step's body poses are kept, one lane
 * per episode: "before adaptation", "after 1 step", ... (MAML family), "episode 1", "episode 2", ... (RL2) or the
 * learner's own episode labels (PEARL: "prior sample", "after 1 context episode", ...).
 * Without a learner, a seeded uniform-random policy is shown.
 */
import type { AdaptationDemo, DemoRun, MetaLearner } from '../agents/meta/types.js';
import { sampleEpisodesAsync, type Path } from '../agents/sampler.js';
import { envSpec, makeVecEnv, Rng } from '../envs/index.js';
import { actionSpace, type EnvOptions } from '../envs/task-def.js';
import type { Task, VecEnv, VecStepResult } from '../envs/types.js';
import type { LaneRecording, SceneInfo, Take, TakeSource } from '../viewer/source.js';
import { uniformRandomPolicy } from './random-curve.js';

/** What to show. */
export interface TakeSourceOptions {
  envId: string;
  envOptions?: EnvOptions;
  /** Held-out test tasks cycled through when no task is given (default 8). */
  testTasks?: number;
  /** MAML family: inner steps shown, one lane each after the unadapted one (default 2). */
  steps?: number;
  /** MAML family: episodes per inner step (default: the learner's K). RL2: trials of the measured curve (default 4). */
  episodes?: number;
}

/** Produces one take's demo for a task and seed. */
type DemoMaker = (task: Task, seed: number) => Promise<AdaptationDemo>;

/** Takes from `learner` (not disposed by the source: the caller owns it). */
export async function learnerTakeSource(learner: MetaLearner, options: TakeSourceOptions): Promise<TakeSource> {
  const shape = learner.adaptation;
  const recurrent = shape.kind === 'in-context';
  const steps = options.steps ?? 2;
  const lanes = recurrent
    ? [...(shape.episodeLabels ?? Array.from({ length: shape.episodes }, (_, e) => `episode ${e + 1}`))]
    : Array.from({ length: steps + 1 }, (_, s) => (s === 0 ? 'before adaptation' : `after ${s} step${s > 1 ? 's' : ''}`));
  const demo: DemoMaker = recurrent
    ? (task, seed) => learner.demo(task, { seed, episodes: shape.episodes, trials: options.episodes ?? 4 })
    : (task, seed) => learner.demo(task, { seed, episodes: options.episodes ?? shape.episodes, steps });
  const axis = recurrent ? 'episode in trial' : 'inner steps';
  return RecordingTakeSource.create(options, learner.name, lanes, axis, demo);
}

/** Takes of a seeded uniform-random policy (one lane): the env without an agent. */
export async function randomTakeSource(options: TakeSourceOptions): Promise<TakeSource> {
  const space = actionSpace(envSpec(options.envId).def);
  const demo: DemoMaker = async (_task, seed) => ({ runs: [{ policy: uniformRandomPolicy(space, 1, Rng.fromSeed(seed)), labels: ['random policy'] }], curve: { returns: [] } });
  return RecordingTakeSource.create(options, 'random', ['random policy'], 'episode', demo);
}

/** Runs demos on one env and records their poses. */
class RecordingTakeSource implements TakeSource {
  private next = 0;

  private constructor(
    readonly scene: SceneInfo,
    private readonly vec: VecEnv,
    private readonly tasks: Task[],
    private readonly parse: (value: unknown) => Task,
    private readonly demo: DemoMaker,
  ) {}

  static async create(options: TakeSourceOptions, algorithm: string, lanes: string[], adaptationAxis: string, demo: DemoMaker): Promise<RecordingTakeSource> {
    const def = envSpec(options.envId).def;
    const vec = await makeVecEnv(options.envId, 1, options.envOptions);
    const scene: SceneInfo = {
      envId: options.envId,
      algorithm,
      robot: def.robot,
      ground: def.physics.ground,
      dt: def.physics.dt * def.physics.frameSkip,
      lanes,
      taskParameters: def.tasks.parameters.map((p) => ({ ...p })),
      adaptationAxis,
    };
    return new RecordingTakeSource(scene, vec, def.tasks.testTasks(options.testTasks ?? 8), (v) => def.tasks.parse(v), demo);
  }

  async record(task: unknown, seed: number): Promise<Take> {
    const chosen = task === undefined ? this.tasks[this.next++ % this.tasks.length] : this.parse(task);
    const demo = await this.demo(chosen, seed);
    // Every run starts from the same seeded initial state, so the lanes differ only by their policies.
    const lanes: LaneRecording[] = [];
    for (const run of demo.runs) lanes.push(...(await this.recordRun(run, chosen, seed)));
    return { task: chosen, lanes, curve: demo.curve.returns };
  }

  close(): void {
    this.vec.close();
  }

  /** One recording per episode of `run`. */
  private async recordRun(run: DemoRun, task: Task, seed: number): Promise<LaneRecording[]> {
    this.vec.setTasks([task]);
    const poses: Float32Array[][] = [[]];
    const onStep = (result: VecStepResult): void => {
      const episode = poses[poses.length - 1];
      const done = result.terminated[0] === 1 || result.truncated[0] === 1;
      // After the last step the env has already reset: repeat the previous pose rather than show the reset one.
      episode.push(done && episode.length > 0 ? episode[episode.length - 1] : this.vec.bodyPoses());
      if (done) poses.push([]);
    };
    const paths = await sampleEpisodesAsync(this.vec, run.policy, { seed, episodesPerEnv: run.labels.length, onStep });
    return paths.map((path, e) => laneOf(path, poses[e]));
  }
}

function laneOf(path: Path, poses: Float32Array[]): LaneRecording {
  const size = poses[0]?.length ?? 0;
  const flat = new Float32Array(poses.length * size);
  poses.forEach((p, t) => flat.set(p, t * size));
  return {
    length: poses.length,
    poses: flat,
    rewards: path.rewards.slice(),
    return: path.rewards.reduce((s, r) => s + r, 0),
    ...(path.success === undefined ? {} : { success: path.success }),
  };
}
