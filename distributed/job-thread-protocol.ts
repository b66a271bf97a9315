/**
 * Messages between a `metarl worker`'s main thread and its job threads (job-threads.ts, job-thread.ts).
 */

/** What a job thread runs: a rollout chunk of a distributed training run, or a whole run of a sweep. */
export type JobKind = 'rollout' | 'run';

/** The thread's start data. */
export interface JobThreadData {
  /** Setup modules (file URLs) to import before serving: users' envs and learners. */
  modules: string[];
  /** The worker's thread count: the sampling threads of a sweep's training run. */
  threads: number;
}

/** A job for the thread. */
export interface JobRequest {
  id: number;
  kind: JobKind;
  data: unknown;
}

/** The thread's answer to {@link JobRequest} `id`, or a progress line of it (a sweep run's latest iteration). */
export type JobReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string } | { id: number; progress: string };
