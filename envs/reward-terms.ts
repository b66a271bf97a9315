/**
 * Reward terms shared by the locomotion families.
 */
import type { RewardContext } from './task-def.js';
import type { Task } from './types.js';

/** Root velocity (m/s) over the last control step, from the position change (as Gym computes it), [x, y]. */
export function rootVelocity(ctx: RewardContext<Task>): [number, number] {
  return [(ctx.rootAfter[0] - ctx.rootBefore[0]) / ctx.dt, (ctx.rootAfter[1] - ctx.rootBefore[1]) / ctx.dt];
}

/** Quadratic control cost `-weight * |a|^2`. */
export function controlCost(action: Float32Array, weight: number): number {
  let s = 0;
  for (let i = 0; i < action.length; i++) s += action[i] * action[i];
  return -weight * s;
}
