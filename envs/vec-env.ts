/**
 * RobotVecEnv: N envs of one family as N robots, each in its own Rapier world, with batched Float32Array I/O and
 * autoreset.
 *
 * One world per robot, because robots sharing a world are not independent in Rapier: the order in which its
 * solver takes a robot's contact constraints depends on the other robots' colliders, so a robot's float results
 * changed with the world's contents (measured: CheetahVel, env 1 of a 32-robot world left its single-robot
 * trajectory at step 36, env 19 of a 100-robot world at step 54). Own worlds make env i's numbers depend on its
 * own actions, task, seed and place only: a VecEnv split over threads (worker-vec.ts) or machines (distributed/)
 * computes exactly what one VecEnv computes. The price, measured with 64 robots stepping on one thread: 25% of
 * the physics throughput for CheetahVel, 13% for AntGoal.
 *
 * Robots stand in a row along y, {@link ROBOT_SPACING} apart (env i at y = i * spacing), as the viewer shows them
 * side by side; env 0, at the origin, is bit-identical to a single env. Envs i > 0 are as valid but round
 * differently (their y coordinates are offset), so chaotic dynamics diverge from a single env's.
 */
import { createHash } from 'node:crypto';
import type { PhysicsWorld } from '../sim/world.js';
import type { Box } from './box.js';
import { envCard } from './env-card.js';
import { actionSpace, createWorld, observationSpace, type EnvOptions, type RobotTaskDef } from './task-def.js';
import { RobotEpisode } from './robot-episode.js';
import type { EnvCard, StepInfo, Task, VecEnv, VecStepResult } from './types.js';
import type { RobotSpec, Vec3 } from '../sim/robot-spec.js';

/** Distance between neighbouring robots of a vector env (m, along y). */
export const ROBOT_SPACING = 2;
/** Most robots one vector env holds: its row must stay on the ground slab (±2000 m) and float32 precise (< 1 mm). */
export const MAX_ROBOTS_PER_WORLD = 1000;

/** Where env `index` of a vector env stands: y = index * spacing. */
export function robotOrigin(index: number): Vec3 {
  return [0, index * ROBOT_SPACING, 0];
}

/** The in-process vector env. Autoreset is same-step: a finished env's obs is already the next episode's first. */
export class RobotVecEnv<T extends Task> implements VecEnv<T> {
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box;
  readonly card: EnvCard;
  readonly robot: RobotSpec;
  private readonly worlds: PhysicsWorld[];
  private readonly episodes: RobotEpisode<T>[];

  /**
   * @param def the task family (with env options applied)
   * @param numEnvs robots (one world each)
   * @param options env options (oracle observations, horizon)
   * @param firstIndex index of this world's first env in a larger vector env split over several worlds (worker
   *   threads): robot j stands where env firstIndex + j stands, so it computes the same numbers.
   */
  constructor(
    private readonly def: RobotTaskDef<T>,
    readonly numEnvs: number,
    options: EnvOptions,
    firstIndex = 0,
  ) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`VecEnv: numEnvs must be a positive integer, got ${numEnvs}.`);
    checkEnvCount(firstIndex + numEnvs);
    this.robot = def.robot;
    this.singleObservationSpace = observationSpace(def, options);
    this.singleActionSpace = actionSpace(def);
    this.card = envCard(def, options);
    this.worlds = Array.from({ length: numEnvs }, () => createWorld(def as RobotTaskDef<Task>));
    this.episodes = this.worlds.map((world, j) => new RobotEpisode(def, world, robotOrigin(firstIndex + j), options, firstIndex + j));
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
    for (const world of this.worlds) world.step(this.def.physics.frameSkip);
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
    return createHash('sha256').update(this.worlds.map((w) => w.hash()).join(',')).digest('hex').slice(0, 16);
  }

  close(): void {
    for (const world of this.worlds) world.free();
  }
}

/** Throw unless `numEnvs` robots fit one row of a world. */
export function checkEnvCount(numEnvs: number): void {
  if (!Number.isInteger(numEnvs) || numEnvs < 1 || numEnvs > MAX_ROBOTS_PER_WORLD)
    throw new Error(`VecEnv: numEnvs must be an integer in [1, ${MAX_ROBOTS_PER_WORLD}], got ${numEnvs}; for more, use several VecEnvs.`);
}

/** Entries [start, start + length) of `a`: a view for typed arrays, a copy otherwise. */
export function subarray(a: ArrayLike<number>, start: number, length: number): ArrayLike<number> {
  return a instanceof Float32Array || a instanceof Float64Array ? a.subarray(start, start + length) : Array.prototype.slice.call(a, start, start + length);
}
