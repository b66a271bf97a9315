/**
 * HopperParams-v0: the hopper must hop forward under hidden randomised dynamics (mass, inertia, damping, friction),
 * as rand_param_envs' HopperRandParamsEnv (used by ProMP): reward and termination of hopper_rand_params.py.
 */
import { hopperSpec } from '../sim/robots/hopper.js';
import { armatureNote } from './fidelity-notes.js';
import { planarObservation } from './observations.js';
import { applyParams, paramsTasks, type ParamsTask } from './params-tasks.js';
import { PLANAR_PARAMS_DIFFERENCES, planarLocomotionReward, planarLocomotionTerms, type HealthBand } from './planar-locomotion.js';
import type { RobotTaskDef } from './task-def.js';

/** hopper_rand_params.py lines 19-20: finite, |state[2:]| < 100, height > 0.7, |angle| < 0.2. */
export const HOPPER_HEALTH: HealthBand = { z: [0.7, Infinity], pitch: [-0.2, 0.2], stateLimit: 100 };

export const hopperParams: RobotTaskDef<ParamsTask> = {
  id: 'HopperParams-v0',
  description: 'Planar hopper with hidden randomised dynamics; hop forward. Reward: v + 1 - 0.001 |a|^2, v = torso x displacement / 0.008 s; terminates unless torso height > 0.7 m, |pitch| < 0.2 rad and every observation entry after the height is within ±100.',
  robot: hopperSpec,
  physics: { dt: 0.004, frameSkip: 2, ground: true },
  horizon: 200,
  tasks: paramsTasks(hopperSpec),
  observation: planarObservation(hopperSpec),
  rewardTerms: planarLocomotionTerms(HOPPER_HEALTH),
  reward: planarLocomotionReward(HOPPER_HEALTH),
  applyTask: applyParams,
  resetNoise: { position: 0.005, velocity: 0.005 },
  reference: 'ProMP HopperRandParams (Rothfuss et al. 2019): dennisl88/rand_param_envs rand_param_envs/hopper_rand_params.py',
  differences: [
    ...PLANAR_PARAMS_DIFFERENCES,
    armatureNote(1, 1),
    "Friction 0.9 between every geom and the floor; in MuJoCo the larger of the two geoms' frictions applies, 1.0 for the legs and 2.0 for hopper.xml's foot.",
  ],
};
