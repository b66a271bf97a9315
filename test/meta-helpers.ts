/** Shared checks for meta-learner tests. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { MetaLearner, MetaLearnerState, MetaMetrics } from '../agents/meta/types.js';
import type { Task } from '../envs/types.js';

/** Adaptation curves of `learner` on held-out tasks, with the mean gain of the last step over the first. */
export async function heldOutAdaptation(
  learner: MetaLearner,
  tasks: readonly Task[],
  options: { steps: number; episodes: number; seedBase: number },
): Promise<{ curves: number[][]; gain: number; improved: number; summary: string }> {
  const curves: number[][] = [];
  for (const [i, task] of tasks.entries()) curves.push((await learner.adaptationCurve(task, { seed: options.seedBase + i, episodes: options.episodes, steps: options.steps })).returns);
  const last = options.steps;
  const gain = mean(curves.map((c) => c[last] - c[0]));
  const improved = curves.filter((c) => c[last] > c[0]).length;
  const summary = `mean return ${mean(curves.map((c) => c[0])).toFixed(1)} -> ${mean(curves.map((c) => c[last])).toFixed(1)}, ${improved}/${tasks.length} improved`;
  return { curves, gain, improved, summary };
}

export function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Metrics without the wall-clock timings (the fields that may differ between identical runs). */
export function numbers(m: MetaMetrics): Omit<MetaMetrics, 'timings'> {
  const { timings: _timings, ...rest } = m;
  return rest;
}

/**
 * Exact resume through getState/setState: `a` takes 2 meta-iterations; a fresh learner `b` (another seed) given
 * a's state has that state, takes the same 3rd iteration (metrics and state) and the same adaptation curve
 * (`curveSteps` steps on `curveTask`). Returns both learners (the caller disposes them) and a's saved state.
 */
export async function assertExactResume(
  create: (seed?: number) => Promise<MetaLearner>,
  tasks: (i: number) => Task[],
  curveTask: Task,
  curveSteps: number,
): Promise<{ a: MetaLearner; b: MetaLearner; saved: MetaLearnerState }> {
  const curveOptions = { seed: 3, episodes: 2, steps: curveSteps };
  const a = await create();
  for (let i = 0; i < 2; i++) await a.metaStep(tasks(i), i);
  const saved = await a.getState();
  const next = numbers(await a.metaStep(tasks(2), 2));
  const curve = (await a.adaptationCurve(curveTask, curveOptions)).returns;
  const b = await create(99);
  b.setState(saved);
  assert.deepEqual(await b.getState(), saved);
  assert.deepEqual(numbers(await b.metaStep(tasks(2), 2)), next);
  assert.deepEqual(await b.getState(), await a.getState());
  assert.deepEqual((await b.adaptationCurve(curveTask, curveOptions)).returns, curve);
  return { a, b, saved };
}

/**
 * Four meta-iterations on `sample()` batches (an adaptation curve of `curveSteps` steps on `curveTask` after the
 * second): finite returns and losses, and the same tf.memory().numTensors after each (nothing leaks).
 */
export async function assertTensorsFlat(learner: MetaLearner, sample: () => Task[], curveTask: Task, curveSteps: number): Promise<void> {
  const counts: number[] = [];
  for (let i = 0; i < 4; i++) {
    const m = await learner.metaStep(sample(), i);
    if (i === 1) await learner.adaptationCurve(curveTask, { seed: i, episodes: 2, steps: curveSteps });
    assert.ok(Number.isFinite(m.postReturn) && Object.values(m.losses).every(Number.isFinite), JSON.stringify(numbers(m)));
    counts.push(tf.memory().numTensors);
  }
  assert.ok(counts.every((c) => c === counts[0]), `numTensors per iteration: ${counts}`);
}
