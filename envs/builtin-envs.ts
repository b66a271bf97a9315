/**
 * The env families metarl ships: one import and one registerEnv line each. Importing this module registers them
 * (envs/index.ts and the VecEnv worker threads do).
 */
import { antDir } from './ant-dir.js';
import { antGoal } from './ant-goal.js';
import { cheetahDir } from './cheetah-dir.js';
import { cheetahVel } from './cheetah-vel.js';
import { hopperParams } from './hopper-params.js';
import { pointNav } from './point-nav.js';
import { reacherGoal } from './reacher-goal.js';
import { registerEnv } from './registry.js';
import { robotEnv } from './robot-env.js';
import { walkerParams } from './walker-params.js';

registerEnv(robotEnv(pointNav));
registerEnv(robotEnv(cheetahVel));
registerEnv(robotEnv(cheetahDir));
registerEnv(robotEnv(antDir));
registerEnv(robotEnv(antGoal));
registerEnv(robotEnv(hopperParams));
registerEnv(robotEnv(walkerParams));
registerEnv(robotEnv(reacherGoal));
