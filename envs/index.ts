/**
 * `metarl/envs`: the gym-like layer's public API. Importing it registers the built-in env families
 * (builtin-envs.ts); everything a user needs to define a task family of their own is exported here too:
 * robotEnv + registerEnv, task-distribution and validation helpers, observation and reward building blocks,
 * the robots and their physics settings.
 */
import './builtin-envs.js';

export { envSpec, listEnvs, makeEnv, makeVecEnv, registerEnv } from './registry.js';
export { robotEnv, type EnvSpec } from './robot-env.js';
export type { EnvOptions, ObservationDef, PhysicsDef, ResetNoise, RewardContext, RewardOutput, RobotTaskDef } from './task-def.js';
export { Box } from './box.js';
export { RobotVecEnv, ROBOT_SPACING, MAX_ROBOTS_PER_WORLD } from './vec-env.js';
export { WorkerVecEnv, type VecRunOptions } from './worker-vec.js';
export { checkEnv, formatEnvCheckReport, type EnvCheckOptions, type EnvCheckReport, type EnvCheckResult } from './check-env.js';
export { outcomeMismatches, RewardProbe, type ExpectedOutcome, type ProbedStep } from './reward-probe.js';
export { Rng } from './rng.js';
export { drawTrainingTasks, numberIn, taskDistribution, taskObject, vectorIn, TEST_SPLIT_SEED, type TaskLaw } from './task-dist.js';
export { goalTasks, type GoalRegion, type GoalTask } from './goal-tasks.js';
export { applyParams, paramsTasks, type ParamsTask } from './params-tasks.js';
export { antObservation, antObservationWithXY, planarObservation, pointObservation, reacherObservation } from './observations.js';
export { controlCost, rootVelocity } from './reward-terms.js';
export { planarLocomotionReward, planarLocomotionTerms, type HealthBand } from './planar-locomotion.js';
export { CHEETAH_PHYSICS, CHEETAH_RESET_NOISE } from './cheetah-common.js';
export { ANT_PHYSICS, ANT_RESET_NOISE } from './ant-common.js';
export { registerBlockPolicy, type BlockActor, type BlockPolicy, type BlockPolicyProgram } from './block-policy.js';
export * from './rx.js';
export { antSpec, cheetahSpec, hopperSpec, pointSpec, reacherSpec, walkerSpec, ROBOTS } from '../sim/robots/index.js';
export { validateRobotSpec, type ActuatorSpec, type BodySpec, type JointSpec, type RobotSpec, type RootMode, type ShapeSpec, type Vec3 } from '../sim/robot-spec.js';
export type { RobotHandle, DynamicsParams } from '../sim/build.js';
export type * from './types.js';
