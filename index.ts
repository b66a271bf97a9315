/**
 * `metarl`: everything needed to define an env, run it and meta-train on it from your own project — the envs
 * API (`metarl/envs`: registerEnv, robotEnv, the robots, task and reward building blocks, VecEnv, rxjs
 * adapters, the conformance checker), the learners (`metarl/agents`: registerLearner, the built-in
 * meta-learners, backends) and the experiment runner (configs, training runs, evaluation, users' modules).
 * The viewer is `metarl/viewer`.
 */
export * from './envs/index.js';
export * from './agents/index.js';
export { parseConfig, BASELINES, type AlgorithmConfig, type BaselineName, type ExperimentConfig } from './experiments/config.js';
export { listPresets, loadConfig, type LoadedConfig } from './experiments/config-file.js';
export { resumeRun, trainRun, type TrainOptions, type TrainResult } from './experiments/train.js';
export { createProgress, type ProgressReporter } from './experiments/progress.js';
export { evaluate, type EvalOptions } from './experiments/evaluate.js';
export type { EvalCurve, EvalResult, IterationRecord } from './experiments/results.js';
export { loadUserModules, type LoadedModule } from './experiments/user-modules.js';
