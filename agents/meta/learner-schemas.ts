/**
 * The hyper-parameters of the built-in learners as zod shapes (ranges only: a value left out takes the
 * learner's own default from its *-options.ts, so defaults live in one place). Registered with each learner
 * in builtin-learners.ts; the experiment config validates `algorithm` against them.
 */
import { z } from 'zod';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const positive = () => z.number().positive().finite();
const unit = () => z.number().min(0).max(1);
const openUnit = () => z.number().gt(0).lt(1);
const nonNegative = () => z.number().min(0).finite();

/** A strict object: unknown keys are errors that list the allowed keys. */
export function strictObject<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}; allowed keys: ${allowed}` : undefined),
  });
}

/** Options of every learner with a Gaussian MLP policy and per-task sampling (policy-options.ts). */
const policyFields = {
  /** Threads of the learner's tensor work (numbers do not depend on it; default: the sampling threads). */
  learnerThreads: int(1, 1024).optional(),
  hidden: z.array(int(1, 4096)).min(1).max(8).optional(),
  activation: z.enum(['tanh', 'relu', 'linear']).optional(),
  initLogStd: z.number().min(-10).max(5).optional(),
  /** K: episodes per task per policy. */
  episodesPerTask: int(1, 10_000).optional(),
  innerSteps: int(1, 100).optional(),
  innerLr: positive().optional(),
  gamma: unit().optional(),
  gaeLambda: unit().optional(),
  normalizeAdvantages: z.boolean().optional(),
};

const trpoSchema = strictObject({
  maxKl: positive().optional(),
  cgIterations: int(1, 1000).optional(),
  cgDamping: nonNegative().optional(),
  cgResidualTol: positive().optional(),
  maxBacktracks: int(1, 100).optional(),
  backtrackRatio: openUnit().optional(),
  /** Fraction of the samples the Fisher-vector products use (rllab/garage subsample_factor). */
  subsampleFactor: z.number().gt(0).max(1).optional(),
});

/** MAML-TRPO / FOMAML-TRPO (maml-options.ts). */
export const mamlShape = { ...policyFields, firstOrder: z.boolean().optional(), trpo: trpoSchema.optional() };

/** Meta-SGD-TRPO (meta-sgd-options.ts): MAML's options; `innerLr` is the learned step sizes' initial value. */
export const metaSgdShape = mamlShape;

/** The LSTM-optimizer learner (learned-optimizer-options.ts): MAML's options plus the optimizer's sizes. */
export const learnedOptimizerShape = {
  ...mamlShape,
  lstmHidden: int(1, 1024).optional(),
  lstmLayers: int(1, 8).optional(),
  preprocessP: positive().optional(),
  outputScale: positive().optional(),
  freezePolicy: z.boolean().optional(),
};

/** ProMP (promp-options.ts). */
export const prompShape = {
  ...policyFields,
  learningRate: positive().optional(),
  epochs: int(1, 1000).optional(),
  clipEpsilon: openUnit().optional(),
  klCoef: nonNegative().optional(),
  adaptiveKl: z.boolean().optional(),
  targetKl: positive().optional(),
};

/** Reptile (reptile-options.ts). */
export const reptileShape = {
  ...policyFields,
  outerStepSize: positive().optional(),
  outerStepSizeFinal: nonNegative().optional(),
  annealIterations: int(0).optional(),
  outerOptimizer: z.enum(['sgd', 'adam']).optional(),
};

const { innerSteps: _innerStepsUnused, ...multiTaskPolicyFields } = policyFields;

/** The multi-task PPO baseline (multitask-options.ts): no inner steps during training. */
export const multiTaskShape = {
  ...multiTaskPolicyFields,
  learningRate: positive().optional(),
  epochs: int(1, 1000).optional(),
  minibatches: int(1, 10_000).optional(),
  clipEpsilon: openUnit().optional(),
};

/** RL2-PPO (rl2-options.ts). */
export const rl2Shape = {
  learnerThreads: int(1, 1024).optional(),
  /** Padded trial steps per unit of the PPO tensor work (rl2-options.ts). */
  shardSteps: int(1).optional(),
  /** The registered recurrent core (agents/recurrent-cores.ts), e.g. `gru`; checked by the learner. */
  core: z.string().min(1).optional(),
  /** The core's own numeric settings by name (agents/core-options.ts); checked by the learner. */
  coreOptions: z.record(z.string(), z.number()).optional(),
  hiddenDim: int(1, 4096).optional(),
  initLogStd: z.number().min(-10).max(5).optional(),
  episodesPerTrial: int(1, 1000).optional(),
  gamma: unit().optional(),
  gaeLambda: unit().optional(),
  clipEpsilon: openUnit().optional(),
  epochs: int(1, 1000).optional(),
  minibatches: int(1, 10_000).optional(),
  learningRate: positive().optional(),
  valueCoef: nonNegative().optional(),
  entropyCoef: nonNegative().optional(),
  maxGradNorm: positive().optional(),
  normalizeInputs: z.boolean().optional(),
  scaleRewards: z.boolean().optional(),
};
