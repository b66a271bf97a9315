/**
 * `metarl/agents`: the learning side's public API. Importing it registers the built-in learners
 * (meta/builtin-learners.ts). A learner of your own is a class implementing {@link MetaLearner} plus one
 * {@link registerLearner} call; the CLI, evaluator, checkpoints and viewer then know it by name.
 */
import './meta/builtin-learners.js';

export { learnerRegistration, listLearners, registerLearner, type LearnerContext, type LearnerRegistration } from './meta/learner-registry.js';
export { strictObject } from './meta/learner-schemas.js';
/** The zod the learner registry validates with: write `LearnerRegistration.options` with it. */
export { z } from 'zod';
export type * from './meta/types.js';
export { Maml, type MamlOptions } from './meta/maml.js';
export { MetaSgd, type MetaSgdOptions } from './meta/meta-sgd.js';
export { LearnedOptimizer, type LearnedOptimizerOptions } from './meta/learned-optimizer.js';
export { lstmOptimizerInit, lstmOptimizerShapes, lstmOptimizerStep, lstmOptimizerZeroState, preprocessGradient, type LstmOptimizerConfig, type LstmOptimizerState } from './lstm-optimizer.js';
export { Promp, type PrompOptions } from './meta/promp.js';
export { Reptile, type ReptileOptions } from './meta/reptile.js';
export { Rl2, type Rl2Options } from './meta/rl2.js';
export type { RecurrentCore } from './recurrent-core.js';
export { listRecurrentCores, recurrentCore, registerRecurrentCore } from './recurrent-cores.js';
export { gruCore } from './gru-core.js';
export { unrollSteps, type Params } from './nets.js';
export { MultiTask, type MultiTaskOptions } from './meta/multitask.js';
export { Pearl, type PearlOptions } from './meta/pearl.js';
export { initBackend, type BackendInfo, type BackendName, type BackendRequest } from './backend.js';
export { LearnerPool, meanWeights, weightedSum, weightedTotal, type ShardProgram } from './learner-pool.js';
export { sampleEpisodes, sampleEpisodesAsync, pathReturn, successRate, type AsyncBatchPolicy, type BatchPolicy, type Path, type SampleOptions, type StepContext } from './sampler.js';
