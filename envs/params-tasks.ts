/**
 * Randomised-dynamics tasks (the *Params families): per-body mass, inertia and friction multipliers and
 * per-joint damping multipliers, each 1.5^U(-3, 3) as in the rand_param_envs used by MAML/ProMP.
 */
import type { RobotHandle } from '../sim/build.js';
import type { RobotSpec } from '../sim/robot-spec.js';
import { specJoints } from '../sim/robot-spec.js';
import { taskDistribution, taskObject, vectorIn } from './task-dist.js';
import type { TaskDistribution } from './types.js';

/** Dynamics multipliers: massScale, inertiaScale, frictionScale per body; dampingScale per joint. */
export type ParamsTask = { massScale: number[]; inertiaScale: number[]; dampingScale: number[]; frictionScale: number[] };

const BASE = 1.5;
const LOG_SCALE_LIMIT = 3;
const KEYS = ['massScale', 'inertiaScale', 'dampingScale', 'frictionScale'] as const;

/** The task distribution over dynamics multipliers of `spec`. */
export function paramsTasks(spec: RobotSpec): TaskDistribution<ParamsTask> {
  const nb = spec.bodies.length;
  const nj = specJoints(spec).length;
  const sizes: Record<(typeof KEYS)[number], number> = { massScale: nb, inertiaScale: nb, dampingScale: nj, frictionScale: nb };
  const lo = BASE ** -LOG_SCALE_LIMIT;
  const hi = BASE ** LOG_SCALE_LIMIT;
  return taskDistribution<ParamsTask>({
    parameters: KEYS.map((k) => ({
      name: k,
      description: `${k.replace('Scale', '')} multiplier per ${k === 'dampingScale' ? 'joint' : 'body'}`,
      units: 'multiplier',
      size: sizes[k],
      distribution: `${BASE}^U(-${LOG_SCALE_LIMIT}, ${LOG_SCALE_LIMIT}) each`,
    })),
    draw: (rng) => {
      const draw = (n: number) => Array.from({ length: n }, () => BASE ** rng.uniform(-LOG_SCALE_LIMIT, LOG_SCALE_LIMIT));
      return { massScale: draw(nb), inertiaScale: draw(nb), dampingScale: draw(nj), frictionScale: draw(nb) };
    },
    parse: (v) => {
      const obj = taskObject(v, [...KEYS]);
      const [massScale, inertiaScale, dampingScale, frictionScale] = KEYS.map((k) => vectorIn(obj, k, sizes[k], lo * 0.999, hi * 1.001));
      return { massScale, inertiaScale, dampingScale, frictionScale };
    },
    features: (t) => KEYS.flatMap((k) => t[k].map((x) => Math.log(x) / Math.log(BASE))),
  });
}

/** Apply a ParamsTask to the robot's dynamics. */
export function applyParams(robot: RobotHandle, task: ParamsTask): void {
  robot.setDynamics(task);
}
