/**
 * AntGoal-v0: the ant must walk to a hidden goal in a disc of radius 3 m.
 */
import { antObservation } from './observations.js';
import { goalTasks, type GoalTask } from './goal-tasks.js';
import type { RobotTaskDef } from './task-def.js';
import { ANT_COMMON_TERMS, ANT_PHYSICS, ANT_RESET_NOISE, ANT_ROBOT, antCommonTerms } from './ant-common.js';

export type AntGoalTask = GoalTask;

const RADIUS = 3;
const SUCCESS_RADIUS = 0.5;

export const antGoal: RobotTaskDef<AntGoalTask> = {
  id: 'AntGoal-v0',
  description: 'Ant quadruped; walk to a hidden goal within 3 m. Reward: -distance to goal + alive - control; terminates when fallen.',
  robot: ANT_ROBOT,
  physics: ANT_PHYSICS,
  horizon: 200,
  tasks: goalTasks({ kind: 'disc', radius: RADIUS }, 50, 'goal position x, y'),
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
