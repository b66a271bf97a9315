/**
 * CheetahDir-v0: the half-cheetah must run forward or backward, the direction (±1) hidden (MAML's task).
 */
import { cheetahSpec } from '../sim/robots/cheetah.js';
import { planarObservation } from './observations.js';
import { controlCost, rootVelocity } from './reward-terms.js';
import { taskDistribution, taskObject } from './task-dist.js';
import type { RobotTaskDef } from './task-def.js';
import { CHEETAH_DIFFERENCES, CHEETAH_PHYSICS, CHEETAH_RESET_NOISE } from './cheetah-common.js';

/** Running direction: +1 forward, -1 backward. */
export type CheetahDirTask = { direction: 1 | -1 };

export const cheetahDir: RobotTaskDef<CheetahDirTask> = {
  id: 'CheetahDir-v0',
  description: 'Planar half-cheetah; run in a hidden direction (forward or backward). Reward: direction * v - 0.05 |a|^2, v = torso x displacement / 0.05 s.',
  robot: cheetahSpec,
  physics: CHEETAH_PHYSICS,
  horizon: 200,
  tasks: taskDistribution<CheetahDirTask>({
    parameters: [{ name: 'direction', description: 'running direction (+1 forward, -1 backward)', units: 'sign', size: 1, distribution: 'uniform {-1, +1}' }],
    draw: (rng) => ({ direction: rng.uniform() < 0.5 ? -1 : 1 }),
    support: [{ direction: -1 }, { direction: 1 }],
    parse: (v) => {
      const d = taskObject(v, ['direction']).direction;
      if (d !== 1 && d !== -1) throw new Error(`Task.direction must be 1 or -1; got ${JSON.stringify(d)}.`);
      return { direction: d };
    },
    features: (t) => [t.direction],
  }),
  observation: planarObservation(cheetahSpec),
  rewardTerms: [
    { name: 'progress', size: 1, description: 'direction * forward velocity (m/s)' },
    { name: 'control', size: 1, description: '-0.05 |a|^2' },
  ],
  reward: (ctx) => ({ terms: { progress: ctx.task.direction * rootVelocity(ctx)[0], control: controlCost(ctx.action, 0.05) } }),
  resetNoise: CHEETAH_RESET_NOISE,
  reference: 'MAML HalfCheetahDir (Finn et al. 2017): cbfinn/maml_rl rllab/envs/mujoco/half_cheetah_env_rand_direc.py',
  differences: CHEETAH_DIFFERENCES,
};
