/**
 * The envs package: one import and one registerEnv line per env family.
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

export { envSpec, listEnvs, makeEnv, makeVecEnv, registerEnv } from './registry.js';
export { robotEnv, type EnvSpec } from './robot-env.js';
export type { EnvOptions, RobotTaskDef } from './task-def.js';
export { Box } from './box.js';
export { WorkerVecEnv, type VecRunOptions } from './worker-vec.js';
export { Rng } from './rng.js';
export type * from './types.js';
