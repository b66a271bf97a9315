/**
 * ReacherGoal-v0: the 2-link arm must bring its fingertip to a hidden goal on the table (Gym's reacher, goal hidden).
 */
import { REACHER_FINGERTIP, REACHER_LOWER_LINK, reacherSpec } from '../sim/robots/reacher.js';
import { reacherObservation } from './observations.js';
import { controlCost } from './reward-terms.js';
import { goalTasks, type GoalTask } from './goal-tasks.js';
import type { RobotTaskDef } from './task-def.js';
import type { RobotHandle } from '../sim/build.js';
import { armatureNote, RAPIER_NOT_MUJOCO, velocityNoiseNote } from './fidelity-notes.js';

export type ReacherGoalTask = GoalTask;

const RADIUS = 0.2;
const SUCCESS_RADIUS = 0.05;

const fingertip = (robot: RobotHandle) => robot.pointOnBody(REACHER_LOWER_LINK, REACHER_FINGERTIP);

export const reacherGoal: RobotTaskDef<ReacherGoalTask> = {
  id: 'ReacherGoal-v0',
  description: '2-link arm on a table; bring the fingertip to a hidden goal. Reward: -fingertip distance to the goal - |a|^2; success within 5 cm.',
  robot: reacherSpec,
  physics: { dt: 0.01, frameSkip: 2, ground: false },
  horizon: 50,
  tasks: goalTasks({ kind: 'disc', radius: RADIUS }, 0.21, 'goal position x, y on the table'),
  observation: reacherObservation(fingertip),
  rewardTerms: [
    { name: 'distance', size: 1, description: 'minus fingertip distance to the goal (m)' },
    { name: 'control', size: 1, description: '-|a|^2' },
  ],
  reward: (ctx) => {
    const tip = fingertip(ctx.robot);
    const d = Math.hypot(tip[0] - ctx.task.goal[0], tip[1] - ctx.task.goal[1]);
    return { terms: { distance: -d, control: controlCost(ctx.action, 1) }, success: d < SUCCESS_RADIUS };
  },
  resetNoise: { position: 0.1, velocity: 0.005 },
  success: `fingertip within ${SUCCESS_RADIUS * 100} cm of the goal`,
  reference: 'Gymnasium Reacher-v5: Farama-Foundation/Gymnasium gymnasium/envs/mujoco/reacher_v5.py',
  differences: [
    RAPIER_NOT_MUJOCO,
    'The goal is the hidden task: drawn from the task distribution and kept across resets; Gymnasium draws a new target at every reset and shows it in the observation.',
    'The observation (8) has the fingertip x, y where Gymnasium (10) has the target x, y and fingertip minus target.',
    armatureNote(1, 1),
    velocityNoiseNote(0.005),
    'Success (fingertip within 5 cm of the goal) is ours; Gymnasium defines none.',
  ],
};
