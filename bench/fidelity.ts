/**
 * Physics fidelity under random actions: how far Rapier's iterative solver lets the robots' revolute joints
 * stray (sim/joint-errors.ts) while they run episodes of an env as a VecEnv runs them: `robots` robots in one
 * world at `robotOrigin(i)`, each an env (`RobotEpisode`: reset noise, action clipping, episode ends), uniform
 * random actions in [-1, 1] from a seeded Rng, reset at every episode end. The errors are read after every env
 * step, per joint.
 */
import { jointErrors, type JointError } from '../sim/joint-errors.js';
import { initPhysics } from '../sim/rapier.js';
import { envSpec, Rng } from '../envs/index.js';
import { RobotEpisode } from '../envs/robot-episode.js';
import { createWorld } from '../envs/task-def.js';
import type { Task } from '../envs/types.js';
import { robotOrigin } from '../envs/vec-env.js';
import { fillUniform } from './physics-rates.js';

/** What to run. */
export interface FidelityOptions {
  /** Robots (envs) in the world. */
  robots: number;
  /** Env steps per robot. */
  steps: number;
  /** Seeds the resets (robot i: seed + i) and the actions (default 0). */
  seed?: number;
}

/** Joint constraint errors over every joint of every robot after every env step. */
export interface FidelityReport {
  envId: string;
  robots: number;
  /** Env steps per robot. */
  steps: number;
  /** Joint readings summarised (robots × steps × joints, less those of steps with a physics error). */
  samples: number;
  /** Episodes cut by a physics error (non-finite state); their last step is not read. */
  physicsErrors: number;
  /** Joint angle past its nearer limit (rad): largest, mean over all readings (0 inside the range). */
  limitOvershoot: { max: number; mean: number; /** Share of readings past a limit, in [0, 1]. */ fraction: number };
  /** Distance between a hinge's two anchor points (mm): largest, mean, 99th percentile. */
  anchorGapMm: { max: number; mean: number; p99: number };
  /** Angle between a hinge's axis as carried by parent and child (rad): largest. */
  axisTilt: { max: number };
}

/** Run `options.robots` envs of `envId` for `options.steps` env steps under random actions and summarise the joint errors. */
export async function measureFidelity(envId: string, options: FidelityOptions): Promise<FidelityReport> {
  await initPhysics();
  const def = envSpec(envId).def;
  const seed = options.seed ?? 0;
  const world = createWorld(def);
  try {
    const episodes = Array.from({ length: options.robots }, (_, i) => new RobotEpisode<Task>(def, world, robotOrigin(i), {}, i));
    episodes.forEach((e, i) => e.reset(seed + i));
    const rng = Rng.fromSeed(seed);
    const action = new Float32Array(def.robot.actuators.length);
    const readings: JointError[] = [];
    let physicsErrors = 0;
    for (let t = 0; t < options.steps; t++) {
      for (const e of episodes) {
        fillUniform(rng, action);
        e.beginStep(action);
      }
      world.step(def.physics.frameSkip);
      for (const e of episodes) {
        const r = e.endStep();
        if (r.info.physicsError) physicsErrors++;
        else readings.push(...jointErrors(e.robot));
        if (r.terminated || r.truncated) e.reset();
      }
    }
    return { envId, robots: options.robots, steps: options.steps, physicsErrors, ...summarizeJointErrors(readings) };
  } finally {
    world.free();
  }
}

/** Max, mean and p99 of joint-error readings (gaps converted from m to mm). */
export function summarizeJointErrors(readings: readonly JointError[]): Pick<FidelityReport, 'samples' | 'limitOvershoot' | 'anchorGapMm' | 'axisTilt'> {
  if (readings.length === 0) throw new Error('summarizeJointErrors: no readings (every step had a physics error?).');
  const n = readings.length;
  const overshoot = readings.map((r) => r.limitOvershoot);
  const gaps = Float64Array.from(readings, (r) => r.anchorGap * 1000).sort();
  return {
    samples: n,
    limitOvershoot: { max: maxOf(overshoot), mean: sumOf(overshoot) / n, fraction: overshoot.filter((x) => x > 0).length / n },
    anchorGapMm: { max: gaps[n - 1], mean: sumOf(gaps) / n, p99: gaps[Math.min(n - 1, Math.ceil(0.99 * n) - 1)] },
    axisTilt: { max: maxOf(readings.map((r) => r.axisTilt)) },
  };
}

function sumOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

function maxOf(xs: readonly number[]): number {
  return xs.reduce((m, x) => Math.max(m, x), 0);
}
