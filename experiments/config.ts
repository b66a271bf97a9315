/**
 * The experiment config: one JSON object validated by a zod schema. Unknown keys, wrong types and
 * out-of-range values are rejected with the key path and what is allowed. `algorithm` is validated against the
 * learner registry (agents/meta/learner-registry.ts): its `name` picks a registered learner and the other keys
 * are that learner's hyper-parameters; those left out take the learner's own defaults, so the schema states
 * ranges, not defaults, for them. `config.json` in a run directory records exactly what was given after
 * validation (with `modules` as absolute paths).
 */
import { z } from 'zod';
import { learnerRegistration, listLearners } from '../agents/index.js';
import { strictObject } from '../agents/meta/learner-schemas.js';
import { listEnvs } from '../envs/index.js';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

/** The algorithm section: a registered learner's name and its hyper-parameters. */
export type AlgorithmConfig = { name: string } & Record<string, unknown>;

/**
 * Baselines the evaluation can run next to the agent. `sgd-same-init`: the agent's own θ adapted with plain SGD
 * (its `innerLr`), for learners with a learned inner rule (Meta-SGD, the LSTM optimizer; skipped for others).
 */
export const BASELINES = ['random', 'multitask', 'oracle', 'sgd-same-init'] as const;
export type BaselineName = (typeof BASELINES)[number];

const evalSchema = strictObject({
  /** Held-out test tasks (the env's fixed test split, first N). */
  tasks: int(1, 10_000).default(10),
  /** Evaluation seeds (the 95% CI is over these). */
  seeds: int(1, 1000).default(3),
  /** Gradient-based learners: inner steps k of the adaptation curve (ignored by in-context learners). */
  steps: int(0, 100).default(3),
  /** Gradient-based: episodes per policy per point (default: the learner's K). In-context: trials per task (default 10). */
  episodes: int(1, 10_000).optional(),
  /** Baselines to evaluate next to the agent. */
  baselines: z.array(z.enum(BASELINES)).refine((b) => new Set(b).size === b.length, 'baselines must not repeat').default([...BASELINES]),
  /** Training iterations of the multi-task and oracle baselines (default: the experiment's `iterations`). */
  baselineIterations: int(1, 1_000_000).optional(),
});

/** The `algorithm` schema for the learners registered now: one strict object per learner, selected by `name`. */
function algorithmSchema(): z.ZodType<AlgorithmConfig> {
  return z.looseObject({ name: z.string() }).transform((value, ctx) => {
    const names = listLearners();
    if (!names.includes(value.name)) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: `unknown learner '${value.name}'; registered learners: ${names.join(', ')} (a module that registers yours goes in "modules" or --module)` });
      return z.NEVER;
    }
    const schema = strictObject({ name: z.literal(value.name), ...learnerRegistration(value.name).options });
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data as AlgorithmConfig;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message } as z.core.$ZodRawIssue);
    return z.NEVER;
  });
}

/** The whole experiment, with `algorithm` validated by `algorithm`. */
function buildExperimentSchema(algorithm: z.ZodType<AlgorithmConfig>) {
  return strictObject({
    /** Short name used for the default output directory. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-" only').optional(),
    /** What the experiment is, for people reading the config. */
    description: z.string().optional(),
    /** Modules (.js/.mjs/.ts files) that register the envs and learners the config uses; absolute once loaded. */
    modules: z.array(z.string().min(1)).optional(),
    env: z.string().refine((id) => listEnvs().includes(id), { error: (issue) => `unknown env '${String(issue.input)}'; valid envs: ${listEnvs().join(', ')} (a module that registers yours goes in "modules" or --module)` }),
    /** Control steps per episode, overriding the env's horizon. */
    horizon: int(1, 100_000).optional(),
    algorithm,
    /** Tasks per meta-iteration (M). */
    metaBatchSize: int(1, 10_000).default(20),
    /** Meta-iterations to train. */
    iterations: int(1, 1_000_000),
    /** Seeds the policy initialisation and the training task/env stream. */
    seed: int(0, 2 ** 31 - 1).default(0),
    /**
     * A run directory, checkpoint file or shipped agent whose policy θ (`params.policy`) replaces the seeded
     * initialisation when this run starts, e.g. a trained MAML agent for an LSTM optimizer with `freezePolicy`
     * (learners with a Gaussian MLP policy of the same sizes); relative to the working directory.
     */
    initPolicy: z.string().min(1).optional(),
    /** TF.js backend (`auto` picks tensorflow > webgpu on a hardware adapter > wasm > cpu). */
    backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
    /** Output directory (default `runs/<name>`). */
    outDir: z.string().min(1).optional(),
    /** Write a checkpoint every N iterations (and always at the end and on Ctrl-C). */
    checkpointEvery: int(1).default(1),
    /** Checkpoints kept (older ones are deleted). */
    keepCheckpoints: int(1, 1000).default(3),
    eval: evalSchema.default(() => evalSchema.parse({})),
  });
}

/** A validated experiment config (defaults filled in). */
export type ExperimentConfig = z.output<ReturnType<typeof buildExperimentSchema>>;

/**
 * Validate `value` as an experiment config against the envs and learners registered now (load the config's
 * modules first); throws an Error listing every problem as `path: message`
 * (e.g. `algorithm.innerLr: Too small: expected number to be >0`).
 * @param origin where the value came from (file or preset), named in the message.
 */
export function parseConfig(value: unknown, origin: string): ExperimentConfig {
  const result = buildExperimentSchema(algorithmSchema()).safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
  throw new Error(`invalid config ${origin}: ${lines.join('; ')}`);
}
