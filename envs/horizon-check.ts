/**
 * The conformance check's horizon rule on the real env: every episode ends by termination before the horizon or by
 * truncation exactly at it (truncated, not terminated), never later, and for some seed an episode reaches the
 * horizon. Robots that fall under zero actions (hopper, walker) are held up by {@link holdPolicy}.
 */
import { specJoints } from '../sim/robot-spec.js';
import type { RobotTaskDef } from './task-def.js';
import type { Env, Task } from './types.js';

/** Seeds tried, in order, until an episode reaches the horizon. */
export const HORIZON_SEEDS = 8;

/** Gains of {@link holdPolicy}: action per rad of joint angle and per rad/s of joint velocity. */
const HOLD_GAINS = { angle: 2, velocity: 0.2 };

/** Offset of the layout entry `name` in the observation, or -1. */
function layoutOffset(def: RobotTaskDef<Task>, name: string): number {
  let offset = 0;
  for (const entry of def.observation.layout) {
    if (entry.name === name) return offset;
    offset += entry.size;
  }
  return -1;
}

/**
 * A policy that holds every actuated joint at angle 0 (the rest pose) with a PD law on the observed joint angles
 * and velocities: `a = clip(-2 q - 0.2 qdot, -1, 1)`. It reads the layout entries `joint.angle` and
 * `joint.velocity` (the built-in planar and ant layouts); without them, or for root-force actuators, it acts 0.
 * @returns obs [obsDim] -> action [actDim]
 */
export function holdPolicy(def: RobotTaskDef<Task>): (obs: Float32Array) => Float32Array {
  const angles = layoutOffset(def, 'joint.angle');
  const velocities = layoutOffset(def, 'joint.velocity');
  const names = specJoints(def.robot).map((j) => j.name);
  const joint = def.robot.actuators.map((a) => (a.kind === 'joint' && angles >= 0 && velocities >= 0 ? names.indexOf(a.joint) : -1));
  return (obs) =>
    Float32Array.from(joint, (j) => {
      if (j < 0) return 0;
      const u = -HOLD_GAINS.angle * obs[angles + j] - HOLD_GAINS.velocity * obs[velocities + j];
      return Math.min(1, Math.max(-1, u));
    });
}

/** How one episode ended: at the horizon (truncated), before it (terminated), or a failure line. */
type EpisodeEnd = { reachedHorizon: boolean; steps: number } | { failure: string };

/** Run one episode from `seed` under `policy`, checking the step count and the end flags at every step. */
function horizonEpisode(env: Env, seed: number, policy: (obs: Float32Array) => Float32Array): EpisodeEnd {
  const horizon = env.card.horizon;
  let obs = env.reset({ seed }).obs;
  for (let steps = 1; ; steps++) {
    const r = env.step(policy(obs));
    obs = r.obs;
    const at = `seed ${seed}, step ${steps}`;
    if (r.info.episodeStep !== steps) return { failure: `${at}: info.episodeStep is ${r.info.episodeStep}, expected ${steps}: count control steps since reset` };
    if (r.terminated && r.truncated) return { failure: `${at}: terminated and truncated are both set: an episode ends one way (terminated by the task's rule, else truncated at the horizon)` };
    if (r.info.physicsError) return { failure: `${at}: physics error while holding the rest pose (${r.info.physicsError}): check the robot's masses, gears and the physics dt` };
    if (r.truncated) return steps === horizon ? { reachedHorizon: true, steps } : { failure: `${at}: truncated, not at the horizon ${horizon}: truncate exactly when episodeStep reaches card.horizon` };
    if (r.terminated) return { reachedHorizon: false, steps };
    if (steps >= horizon) return { failure: `${at}: the episode ran past its horizon ${horizon} without truncation: set truncated when episodeStep reaches card.horizon` };
  }
}

/**
 * Episodes of `env` under {@link holdPolicy}, from seeds 0, 1, ... until one reaches the horizon: each must end
 * correctly, and one of the first {@link HORIZON_SEEDS} must be truncated exactly at the horizon.
 * @returns failure lines (none: passed)
 */
export function horizonFailures(env: Env, def: RobotTaskDef<Task>): string[] {
  const policy = holdPolicy(def);
  const ends: number[] = [];
  for (let seed = 0; seed < HORIZON_SEEDS; seed++) {
    const end = horizonEpisode(env, seed, policy);
    if ('failure' in end) return [end.failure];
    if (end.reachedHorizon) return [];
    ends.push(end.steps);
  }
  return [
    `no episode reached the horizon ${env.card.horizon}: from seeds 0..${HORIZON_SEEDS - 1}, holding the rest pose, every episode terminated (after ${ends.join(', ')} steps), so truncation at the horizon is untested: check the termination rule, or make the rest pose stable`,
  ];
}
