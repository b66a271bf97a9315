/**
 * The BullMQ queues metarl uses and the job options they share: rollout chunks of one training run's
 * meta-iterations (short, many) and whole training runs of a sweep (long, few).
 */
import type { JobsOptions } from 'bullmq';

/** Queue of rollout chunks (distributed sampling of `metarl train --redis`). */
export const ROLLOUT_QUEUE = 'metarl-rollouts';
/** Queue of whole training runs (`metarl sweep`). */
export const RUN_QUEUE = 'metarl-runs';

/** Attempts of a job before it is reported failed (a worker that throws, or one killed mid-job). */
export const JOB_ATTEMPTS = 3;

/** Options of every job: bounded retries, finished jobs kept a while for `metarl sweep status`, then dropped. */
export const JOB_OPTIONS: JobsOptions = {
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'fixed', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** How a worker holds its jobs: the lock it renews, and how often stalled jobs (their worker died) are re-queued (ms). */
export interface LockTiming {
  /** A job whose worker stopped renewing its lock for this long is stalled and goes back to the queue (default 30 s). */
  lockMs: number;
}

/** BullMQ's worker settings for a {@link LockTiming}: stalled jobs are looked for as often as a lock lasts. */
export function lockSettings({ lockMs }: LockTiming): { lockDuration: number; stalledInterval: number; maxStalledCount: number } {
  return { lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: JOB_ATTEMPTS - 1 };
}
