/**
 * The gym-like interfaces: Env, VecEnv, tasks and task distributions, env cards.
 */
import type { BlockPolicy } from './block-policy.js';
import type { Box } from './box.js';
import type { Rng } from './rng.js';
import type { RobotSpec } from '../sim/robot-spec.js';

/** A JSON value (tasks, cards and results are plain JSON). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A task: plain JSON, e.g. `{ targetVelocity: 1.3 }` or `{ goal: [0.2, -0.4] }`. */
export type Task = { [key: string]: Json };

/** One scalar or vector task parameter, as documented in env cards and `metarl envs`. */
export interface TaskParameter {
  name: string;
  description: string;
  /** Units, e.g. "m/s", "rad", "multiplier". */
  units: string;
  /** Entries per task (1 for a scalar). */
  size: number;
  /** Sampling law, e.g. "uniform [0, 2]" or "1.5^U(-3, 3) per body". */
  distribution: string;
}

/** Which tasks a distribution hands out: training tasks, or the fixed held-out test tasks. */
export type Split = 'train' | 'test';

/** A seeded distribution over tasks of type T. */
export interface TaskDistribution<T extends Task> {
  parameters: readonly TaskParameter[];
  /** Draw `n` training tasks from `rng` (independently: `sample(rng, n)` equals n calls of `sample(rng, 1)`). */
  sample(rng: Rng, n: number): T[];
  /** Every task, where the distribution is over a small finite set (CheetahDir: ±1); absent for continuous ones. */
  support?: readonly T[];
  /** The first `n` held-out test tasks: fixed for the env (a reserved seed), identical on every machine. */
  testTasks(n: number): T[];
  /** Check an untrusted value (CLI, viewer) and return it as a task, or throw an error naming the fix. */
  parse(value: unknown): T;
  /** The task as numbers, appended to observations in oracle mode, [taskDim]. */
  features(task: T): number[];
}

/** Step information. Reward terms are reported separately; their sum is the reward. */
export interface StepInfo {
  rewardTerms: Record<string, number>;
  /** Steps taken in this episode, after this step. */
  episodeStep: number;
  /** Whether the task's success criterion holds (envs that define success). */
  success?: boolean;
  /** Set when the physics diverged: the episode is truncated and the observation is the last finite one. */
  physicsError?: string;
}

/** The result of `Env.step`. */
export interface StepResult {
  /** Observation, [obsDim]. */
  obs: Float32Array;
  reward: number;
  /** The episode ended by the task's own rule (e.g. the hopper fell). */
  terminated: boolean;
  /** The episode was cut: horizon reached or physics error. */
  truncated: boolean;
  info: StepInfo;
}

/** Named slice of a flat vector (observation or action layout). */
export interface LayoutEntry {
  name: string;
  size: number;
  description?: string;
}

/** Everything needed to reproduce and interpret an env: what results files embed. */
export interface EnvCard {
  id: string;
  description: string;
  robot: string;
  observation: { dim: number; layout: LayoutEntry[] };
  action: { dim: number; layout: LayoutEntry[]; low: number; high: number };
  rewardTerms: LayoutEntry[];
  task: { parameters: TaskParameter[]; hiddenFromObservation: boolean };
  /** Steps per episode before truncation. */
  horizon: number;
  /** Seconds of simulated time per env step (physics dt × frameSkip). */
  controlDt: number;
  physics: { engine: string; dt: number; frameSkip: number; solverIterations: number };
  success?: string;
  /** The published task this env follows: paper and reference code (RobotTaskDef.reference). */
  reference: string;
  /** Each deliberate deviation from the reference, one sentence each (RobotTaskDef.differences). */
  differences: string[];
  /** Digest of everything above: equal hashes, same env. */
  hash: string;
}

/** A single environment with a settable task. `reset` never changes the task. */
export interface Env<T extends Task = Task> {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly card: EnvCard;
  /** The robot, for viewers (shapes and body order of `bodyPoses`). */
  readonly robot: RobotSpec;
  /** Start an episode. A seed makes the initial state reproducible; without one the env's own stream continues. */
  reset(options?: { seed?: number }): { obs: Float32Array; info: { task: T } };
  /** Advance one control step. `action` has `actionSpace.dim` finite entries (clipped to the bounds). */
  step(action: ArrayLike<number>): StepResult;
  setTask(task: T): void;
  getTask(): T;
  /** Body poses (position xyz then quaternion xyzw per body, relative to the robot origin), [numBodies*7]. */
  bodyPoses(): Float32Array;
  /** Digest of the physics state, for determinism checks. */
  stateHash(): string;
  close(): void;
}

/** Batched step result of a VecEnv; entries for env i at [i*dim, (i+1)*dim). */
export interface VecStepResult {
  /** Next observations, [numEnvs*obsDim]; for an env that just finished, the first obs of its next episode. */
  obs: Float32Array;
  rewards: Float32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** Per-env info; for finished envs `finalObs` holds the last observation of the finished episode. */
  infos: Array<StepInfo & { finalObs?: Float32Array }>;
}

/** N envs of one family stepped together, with autoreset. */
export interface VecEnv<T extends Task = Task> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box;
  readonly card: EnvCard;
  readonly robot: RobotSpec;
  /** One task per env, [numEnvs]. Takes effect immediately (dynamics) and for rewards from the next step. */
  setTasks(tasks: readonly T[]): void;
  getTasks(): T[];
  /** Reset all envs; env i gets seed `seed + i` when a seed is given. Returns [numEnvs*obsDim]. */
  reset(seed?: number): Float32Array;
  /** Step all envs with actions [numEnvs*actDim]; finished envs are reset automatically. */
  step(actions: ArrayLike<number>): VecStepResult;
  /**
   * Optional (envs stepped on several threads): install a policy that each block of envs evaluates on its own
   * thread (envs/block-policy.ts), for {@link VecEnv.stepWithBlockPolicy}.
   */
  setBlockPolicy?(policy: BlockPolicy): void;
  /**
   * Optional, with setBlockPolicy: every block acts with the installed policy on its latest observations and
   * `stepData(first, count)` (per-step data of envs [first, first + count), e.g. their noise), then steps.
   * Same result as `step` with those actions. @returns the actions [numEnvs*actDim] and the step's result.
   */
  stepWithBlockPolicy?(stepData: (first: number, count: number) => unknown): { actions: Float32Array; result: VecStepResult };
  /** Body poses of all envs, [numEnvs*numBodies*7]. */
  bodyPoses(): Float32Array;
  stateHash(): string;
  close(): void;
}
