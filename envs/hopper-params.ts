/**
 * HopperParams-v0: the hopper must hop forward under hidden randomised dynamics (mass, inertia, damping, friction).
 */
import { hopperSpec } from '../sim/robots/hopper.js';
import { planarObservation } from './observations.js';
import { applyParams, paramsTasks, type ParamsTask } from './params-tasks.js';
import { planarLocomotionReward, planarLocomotionTerms, type HealthBand } from './planar-locomotion.js';
import type { RobotTaskDef } from './task-def.js';

const HEALTH: HealthBand = { z: [0.7, 3], pitch: [-0.2, 0.2] };

export const hopperParams: RobotTaskDef<ParamsTask> = {
  id: 'HopperParams-v0',
  description: 'Planar hopper with hidden randomised dynamics; hop forward. Reward: forward velocity + alive - control; terminates when fallen.',
  robot: hopperSpec,
  physics: { dt: 0.004, frameSkip: 2, ground: true },
  horizon: 200,
  tasks: paramsTasks(hopperSpec),
  observation: planarObservation(hopperSpec),
  rewardTerms: planarLocomotionTerms(HEALTH),
  reward: planarLocomotionReward(HEALTH),
  applyTask: applyParams,
  resetNoise: { position: 0.005, velocity: 0.005 },
};
