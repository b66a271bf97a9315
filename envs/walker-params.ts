/**
 * WalkerParams-v0: the biped walker must walk forward under hidden randomised dynamics, as rand_param_envs'
 * Walker2DRandParamsEnv (used by ProMP): reward and termination of walker2d_rand_params.py.
 */
import { walkerSpec } from '../sim/robots/walker.js';
import { armatureNote } from './fidelity-notes.js';
import { planarObservation } from './observations.js';
import { applyParams, paramsTasks, type ParamsTask } from './params-tasks.js';
import { PLANAR_PARAMS_DIFFERENCES, planarLocomotionReward, planarLocomotionTerms, type HealthBand } from './planar-locomotion.js';
import type { RobotTaskDef } from './task-def.js';

/** walker2d_rand_params.py lines 18-19: 0.8 < height < 2, -1 < angle < 1 (no state limit). */
export const WALKER_HEALTH: HealthBand = { z: [0.8, 2], pitch: [-1, 1] };

export const walkerParams: RobotTaskDef<ParamsTask> = {
  id: 'WalkerParams-v0',
  description: 'Planar biped walker with hidden randomised dynamics; walk forward. Reward: v + 1 - 0.001 |a|^2, v = torso x displacement / 0.008 s; terminates unless torso height in (0.8, 2) m and |pitch| < 1 rad.',
  robot: walkerSpec,
  physics: { dt: 0.004, frameSkip: 2, ground: true },
  horizon: 200,
  tasks: paramsTasks(walkerSpec),
  observation: planarObservation(walkerSpec),
  rewardTerms: planarLocomotionTerms(WALKER_HEALTH),
  reward: planarLocomotionReward(WALKER_HEALTH),
  applyTask: applyParams,
  resetNoise: { position: 0.005, velocity: 0.005 },
  reference: 'ProMP Walker2DRandParams (Rothfuss et al. 2019): dennisl88/rand_param_envs rand_param_envs/walker2d_rand_params.py',
  differences: [
    ...PLANAR_PARAMS_DIFFERENCES,
    armatureNote(0.5, 0.01, 'it keeps joint-limit overshoot under 0.08 rad at dt 0.004 s (sim/robots/walker.ts)'),
    "Both feet have friction 0.9; rand_param_envs' walker2d.xml gives the left foot 1.9.",
  ],
};
