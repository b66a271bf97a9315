/** Shared checks for meta-learner tests. */
import type { MetaLearner } from '../agents/meta/types.js';
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
