/**
 * robotEnv(): the one env factory. A RobotTaskDef (robot + physics settings + observation + reward + task
 * distribution) becomes an EnvSpec that makes single envs and vector envs (many robots, one world each).
 */
import { initPhysics } from '../sim/rapier.js';
import type { RobotSpec } from '../sim/robot-spec.js';
import type { PhysicsWorld } from '../sim/world.js';
import type { Box } from './box.js';
import { envCard } from './env-card.js';
import { RobotEpisode } from './robot-episode.js';
import { actionSpace, applyEnvOptions, createWorld, observationSpace, type EnvOptions, type RobotTaskDef } from './task-def.js';
import type { Env, EnvCard, StepResult, Task, VecEnv } from './types.js';
import { RobotVecEnv } from './vec-env.js';
import { WorkerVecEnv, type VecRunOptions } from './worker-vec.js';

/** A registered env family: makes envs and vector envs and describes itself. */
export interface EnvSpec<T extends Task = Task> {
  readonly id: string;
  readonly def: RobotTaskDef<T>;
  /** A single env (one robot in its own world). */
  make(options?: EnvOptions): Promise<Env<T>>;
  /**
   * `numEnvs` envs, batched, with autoreset: robots on this thread (one world each), or split over worker threads
   * (`run.workers` > 1; same numbers bit for bit).
   */
  makeVec(numEnvs: number, options?: EnvOptions, run?: VecRunOptions): Promise<VecEnv<T>>;
  /** The env card (needs the physics engine initialised for its version: async). */
  card(options?: EnvOptions): Promise<EnvCard>;
}

/** Turn a task family definition into an EnvSpec. */
export function robotEnv<T extends Task>(def: RobotTaskDef<T>): EnvSpec<T> {
  return {
    id: def.id,
    def,
    async make(options = {}) {
      await initPhysics();
      return new RobotEnv(applyEnvOptions(def, options), options);
    },
    async makeVec(numEnvs, options = {}, run = {}) {
      if ((run.workers ?? 1) > 1 && numEnvs > 1) return WorkerVecEnv.create(applyEnvOptions(def, options), numEnvs, options, run);
      await initPhysics();
      return new RobotVecEnv(applyEnvOptions(def, options), numEnvs, options);
    },
    async card(options = {}) {
      await initPhysics();
      return envCard(applyEnvOptions(def, options), options);
    },
  };
}

/** A single env: one robot alone in its world. */
class RobotEnv<T extends Task> implements Env<T> {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly card: EnvCard;
  readonly robot: RobotSpec;
  private readonly world: PhysicsWorld;
  private readonly episode: RobotEpisode<T>;

  constructor(private readonly def: RobotTaskDef<T>, options: EnvOptions) {
    this.id = def.id;
    this.robot = def.robot;
    this.observationSpace = observationSpace(def, options);
    this.actionSpace = actionSpace(def);
    this.card = envCard(def, options);
    this.world = createWorld(def as RobotTaskDef<Task>);
    this.episode = new RobotEpisode(def, this.world, [0, 0, 0], options);
  }

  reset(options: { seed?: number } = {}): { obs: Float32Array; info: { task: T } } {
    return { obs: this.episode.reset(options.seed), info: { task: this.episode.getTask() } };
  }

  step(action: ArrayLike<number>): StepResult {
    this.episode.beginStep(action);
    this.world.step(this.def.physics.frameSkip);
    return this.episode.endStep();
  }

  setTask(task: T): void {
    this.episode.setTask(task);
  }

  getTask(): T {
    return this.episode.getTask();
  }

  bodyPoses(): Float32Array {
    const out = new Float32Array(this.robot.bodies.length * 7);
    this.episode.robot.bodyPoses(out);
    return out;
  }

  stateHash(): string {
    return this.world.hash();
  }

  close(): void {
    this.world.free();
  }
}
