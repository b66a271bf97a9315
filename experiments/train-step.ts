/**
 * One guarded meta-iteration: run the learner's metaStep and, when it produced a non-finite loss, return or
 * parameter, put the learner back to its state before the step and report the iteration as skipped (the run
 * goes on). Physics errors are counted, never fatal (the env already truncated those episodes).
 */
import type { Task } from '../envs/types.js';
import type { MetaLearner, MetaLearnerState, MetaMetrics } from '../agents/meta/types.js';
import type { TrainerState } from './checkpoint.js';
import type { IterationRecord } from './results.js';

/**
 * Run one meta-iteration of `learner` on `tasks` with `seed`, update the trainer's counters and return the
 * iteration's record (its `iteration` is `trainer`'s count after this step).
 * @param iteration the 1-based number of this iteration in the run.
 */
export async function guardedMetaStep(learner: MetaLearner, tasks: readonly Task[], seed: number, iteration: number, trainer: TrainerState): Promise<IterationRecord> {
  const before = await learner.getState();
  const start = performance.now();
  const metrics = await learner.metaStep(tasks, seed);
  const problem = nonFiniteProblem(metrics, await learner.getState());
  if (problem) {
    learner.setState(before);
    trainer.skippedIterations += 1;
  }
  trainer.totalEnvSteps += metrics.envSteps;
  trainer.physicsErrors += metrics.physicsErrors;
  trainer.wallSeconds += (performance.now() - start) / 1000;
  return toRecord(metrics, iteration, trainer, problem);
}

/** Why the step's result cannot be kept (a NaN loss, return or parameter), or undefined when it can. */
export function nonFiniteProblem(metrics: MetaMetrics, state: MetaLearnerState): string | undefined {
  const badLoss = Object.entries(metrics.losses).find(([, v]) => !Number.isFinite(v));
  if (badLoss) return `non-finite ${badLoss[0]} loss (${badLoss[1]})`;
  if (!Number.isFinite(metrics.preReturn) || !Number.isFinite(metrics.postReturn)) return 'non-finite return';
  for (const [group, tensors] of Object.entries(state.params)) {
    if (tensors.some((t) => t.data.some((v) => !Number.isFinite(v)))) return `non-finite ${group} parameters`;
  }
  return undefined;
}

function toRecord(m: MetaMetrics, iteration: number, trainer: TrainerState, skipped: string | undefined): IterationRecord {
  return {
    iteration,
    preReturn: m.preReturn,
    postReturn: m.postReturn,
    losses: m.losses,
    kl: m.kl,
    envSteps: m.envSteps,
    totalEnvSteps: trainer.totalEnvSteps,
    timings: m.timings,
    wallSeconds: trainer.wallSeconds,
    ...(skipped ? { skipped } : {}),
    physicsErrors: m.physicsErrors,
    info: m.info,
  };
}
