/**
 * AntGoal-v0: the ant must walk to a hidden goal in a disc of radius 3 m.
 */
import { antObservation } from './observations.js';
import { taskDistribution, taskObject, vectorIn } from './task-dist.js';
import type { RobotTaskDef } from './task-def.js';
import { ANT_COMMON_TERMS, ANT_PHYSICS, ANT_RESET_NOISE, ANT_ROBOT, antCommonTerms } from './ant-common.js';

/** Goal position on the ground (m). */
export type AntGoalTask = { goal: [number, number] };

const RADIUS = 3;
const SUCCESS_RADIUS = 0.5;

export const antGoal: RobotTaskDef<AntGoalTask> = {
  id: 'AntGoal-v0',
  description: 'Ant quadruped; walk to a hidden goal within 3 m. Reward: -distance to goal + alive - control; terminates when fallen.',
  robot: ANT_ROBOT,
  physics: ANT_PHYSICS,
  horizon: 200,
  tasks: taskDistribution<AntGoalTask>({
    parameters: [{ name: 'goal', description: 'goal position x, y', units: 'm', size: 2, distribution: `uniform in the disc of radius ${RADIUS}` }],
    draw: (rng) => {
      const r = RADIUS * Math.sqrt(rng.uniform());
      const a = rng.uniform(0, 2 * Math.PI);
      return { goal: [r * Math.cos(a), r * Math.sin(a)] };
    },
    parse: (v) => ({ goal: vectorIn(taskObject(v, ['goal']), 'goal', 2, -50, 50) as [number, number] }),
    features: (t) => t.goal,
  }),
  observation: antObservation,
  rewardTerms: [{ name: 'distance', size: 1, description: 'minus the torso distance to the goal (m)' }, ...ANT_COMMON_TERMS],
  reward: (ctx) => {
    const d = Math.hypot(ctx.rootAfter[0] - ctx.task.goal[0], ctx.rootAfter[1] - ctx.task.goal[1]);
    const { alive, control, terminated } = antCommonTerms(ctx.rootAfter[2], ctx.action);
    return { terms: { distance: -d, alive, control }, terminated, success: d < SUCCESS_RADIUS };
  },
  resetNoise: ANT_RESET_NOISE,
  success: `torso within ${SUCCESS_RADIUS} m of the goal`,
};
