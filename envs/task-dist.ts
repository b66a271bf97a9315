/**
 * Building blocks for task distributions: a generic distribution from a draw function (with the fixed
 * held-out split), and validators that turn untrusted JSON into tasks with errors naming the fix.
 */
import { Rng } from './rng.js';
import type { Task, TaskDistribution, TaskParameter } from './types.js';

/** Seed of the held-out test split: fixed so every machine evaluates on the same tasks. */
export const TEST_SPLIT_SEED = 0x5eed7e57;

/** What a family provides to {@link taskDistribution}. */
export interface TaskLaw<T extends Task> {
  parameters: TaskParameter[];
  /** One task from `rng`. */
  draw(rng: Rng): T;
  /** Every task, for a law over a small finite set. */
  support?: T[];
  parse(value: unknown): T;
  features(task: T): number[];
}

/** A TaskDistribution from a per-task law: `sample` draws from the caller's RNG, `testTasks` from the reserved seed. */
export function taskDistribution<T extends Task>(law: TaskLaw<T>): TaskDistribution<T> {
  return {
    parameters: law.parameters,
    sample: (rng, n) => Array.from({ length: n }, () => law.draw(rng)),
    testTasks: (n) => {
      const rng = Rng.fromSeed(TEST_SPLIT_SEED);
      return Array.from({ length: n }, () => law.draw(rng));
    },
    parse: law.parse,
    features: law.features,
    ...(law.support ? { support: law.support } : {}),
  };
}

/**
 * A fixed set of `n` training tasks (PEARL's `n_train_tasks`): drawn one at a time from `dist.sample`; where the
 * distribution has a finite support, a task already in the set is drawn again while unseen tasks remain (sampling
 * without replacement, by rejection), so a small task space is covered whatever the seed: CheetahDir's 2 training
 * tasks are +1 and −1, as oyster's fixed directions [−1, 1]. Continuous distributions: plain `sample(rng, n)`.
 */
export function drawTrainingTasks<T extends Task>(dist: TaskDistribution<T>, rng: Rng, n: number): T[] {
  const support = dist.support;
  if (!support) return dist.sample(rng, n);
  const tasks: T[] = [];
  const seen = new Set<string>();
  while (tasks.length < n) {
    const [task] = dist.sample(rng, 1);
    const key = JSON.stringify(task);
    if (seen.has(key) && seen.size < support.length) continue;
    seen.add(key);
    tasks.push(task);
  }
  return tasks;
}

/** The object form of an untrusted task, or an error listing the expected keys. */
export function taskObject(value: unknown, keys: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`Task must be a JSON object with keys ${keys.join(', ')}; got ${JSON.stringify(value)}.`);
  const extra = Object.keys(value).filter((k) => !keys.includes(k));
  if (extra.length) throw new Error(`Task has unknown key(s) ${extra.join(', ')}; valid keys: ${keys.join(', ')}.`);
  return value as Record<string, unknown>;
}

/** A finite number within [lo, hi], or an error naming the key and range. */
export function numberIn(obj: Record<string, unknown>, key: string, lo: number, hi: number): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
    throw new Error(`Task.${key} must be a number in [${lo}, ${hi}]; got ${JSON.stringify(v)}.`);
  return v;
}

/** An array of `length` finite numbers within [lo, hi], or an error naming the key, length and range. */
export function vectorIn(obj: Record<string, unknown>, key: string, length: number, lo: number, hi: number): number[] {
  const v = obj[key];
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi))
    throw new Error(`Task.${key} must be an array of ${length} numbers in [${lo}, ${hi}]; got ${JSON.stringify(v)}.`);
  return v as number[];
}
