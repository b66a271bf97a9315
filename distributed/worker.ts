/**
 * `metarl worker`: takes jobs from Redis until stopped: rollout chunks of distributed training runs and whole
 * training runs of sweeps, each on one of its job threads. It runs only envs and learners registered in itself
 * (the built-ins and the modules it was started with): a job naming another env fails at once, with a line
 * saying so. Stopping (Ctrl-C) lets the jobs in progress finish; a worker killed mid-job stops renewing the job's
 * lock and BullMQ hands the job to another worker (`lockMs` later).
 */
import { availableParallelism } from 'node:os';
import { Worker, type Job } from 'bullmq';
import { JobThreads } from './job-threads.js';
import { lockSettings, ROLLOUT_QUEUE, RUN_QUEUE } from './queues.js';
import { RedisLink } from './redis-link.js';
import { checkRolloutEnv } from './rollout-job.js';
import { checkSweepJob } from './sweep-job-data.js';

/** How to run a worker. */
export interface WorkerOptions {
  /** Redis URL (`redis://[:password@]host[:port]`, `rediss://` for TLS). */
  redis: string;
  /** Job threads: rollout chunks in parallel, and the sampling threads of a sweep's training run (default 1). */
  threads: number;
  /** Setup modules (file URLs) the job threads import: the `--module` files, already loaded here. */
  modules: readonly string[];
  /** A job whose worker died goes back to the queue after this long (ms; BullMQ's lock duration). */
  lockMs: number;
  log: (line: string) => void;
}

/** A started worker: {@link stop} it to finish the jobs in progress and disconnect. */
export interface RunningWorker {
  stop(): Promise<void>;
}

/** Connect (one line and a rejection when Redis cannot be reached), start the job threads, take jobs. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  await new RedisLink(options.redis).ping();
  const link = new RedisLink(options.redis, { giveUpMs: Infinity, onRetry: options.log });
  const threads = new JobThreads(options.threads, options.modules);
  const settings = lockSettings({ lockMs: options.lockMs });
  const rollouts = new Worker(ROLLOUT_QUEUE, (job: Job) => (checkRolloutEnv(job.data), threads.run('rollout', job.data)), {
    connection: link.client(),
    concurrency: options.threads,
    ...settings,
  });
  const runs = new Worker(RUN_QUEUE, (job: Job) => runJob(job, threads, options.log), { connection: link.client(), concurrency: 1, ...settings });
  for (const worker of [rollouts, runs]) {
    worker.on('failed', (job, error) => options.log(`metarl worker: job ${job?.name ?? '?'} ${job?.id ?? ''} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`));
    worker.on('error', () => {}); // connection errors: reported once per outage by the link
  }
  await Promise.all([rollouts.waitUntilReady(), runs.waitUntilReady()]);
  options.log(`metarl worker: taking jobs from ${link.display} on ${options.threads} thread${options.threads > 1 ? 's' : ''} (Ctrl-C finishes the current jobs and stops)`);
  return {
    async stop() {
      await Promise.all([rollouts.close(), runs.close()]);
      await threads.close();
      await link.close();
    },
  };
}

/** A sweep's training run: checked here (its env and learner must be registered), run on a job thread. */
async function runJob(job: Job, threads: JobThreads, log: (line: string) => void): Promise<unknown> {
  const what = checkSweepJob(job.data);
  log(`metarl worker: training ${what} (job ${job.id})`);
  const result = await threads.run('run', job.data, (line) => void job.updateProgress(line).catch(() => {}));
  log(`metarl worker: finished ${what} (job ${job.id})`);
  return result;
}

/** Options of `metarl worker`. */
export interface WorkerCommandOptions {
  redis: string;
  threads?: number;
  lockMs: number;
}

/**
 * Run `metarl worker` until `stopRequested` resolves (Ctrl-C), then let the current jobs finish and disconnect.
 * @param modules the `--module` files' URLs (loaded into this process already).
 */
export async function workerCommand(opts: WorkerCommandOptions, modules: readonly string[], log: (line: string) => void, stopRequested: Promise<void>): Promise<void> {
  const threads = opts.threads ?? availableParallelism();
  const worker = await startWorker({ redis: opts.redis, threads, modules, lockMs: opts.lockMs, log });
  await stopRequested;
  log('metarl worker: finishing the current jobs, then stopping (Ctrl-C again to quit now: the jobs go to other workers)');
  await worker.stop();
}
