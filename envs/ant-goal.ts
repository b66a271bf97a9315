/**
 * AntGoal-v0: the ant must walk to a hidden goal in a disc of radius 3 m, as ProMP's AntRandGoal and PEARL's ant-goal:
 * reward minus the L1 distance of the torso to the goal minus the control cost, no alive bonus, no termination.
 */
import { antObservationWithXY } from './observations.js';
import { goalTasks, type GoalTask } from './goal-tasks.js';
import { controlCost } from './reward-terms.js';
import type { RobotTaskDef } from './task-def.js';
import { ANT_CONTROL_TERM, ANT_CONTROL_WEIGHT, ANT_DIFFERENCES, ANT_PHYSICS, ANT_RESET_NOISE, ANT_ROBOT } from './ant-common.js';

export type AntGoalTask = GoalTask;

const RADIUS = 3;
/** Success radius (m, Euclidean distance of the torso to the goal in the plane). */
const SUCCESS_RADIUS = 0.5;

export const antGoal: RobotTaskDef<AntGoalTask> = {
  id: 'AntGoal-v0',
  description: 'Ant quadruped; walk to a hidden goal within 3 m. Reward: -(|x - gx| + |y - gy|) - 0.1 |a|^2 (torso to goal, L1); never terminates; success within 0.5 m.',
  robot: ANT_ROBOT,
  physics: ANT_PHYSICS,
  horizon: 200,
  tasks: goalTasks({ kind: 'disc', radius: RADIUS }, 50, 'goal position x, y'),
  observation: antObservationWithXY,
  rewardTerms: [{ name: 'distance', size: 1, description: 'minus the L1 distance |x - gx| + |y - gy| of the torso to the goal (m)' }, ANT_CONTROL_TERM],
  reward: (ctx) => {
    const dx = ctx.rootAfter[0] - ctx.task.goal[0];
    const dy = ctx.rootAfter[1] - ctx.task.goal[1];
    return { terms: { distance: -(Math.abs(dx) + Math.abs(dy)), control: controlCost(ctx.action, ANT_CONTROL_WEIGHT) }, success: Math.hypot(dx, dy) < SUCCESS_RADIUS };
  },
  resetNoise: ANT_RESET_NOISE,
  success: `torso within ${SUCCESS_RADIUS} m of the goal (Euclidean)`,
  reference: 'ProMP AntRandGoal (Rothfuss et al. 2019): jonasrothfuss/ProMP meta_policy_search/envs/mujoco_envs/ant_rand_goal.py; PEARL ant-goal (Rakelly et al. 2019, katerakelly/oyster rlkit/envs/ant_goal.py) copies it',
  differences: [...ANT_DIFFERENCES, 'Success (torso within 0.5 m of the goal) is ours; the reference defines none.'],
};
