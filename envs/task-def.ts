/**
 * RobotTaskDef: what a task family file declares (robot, physics, observation, reward, tasks), and the
 * spaces and world derived from it.
 */
import type { RobotHandle } from '../sim/build.js';
import type { RobotSpec, Vec3 } from '../sim/robot-spec.js';
import { PhysicsWorld } from '../sim/world.js';
import { Box } from './box.js';
import type { LayoutEntry, Task, TaskDistribution } from './types.js';

/** Observation builder: layout plus a writer of the task-free observation of one robot. */
export interface ObservationDef {
  layout: LayoutEntry[];
  /** Write the observation of `robot` into `out` at `offset` ([obsDim] entries). */
  write(robot: RobotHandle, out: Float32Array, offset: number): void;
}

/** What a reward function sees after a control step. */
export interface RewardContext<T extends Task> {
  robot: RobotHandle;
  task: T;
  /** The action as applied (clipped to [-1, 1]), [actDim]. */
  action: Float32Array;
  /** Root body position before and after the step (m, relative to the robot origin). */
  rootBefore: Vec3;
  rootAfter: Vec3;
  /** Control step duration (s). */
  dt: number;
}

/** Reward terms (summed into the reward), plus the optional termination and success flags. */
export interface RewardOutput {
  terms: Record<string, number>;
  terminated?: boolean;
  success?: boolean;
}

/** Physics settings of a task family. */
export interface PhysicsDef {
  /** Physics timestep (s). */
  dt: number;
  /** Physics steps per control step. */
  frameSkip: number;
  /** Velocity-solver iterations (default 4). */
  solverIterations?: number;
  /** Whether the robot stands on a ground plane (false: no ground, no contacts). */
  ground: boolean;
  gravity?: Vec3;
}

/** Scale of the random initial state: uniform ±position on positions/angles, normal×velocity on velocities. */
export interface ResetNoise {
  position: number;
  velocity: number;
}

/** A task family on a robot: everything robotEnv() needs. */
export interface RobotTaskDef<T extends Task> {
  /** Env id, `Name-vN`. */
  id: string;
  description: string;
  robot: RobotSpec;
  physics: PhysicsDef;
  /** Control steps per episode before truncation. */
  horizon: number;
  tasks: TaskDistribution<T>;
  observation: ObservationDef;
  /** The reward terms `reward()` returns, in order, with descriptions. */
  rewardTerms: LayoutEntry[];
  reward(ctx: RewardContext<T>): RewardOutput;
  /** Apply a task's dynamics parameters to the robot (Params envs); reward-only tasks omit it. */
  applyTask?(robot: RobotHandle, task: T): void;
  resetNoise: ResetNoise;
  /** Human-readable success criterion, when the family defines success. */
  success?: string;
  /**
   * The published task this family follows, as `Short name (authors year): repository path`, e.g.
   * `MAML HalfCheetahVel (Finn et al. 2017): cbfinn/maml_rl rllab/envs/mujoco/half_cheetah_env_rand.py`.
   * Every built-in env declares one (test/env-fidelity.test.ts); an original task may omit it.
   */
  reference?: string;
  /**
   * Every deliberate deviation from {@link RobotTaskDef.reference}, one sentence each, with the measured reason
   * where there is one (engine, masses, control step, reward terms, termination, observation, ...).
   */
  differences?: readonly string[];
}

/** Options when making an env. */
export interface EnvOptions {
  /** Append the task's features to the observation (the "oracle" baseline). Default false. */
  oracle?: boolean;
  /** Control steps per episode before truncation, overriding the family's horizon (positive integer). */
  horizon?: number;
}

/** `def` with the options that change the definition applied (the horizon override); throws on a bad value. */
export function applyEnvOptions<T extends Task>(def: RobotTaskDef<T>, options: EnvOptions): RobotTaskDef<T> {
  if (options.horizon === undefined) return def;
  if (!Number.isSafeInteger(options.horizon) || options.horizon < 1) {
    throw new Error(`${def.id}: horizon must be a positive integer (control steps per episode), got ${options.horizon}.`);
  }
  return { ...def, horizon: options.horizon };
}

/** A new physics world configured for `def`. */
export function createWorld(def: RobotTaskDef<Task>): PhysicsWorld {
  const p = def.physics;
  return new PhysicsWorld({ dt: p.dt, gravity: p.gravity, ground: p.ground ? { friction: 1 } : false, solverIterations: p.solverIterations });
}

/** Observation dimension (with the task appended in oracle mode). */
export function observationDim<T extends Task>(def: RobotTaskDef<T>, options: EnvOptions): number {
  const base = def.observation.layout.reduce((s, e) => s + e.size, 0);
  return base + (options.oracle ? taskFeatureDim(def) : 0);
}

/** Length of the task feature vector appended in oracle mode. */
export function taskFeatureDim<T extends Task>(def: RobotTaskDef<T>): number {
  return def.tasks.features(def.tasks.testTasks(1)[0]).length;
}

/** Observation space: unbounded float32 box of the observation dimension. */
export function observationSpace<T extends Task>(def: RobotTaskDef<T>, options: EnvOptions): Box {
  return new Box(-Infinity, Infinity, observationDim(def, options));
}

/** Action space: [-1, 1] per actuator. */
export function actionSpace<T extends Task>(def: RobotTaskDef<T>): Box {
  return new Box(-1, 1, def.robot.actuators.length);
}
