/**
 * AntDir-v0: the ant must walk in a hidden direction in the plane (angle U[0, 2π)).
 * Gym's contact cost is left out, as in Gym v4's default (contact forces excluded).
 */
import { antObservation } from './observations.js';
import { rootVelocity } from './reward-terms.js';
import { numberIn, taskDistribution, taskObject } from './task-dist.js';
import type { RobotTaskDef } from './task-def.js';
import { ANT_COMMON_TERMS, ANT_PHYSICS, ANT_RESET_NOISE, ANT_ROBOT, antCommonTerms } from './ant-common.js';

/** Walking direction: angle from +x toward +y (rad). */
export type AntDirTask = { angle: number };

export const antDir: RobotTaskDef<AntDirTask> = {
  id: 'AntDir-v0',
  description: 'Ant quadruped; walk in a hidden direction. Reward: velocity along the direction + alive - control; terminates when fallen.',
  robot: ANT_ROBOT,
  physics: ANT_PHYSICS,
  horizon: 200,
  tasks: taskDistribution<AntDirTask>({
    parameters: [{ name: 'angle', description: 'walking direction from +x toward +y', units: 'rad', size: 1, distribution: 'uniform [0, 2π)' }],
    draw: (rng) => ({ angle: rng.uniform(0, 2 * Math.PI) }),
    parse: (v) => ({ angle: numberIn(taskObject(v, ['angle']), 'angle', -2 * Math.PI, 2 * Math.PI) }),
    features: (t) => [Math.cos(t.angle), Math.sin(t.angle)],
  }),
  observation: antObservation,
  rewardTerms: [{ name: 'progress', size: 1, description: 'torso velocity along the direction (m/s)' }, ...ANT_COMMON_TERMS],
  reward: (ctx) => {
    const [vx, vy] = rootVelocity(ctx);
    const { alive, control, terminated } = antCommonTerms(ctx.rootAfter[2], ctx.action);
    return { terms: { progress: vx * Math.cos(ctx.task.angle) + vy * Math.sin(ctx.task.angle), alive, control }, terminated };
  },
  resetNoise: ANT_RESET_NOISE,
};
