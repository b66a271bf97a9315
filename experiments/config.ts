/**
 * The experiment config: one JSON object validated by a zod schema. Unknown keys, wrong types and
 * out-of-range values are rejected with the key path and what is allowed. Hyper-parameters a config leaves
 * out take the learner's own defaults (agents/meta/*-options.ts), so the schema states ranges, not defaults,
 * for them; `config.json` in a run directory records exactly what was given after validation.
 */
import { z } from 'zod';
import { listEnvs } from '../envs/index.js';

/** A strict object: unknown keys are errors that list the allowed keys. */
function strict<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}; allowed keys: ${allowed}` : undefined),
  });
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const positive = () => z.number().positive().finite();
const unit = () => z.number().min(0).max(1);
const openUnit = () => z.number().gt(0).lt(1);
const nonNegative = () => z.number().min(0).finite();

/** Options of every learner with a Gaussian MLP policy and per-task sampling (policy-options.ts). */
const policyFields = {
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

const trpoSchema = strict({
  maxKl: positive().optional(),
  cgIterations: int(1, 1000).optional(),
  cgDamping: nonNegative().optional(),
  cgResidualTol: positive().optional(),
  maxBacktracks: int(1, 100).optional(),
  backtrackRatio: openUnit().optional(),
});

const mamlSchema = strict({ name: z.literal('maml'), ...policyFields, firstOrder: z.boolean().optional(), trpo: trpoSchema.optional() });

const prompSchema = strict({
  name: z.literal('promp'),
  ...policyFields,
  learningRate: positive().optional(),
  epochs: int(1, 1000).optional(),
  clipEpsilon: openUnit().optional(),
  klCoef: nonNegative().optional(),
  adaptiveKl: z.boolean().optional(),
  targetKl: positive().optional(),
});

const reptileSchema = strict({
  name: z.literal('reptile'),
  ...policyFields,
  outerStepSize: positive().optional(),
  outerStepSizeFinal: nonNegative().optional(),
  annealIterations: int(0).optional(),
  outerOptimizer: z.enum(['sgd', 'adam']).optional(),
});

const { innerSteps: _unusedInnerSteps, ...multiTaskPolicyFields } = policyFields;
const multiTaskFields = {
  ...multiTaskPolicyFields,
  learningRate: positive().optional(),
  epochs: int(1, 1000).optional(),
  minibatches: int(1, 10_000).optional(),
  clipEpsilon: openUnit().optional(),
};
const multiTaskSchema = strict({ name: z.literal('multitask'), ...multiTaskFields });

const rl2Schema = strict({
  name: z.literal('rl2'),
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
});

/** The algorithm and its hyper-parameters; `name` selects the learner. */
export const algorithmSchema = z.discriminatedUnion('name', [mamlSchema, prompSchema, reptileSchema, rl2Schema, multiTaskSchema]);

/** Baselines the evaluation can run next to the agent. */
export const BASELINES = ['random', 'multitask', 'oracle'] as const;
export type BaselineName = (typeof BASELINES)[number];

const evalSchema = strict({
  /** Held-out test tasks (the env's fixed test split, first N). */
  tasks: int(1, 10_000).default(10),
  /** Evaluation seeds (the 95% CI is over these). */
  seeds: int(1, 1000).default(3),
  /** MAML family: inner steps k of the adaptation curve (ignored by RL2). */
  steps: int(0, 100).default(3),
  /** MAML family: episodes per policy per point (default: the algorithm's K). RL2: trials per task (default 10). */
  episodes: int(1, 10_000).optional(),
  /** Baselines to evaluate next to the agent. */
  baselines: z.array(z.enum(BASELINES)).refine((b) => new Set(b).size === b.length, 'baselines must not repeat').default([...BASELINES]),
  /** Training iterations of the multi-task and oracle baselines (default: the experiment's `iterations`). */
  baselineIterations: int(1, 1_000_000).optional(),
});

/** A whole experiment. */
export const experimentSchema = strict({
  /** Short name used for the default output directory. */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-" only').optional(),
  /** What the experiment is, for people reading the config. */
  description: z.string().optional(),
  env: z.string().refine((id) => listEnvs().includes(id), { error: (issue) => `unknown env '${String(issue.input)}'; valid envs: ${listEnvs().join(', ')}` }),
  /** Control steps per episode, overriding the env's horizon. */
  horizon: int(1, 100_000).optional(),
  algorithm: algorithmSchema,
  /** Tasks per meta-iteration (M). */
  metaBatchSize: int(1, 10_000).default(20),
  /** Meta-iterations to train. */
  iterations: int(1, 1_000_000),
  /** Seeds the policy initialisation and the training task/env stream. */
  seed: int(0, 2 ** 31 - 1).default(0),
  /** TF.js backend (`auto` picks tensorflow > wasm > cpu). */
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  /** Output directory (default `runs/<name>`). */
  outDir: z.string().min(1).optional(),
  /** Write a checkpoint every N iterations (and always at the end and on Ctrl-C). */
  checkpointEvery: int(1).default(1),
  /** Checkpoints kept (older ones are deleted). */
  keepCheckpoints: int(1, 1000).default(3),
  eval: evalSchema.default(() => evalSchema.parse({})),
});

/** A validated experiment config (defaults filled in). */
export type ExperimentConfig = z.output<typeof experimentSchema>;
/** The algorithm section of a config. */
export type AlgorithmConfig = ExperimentConfig['algorithm'];

/**
 * Validate `value` as an experiment config; throws an Error listing every problem as `path: message`
 * (e.g. `algorithm.innerLr: Too small: expected number to be >0`).
 * @param origin where the value came from (file or preset), named in the message.
 */
export function parseConfig(value: unknown, origin: string): ExperimentConfig {
  const result = experimentSchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
  throw new Error(`invalid config ${origin}: ${lines.join('; ')}`);
}
