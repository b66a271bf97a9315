/**
 * What the viewer server shows, as recorded "takes": the experiments layer (which knows agents) records one
 * take per task — every lane's episode as body poses — and the server plays takes back to its clients at the
 * control rate. The viewer never imports agents: it sees only these plain-data types and the RobotSpec.
 *
 * A lane is one robot drawn side by side with the others, e.g. "before adaptation", "after 1 step", ...
 * (MAML family) or "episode 1", "episode 2", ... of one RL2 trial.
 */
import type { RobotSpec } from '../sim/robot-spec.js';

/** A task as plain JSON (the env family's own shape, e.g. `{ goal: [0.2, -0.4] }`). */
export type ViewerTask = { [key: string]: unknown };

/** One task parameter as env cards describe it (for HUD labels and task editors). */
export interface ViewerTaskParameter {
  name: string;
  description: string;
  /** Units, e.g. "m/s", "rad", "multiplier". */
  units: string;
  /** Entries per task (1 for a scalar). */
  size: number;
  /** Sampling law, e.g. "uniform [0, 2]". */
  distribution: string;
}

/** Everything static about what is shown; sent once per connection in the hello message. */
export interface SceneInfo {
  /** Env id, e.g. `PointNav-v0`. */
  envId: string;
  /** Algorithm name as checkpoints record it (e.g. `maml-trpo`, `rl2-ppo`, `random`). */
  algorithm: string;
  /** The robot every lane shows (body order = the order of poses in frames). */
  robot: RobotSpec;
  /** Whether the env has a ground plane. */
  ground: boolean;
  /** Control step (s): one frame per control step. */
  dt: number;
  /** Lane labels, left to right, e.g. ["before adaptation", "after 1 step"]. */
  lanes: string[];
  /** The task parameters of the env family (task editing and HUD). */
  taskParameters: ViewerTaskParameter[];
  /** What the x axis of the live chart counts, e.g. "inner steps" or "episode in trial". */
  adaptationAxis: string;
  /** The run's evaluation (`metarl eval`'s eval.json), when it has one: drawn on the live chart as reference levels. */
  referenceCurves?: ReferenceCurve[];
}

/** One curve of a run's evaluation: the agent's measured adaptation curve or a baseline's. */
export interface ReferenceCurve {
  /** Its key in eval.json: `agent`, or a baseline such as `random`, `multitask`, `oracle`. */
  name: string;
  /** Its legend label in eval.json, e.g. "MAML-TRPO" or "multi-task + fine-tune". */
  label: string;
  /** Mean return at adaptation point 0, 1, ... (over test tasks and seeds); one entry: a level (e.g. the oracle's). */
  mean: number[];
}

/** One lane's recorded episode. */
export interface LaneRecording {
  /** Steps T recorded. */
  length: number;
  /** Body poses per step: position xyz (m) then quaternion xyzw per body, relative to the robot origin, [T * numBodies * 7]. */
  poses: Float32Array;
  /** Reward per step, [T]. */
  rewards: Float32Array;
  /** Undiscounted return of the episode. */
  return: number;
  /** Whether the env's success criterion held at the last step (undefined where the env defines none). */
  success?: boolean;
}

/** One task's recorded adaptation: a lane recording per lane of the scene, same order. */
export interface Take {
  task: ViewerTask;
  /** [lanes.length] recordings. */
  lanes: LaneRecording[];
  /**
   * The adaptation curve measured while recording (mean return at each adaptation step / trial episode),
   * for the live chart; usually one entry per lane.
   */
  curve: number[];
}

/** Produces takes; implemented in experiments/ (agents) and in tests. */
export interface TakeSource {
  readonly scene: SceneInfo;
  /**
   * Record the next take. `task` undefined: the source's next held-out task. Otherwise an untrusted value
   * (from a client): the source validates it and throws an Error whose message names the fix when invalid.
   * @param seed seeds the take's env resets and action noise.
   */
  record(task: unknown | undefined, seed: number): Promise<Take>;
  /** Free envs and tensors. */
  close(): void;
}
