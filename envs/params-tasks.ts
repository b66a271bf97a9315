/**
 * Randomised-dynamics tasks (the *Params families): per-body mass, inertia and friction multipliers and per-joint
 * damping multipliers, each base^U(-3, 3) as rand_param_envs/base.py draws them (lines 87-103): base 1.5 for mass,
 * inertia and friction, 1.3 for damping.
 */
import type { RobotHandle } from '../sim/build.js';
import type { RobotSpec } from '../sim/robot-spec.js';
import { specJoints } from '../sim/robot-spec.js';
import { taskDistribution, taskObject, vectorIn } from './task-dist.js';
import type { TaskDistribution } from './types.js';

/** Dynamics multipliers: massScale, inertiaScale, frictionScale per body; dampingScale per joint. */
export type ParamsTask = { massScale: number[]; inertiaScale: number[]; dampingScale: number[]; frictionScale: number[] };

const LOG_SCALE_LIMIT = 3;
const KEYS = ['massScale', 'inertiaScale', 'dampingScale', 'frictionScale'] as const;
type Key = (typeof KEYS)[number];
/** Base b of each multiplier's law b^U(-3, 3). */
const BASES: Record<Key, number> = { massScale: 1.5, inertiaScale: 1.5, dampingScale: 1.3, frictionScale: 1.5 };

/** The task distribution over dynamics multipliers of `spec`. */
export function paramsTasks(spec: RobotSpec): TaskDistribution<ParamsTask> {
  const nb = spec.bodies.length;
  const nj = specJoints(spec).length;
  const sizes: Record<Key, number> = { massScale: nb, inertiaScale: nb, dampingScale: nj, frictionScale: nb };
  return taskDistribution<ParamsTask>({
    parameters: KEYS.map((k) => ({
      name: k,
      description: `${k.replace('Scale', '')} multiplier per ${k === 'dampingScale' ? 'joint' : 'body'}`,
      units: 'multiplier',
      size: sizes[k],
      distribution: `${BASES[k]}^U(-${LOG_SCALE_LIMIT}, ${LOG_SCALE_LIMIT}) each`,
    })),
    draw: (rng) => {
      const draw = (k: Key) => Array.from({ length: sizes[k] }, () => BASES[k] ** rng.uniform(-LOG_SCALE_LIMIT, LOG_SCALE_LIMIT));
      return { massScale: draw('massScale'), inertiaScale: draw('inertiaScale'), dampingScale: draw('dampingScale'), frictionScale: draw('frictionScale') };
    },
    parse: (v) => {
      const obj = taskObject(v, [...KEYS]);
      const [massScale, inertiaScale, dampingScale, frictionScale] = KEYS.map((k) =>
        vectorIn(obj, k, sizes[k], BASES[k] ** -LOG_SCALE_LIMIT * 0.999, BASES[k] ** LOG_SCALE_LIMIT * 1.001),
      );
      return { massScale, inertiaScale, dampingScale, frictionScale };
    },
    features: (t) => KEYS.flatMap((k) => t[k].map((x) => Math.log(x) / Math.log(BASES[k]))),
  });
}

/** Apply a ParamsTask to the robot's dynamics. */
export function applyParams(robot: RobotHandle, task: ParamsTask): void {
  robot.setDynamics(task);
}
