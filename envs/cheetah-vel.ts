/**
 * CheetahVel-v0: the half-cheetah must run at a hidden target forward velocity U[0, 2] m/s (MAML's task).
 */
import { cheetahSpec } from '../sim/robots/cheetah.js';
import { planarObservation } from './observations.js';
import { controlCost, rootVelocity } from './reward-terms.js';
import { numberIn, taskDistribution, taskObject } from './task-dist.js';
import type { RobotTaskDef } from './task-def.js';
import { CHEETAH_DIFFERENCES, CHEETAH_PHYSICS, CHEETAH_RESET_NOISE } from './cheetah-common.js';

/** Target forward velocity (m/s). */
export type CheetahVelTask = { targetVelocity: number };

export const cheetahVel: RobotTaskDef<CheetahVelTask> = {
  id: 'CheetahVel-v0',
  description: 'Planar half-cheetah; run at a hidden target forward velocity. Reward: -|v - v*| - 0.05 |a|^2, v = torso x displacement / 0.05 s.',
  robot: cheetahSpec,
  physics: CHEETAH_PHYSICS,
  horizon: 200,
  tasks: taskDistribution<CheetahVelTask>({
    parameters: [{ name: 'targetVelocity', description: 'target forward velocity', units: 'm/s', size: 1, distribution: 'uniform [0, 2]' }],
    draw: (rng) => ({ targetVelocity: rng.uniform(0, 2) }),
    parse: (v) => ({ targetVelocity: numberIn(taskObject(v, ['targetVelocity']), 'targetVelocity', -10, 10) }),
    features: (t) => [t.targetVelocity],
  }),
  observation: planarObservation(cheetahSpec),
  rewardTerms: [
    { name: 'velocity', size: 1, description: 'minus |forward velocity - target| (m/s)' },
    { name: 'control', size: 1, description: '-0.05 |a|^2' },
  ],
  reward: (ctx) => ({
    terms: { velocity: -Math.abs(rootVelocity(ctx)[0] - ctx.task.targetVelocity), control: controlCost(ctx.action, 0.05) },
  }),
  resetNoise: CHEETAH_RESET_NOISE,
  reference: 'MAML HalfCheetahVel (Finn et al. 2017): cbfinn/maml_rl rllab/envs/mujoco/half_cheetah_env_rand.py',
  differences: CHEETAH_DIFFERENCES,
};
