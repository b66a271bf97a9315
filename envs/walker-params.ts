/**
 * WalkerParams-v0: the biped walker must walk forward under hidden randomised dynamics.
 */
import { walkerSpec } from '../sim/robots/walker.js';
import { planarObservation } from './observations.js';
import { applyParams, paramsTasks, type ParamsTask } from './params-tasks.js';
import { planarLocomotionReward, planarLocomotionTerms, type HealthBand } from './planar-locomotion.js';
import type { RobotTaskDef } from './task-def.js';

const HEALTH: HealthBand = { z: [0.8, 2], pitch: [-1, 1] };

export const walkerParams: RobotTaskDef<ParamsTask> = {
  id: 'WalkerParams-v0',
  description: 'Planar biped walker with hidden randomised dynamics; walk forward. Reward: forward velocity + alive - control; terminates when fallen.',
  robot: walkerSpec,
  physics: { dt: 0.004, frameSkip: 2, ground: true },
  horizon: 200,
  tasks: paramsTasks(walkerSpec),
  observation: planarObservation(walkerSpec),
  rewardTerms: planarLocomotionTerms(HEALTH),
  reward: planarLocomotionReward(HEALTH),
  applyTask: applyParams,
  resetNoise: { position: 0.005, velocity: 0.005 },
};
