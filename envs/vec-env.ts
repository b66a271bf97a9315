/**
 * RobotVecEnv: N envs of one family as N robots in ONE Rapier world, with batched Float32Array I/O and autoreset.
 *
 * All robots share the same origin: collision groups keep them apart (each touches only the ground), and
 * identical coordinates make env i bit-identical to a single env with the same seed and actions. Spacing
 * robots apart instead changes float rounding (positions near x+offset), which chaotic dynamics amplify
 * (measured: cheetah trajectories diverged within 150 steps), at a cost: overlapping AABBs make the
 * broad phase slower (CheetahVel-v0, 64 robots: 3.5k env steps/s overlapping vs 5.6k spaced 2 m apart).
 */
import type { PhysicsWorld } from '../sim/world.js';
import type { Box } from './box.js';
import { envCard } from './env-card.js';
import { actionSpace, createWorld, observationSpace, type EnvOptions, type RobotTaskDef } from './task-def.js';
import { RobotEpisode } from './robot-episode.js';
import type { EnvCard, StepInfo, Task, VecEnv, VecStepResult } from './types.js';
import type { RobotSpec } from '../sim/robot-spec.js';

/** The in-process vector env. Autoreset is same-step: a finished env's obs is already the next episode's first. */
export class RobotVecEnv<T extends Task> implements VecEnv<T> {
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box;
  readonly card: EnvCard;
  readonly robot: RobotSpec;
  private readonly world: PhysicsWorld;
  private readonly episodes: RobotEpisode<T>[];

  constructor(
    private readonly def: RobotTaskDef<T>,
    readonly numEnvs: number,
    options: EnvOptions,
  ) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`VecEnv: numEnvs must be a positive integer, got ${numEnvs}.`);
    this.robot = def.robot;
    this.singleObservationSpace = observationSpace(def, options);
    this.singleActionSpace = actionSpace(def);
    this.card = envCard(def, options);
    this.world = createWorld(def as RobotTaskDef<Task>);
    this.episodes = Array.from({ length: numEnvs }, () => new RobotEpisode(def, this.world, [0, 0, 0], options));
  }

  setTasks(tasks: readonly T[]): void {
    if (tasks.length !== this.numEnvs) throw new Error(`VecEnv.setTasks: need ${this.numEnvs} tasks (one per env), got ${tasks.length}.`);
    tasks.forEach((t, i) => this.episodes[i].setTask(t));
  }

  getTasks(): T[] {
    return this.episodes.map((e) => e.getTask());
  }

  reset(seed?: number): Float32Array {
    const dim = this.singleObservationSpace.dim;
    const out = new Float32Array(this.numEnvs * dim);
    this.episodes.forEach((e, i) => out.set(e.reset(seed === undefined ? undefined : seed + i), i * dim));
    return out;
  }

  step(actions: ArrayLike<number>): VecStepResult {
    const act = this.singleActionSpace.dim;
    const dim = this.singleObservationSpace.dim;
    if (actions.length !== this.numEnvs * act)
      throw new Error(`VecEnv.step: actions must have numEnvs*actDim = ${this.numEnvs}*${act} = ${this.numEnvs * act} entries, got ${actions.length}.`);
    this.episodes.forEach((e, i) => e.beginStep(subarray(actions, i * act, act)));
    this.world.step(this.def.physics.frameSkip);
    const obs = new Float32Array(this.numEnvs * dim);
    const rewards = new Float32Array(this.numEnvs);
    const terminated = new Uint8Array(this.numEnvs);
    const truncated = new Uint8Array(this.numEnvs);
    const infos: Array<StepInfo & { finalObs?: Float32Array }> = [];
    this.episodes.forEach((e, i) => {
      const r = e.endStep();
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      const done = r.terminated || r.truncated;
      infos.push(done ? { ...r.info, finalObs: r.obs } : r.info);
      obs.set(done ? e.reset() : r.obs, i * dim);
    });
    return { obs, rewards, terminated, truncated, infos };
  }

  bodyPoses(): Float32Array {
    const per = this.robot.bodies.length * 7;
    const out = new Float32Array(this.numEnvs * per);
    this.episodes.forEach((e, i) => e.robot.bodyPoses(out, i * per));
    return out;
  }

  stateHash(): string {
    return this.world.hash();
  }

  close(): void {
    this.world.free();
  }
}

function subarray(a: ArrayLike<number>, start: number, length: number): ArrayLike<number> {
  return a instanceof Float32Array || a instanceof Float64Array ? a.subarray(start, start + length) : Array.prototype.slice.call(a, start, start + length);
}
