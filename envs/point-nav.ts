/**
 * PointNav-v0: a point mass must reach a hidden goal in [-0.5, 0.5]^2 (MAML's 2-D navigation, with physics).
 */
import { pointSpec } from '../sim/robots/point.js';
import { pointObservation } from './observations.js';
import { goalTasks, type GoalTask } from './goal-tasks.js';
import type { RobotTaskDef } from './task-def.js';

export type PointNavTask = GoalTask;

const EXTENT = 0.5;
const SUCCESS_RADIUS = 0.1;

export const pointNav: RobotTaskDef<PointNavTask> = {
  id: 'PointNav-v0',
  description: 'Point mass on a plane, force-controlled with damping; reach a hidden goal. Reward: -distance to the goal; success within 0.1 m.',
  robot: pointSpec,
  physics: { dt: 0.02, frameSkip: 5, ground: false },
  horizon: 100,
  tasks: goalTasks({ kind: 'square', extent: EXTENT }, 10, 'goal position x, y'),
  observation: pointObservation,
  rewardTerms: [{ name: 'distance', size: 1, description: 'minus the distance to the goal (m)' }],
  reward: ({ rootAfter, task }) => {
    const d = Math.hypot(rootAfter[0] - task.goal[0], rootAfter[1] - task.goal[1]);
    return { terms: { distance: -d }, success: d < SUCCESS_RADIUS };
  },
  resetNoise: { position: 0, velocity: 0 },
  success: `within ${SUCCESS_RADIUS} m of the goal`,
  reference: 'MAML 2-D navigation (Finn et al. 2017): cbfinn/maml_rl maml_examples/point_env_randgoal.py',
  differences: [
    "A damped point mass pushed by forces (gear 5 N, damping 10 /s, about 0.95 m/s at |u| = 1, 0.1 s per step) instead of MAML's kinematic point that moves by the action (at most 0.1 per axis per step): velocity carries over between steps.",
    'The observation has the position and the velocity (4 entries); MAML observes the position only (2).',
    'Episodes do not end at the goal; MAML ends them once the point is within 0.01 of the goal on both axes.',
    'Success (within 0.1 m of the goal) is ours; MAML defines none.',
  ],
};
