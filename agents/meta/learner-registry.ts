/**
 * The learner registry: one {@link registerLearner} call is all the CLI, the evaluator, checkpoints and the
 * viewer need to train, evaluate and show a meta-learner. Built-in learners register in builtin-learners.ts;
 * users register their own from a module loaded with `--module` / the config's `modules`.
 */
import { z } from 'zod';
import type { EnvOptions } from '../../envs/task-def.js';
import type { VecRunOptions } from '../../envs/worker-vec.js';
import type { ChunkRunner } from './rollout-chunks.js';
import type { MetaLearner } from './types.js';

/** What every learner is made with, whatever its hyper-parameters. */
export interface LearnerContext {
  /** Registered env id, e.g. `CheetahDir-v0`. */
  envId: string;
  /** Env options (horizon override, oracle observations). */
  envOptions: EnvOptions;
  /** Seeds the learner's initialisation. */
  seed: number;
  /** How its vector envs run (worker threads). Never changes the numbers. */
  vecRun: VecRunOptions;
  /**
   * Where meta-batch rollouts run instead of this process (distributed/: worker processes over Redis); learners
   * that sample otherwise (RL2, PEARL) leave it unused and say so with `MetaLearner.samplesRemotely`.
   */
  remote?: ChunkRunner;
  /**
   * Threads of its tensor work (the calling thread and worker threads; the built-in learners' `learnerThreads`,
   * default: `vecRun.workers`; 1 on the tensorflow and webgpu backends). Never changes the numbers. Absent: the
   * learner's own default.
   */
  learnerThreads?: number;
}

/**
 * A meta-learner as the experiments see it.
 * @typeParam S the zod shape of its hyper-parameters (every field optional: left out, the learner's own default).
 */
export interface LearnerRegistration<S extends z.ZodRawShape = z.ZodRawShape> {
  /** The config's `algorithm.name`: lower-case letters, digits and dashes, e.g. `maml`. */
  name: string;
  /** One line for `metarl learners` and error messages. */
  description: string;
  /** Hyper-parameters, validated strictly (unknown keys are errors listing the allowed ones). */
  options: S;
  /** A freshly initialised learner (call `initBackend()` first). */
  create(context: LearnerContext, options: z.output<z.ZodObject<S>>): Promise<MetaLearner>;
  /** Legend label of results and plots, e.g. `MAML-TRPO` (may depend on the options, e.g. FOMAML). */
  label(options: z.output<z.ZodObject<S>>): string;
}

const learners = new Map<string, LearnerRegistration>();

/** Register a learner under its config name; names are unique. */
export function registerLearner<S extends z.ZodRawShape>(registration: LearnerRegistration<S>): void {
  const { name } = registration;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`registerLearner: name "${name}" must be lower-case letters, digits and dashes, e.g. "my-maml".`);
  if ('name' in registration.options) throw new Error(`registerLearner: "${name}": "name" is reserved (it selects the learner); rename that option.`);
  if (learners.has(name)) throw new Error(`registerLearner: "${name}" is already registered; pick another name.`);
  learners.set(name, registration as unknown as LearnerRegistration);
}

/** The registration of `name`, or an error listing the registered learners. */
export function learnerRegistration(name: string): LearnerRegistration {
  const entry = learners.get(name);
  if (!entry) throw new Error(`unknown learner '${name}'; registered learners: ${listLearners().join(', ')} (load a module that registers it with --module).`);
  return entry;
}

/** Registered learner names, sorted. */
export function listLearners(): string[] {
  return [...learners.keys()].sort();
}
