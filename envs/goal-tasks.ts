/**
 * Goal-position tasks on the plane (PointNav, AntGoal, ReacherGoal): `{ goal: [x, y] }` drawn uniformly in
 * a square or a disc.
 */
import type { Rng } from './rng.js';
import { taskDistribution, taskObject, vectorIn } from './task-dist.js';
import type { TaskDistribution } from './types.js';

/** Goal position on the plane (m). */
export type GoalTask = { goal: [number, number] };

/** Where goals are drawn: uniformly in the square [-extent, extent]^2 or in the disc of `radius`. */
export type GoalRegion = { kind: 'square'; extent: number } | { kind: 'disc'; radius: number };

/**
 * Goal tasks drawn from `region`; `limit` (m) bounds each coordinate of goals accepted from users
 * (viewer edits may place goals outside the training region).
 */
export function goalTasks(region: GoalRegion, limit: number, description: string): TaskDistribution<GoalTask> {
  const law = region.kind === 'square' ? `uniform [-${region.extent}, ${region.extent}]^2` : `uniform in the disc of radius ${region.radius}`;
  return taskDistribution<GoalTask>({
    parameters: [{ name: 'goal', description, units: 'm', size: 2, distribution: law }],
    draw: (rng) => ({ goal: drawGoal(rng, region) }),
    parse: (v) => ({ goal: vectorIn(taskObject(v, ['goal']), 'goal', 2, -limit, limit) as [number, number] }),
    features: (t) => t.goal,
  });
}

function drawGoal(rng: Rng, region: GoalRegion): [number, number] {
  if (region.kind === 'square') return [rng.uniform(-region.extent, region.extent), rng.uniform(-region.extent, region.extent)];
  const r = region.radius * Math.sqrt(rng.uniform());
  const a = rng.uniform(0, 2 * Math.PI);
  return [r * Math.cos(a), r * Math.sin(a)];
}
