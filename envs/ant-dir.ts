/**
 * AntDir-v0: the ant must walk in a hidden direction in the plane (angle U[0, 2π)), as ProMP's AntRandDirec2DEnv
 * (jonasrothfuss/ProMP meta_policy_search/envs/mujoco_envs/ant_rand_direc_2d.py) and PEARL's ant-dir: velocity along
 * the direction + 1 per step - control cost, terminating when the torso height leaves [0, 1] m.
 */
import { antObservation } from './observations.js';
import { controlCost, rootVelocity } from './reward-terms.js';
import { numberIn, taskDistribution, taskObject } from './task-dist.js';
import type { RobotTaskDef } from './task-def.js';
import { ANT_CONTROL_TERM, ANT_CONTROL_WEIGHT, ANT_DIFFERENCES, ANT_PHYSICS, ANT_RESET_NOISE, ANT_ROBOT } from './ant-common.js';

/** Walking direction: angle from +x toward +y (rad). */
export type AntDirTask = { angle: number };

/** The torso height must stay within this band (m), else the episode terminates (ant_rand_direc_2d.py line 45). */
export const ANT_DIR_HEALTHY_Z: readonly [number, number] = [0, 1];

export const antDir: RobotTaskDef<AntDirTask> = {
  id: 'AntDir-v0',
  description: 'Ant quadruped; walk in a hidden direction. Reward: torso velocity along the direction + 1 - 0.1 |a|^2; terminates when the torso height leaves [0, 1] m.',
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
  rewardTerms: [
    { name: 'progress', size: 1, description: 'torso velocity along the direction (m/s)' },
    { name: 'alive', size: 1, description: '+1 every step (the survive bonus, also on the terminating step)' },
    ANT_CONTROL_TERM,
  ],
  reward: (ctx) => {
    const [vx, vy] = rootVelocity(ctx);
    const z = ctx.rootAfter[2];
    const terminated = !(z >= ANT_DIR_HEALTHY_Z[0] && z <= ANT_DIR_HEALTHY_Z[1]);
    const progress = vx * Math.cos(ctx.task.angle) + vy * Math.sin(ctx.task.angle);
    return { terms: { progress, alive: 1, control: controlCost(ctx.action, ANT_CONTROL_WEIGHT) }, terminated };
  },
  resetNoise: ANT_RESET_NOISE,
  reference: 'ProMP AntRandDirec2D (Rothfuss et al. 2019): jonasrothfuss/ProMP meta_policy_search/envs/mujoco_envs/ant_rand_direc_2d.py; PEARL ant-dir (katerakelly/oyster rlkit/envs/ant_dir.py) is the same task',
  differences: [
    ...ANT_DIFFERENCES,
    "Directions are angles in the plane, as ant_rand_direc_2d.py and PEARL's ant-dir; ProMP's AntRandDirec (ant_rand_direc.py) runs forward or backward along x only.",
    'Control cost 0.1 |a|^2 instead of 0.5 |a|^2: measured, the fastest of 80 open-loop sinusoidal gaits makes 0.56 m/s at |a|^2 = 4 and a gentler one 0.41 m/s at |a|^2 = 1, so at 0.5 walking scores below standing still, while 0.1 at gear 60 costs about what 0.5 costs at gear 150 per unit torque (0.5 x (60/150)^2 = 0.08).',
  ],
};
