/**
 * A sweep job: one training run (one grid point, one training seed) and its evaluation, as `metarl sweep` queues
 * it. The job carries the experiment config without `modules` (a job never names code to load): the worker
 * validates it against its own registry, the built-ins plus the modules it was started with.
 */
import { isAbsolute } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { parseConfig, type ExperimentConfig } from '../experiments/config.js';

/** What a sweep job carries. */
export interface SweepJobData {
  /** The run's config (its `seed` is the training seed), without `modules`. */
  config: ExperimentConfig;
  /** The grid point's name (`key=value,...`, or `base` without a grid), for logs and the output layout. */
  point: string;
  /**
   * A directory every worker and the submitter share (a network file system): the worker trains into
   * `<sharedDir>/<relativeDir>` and sends nothing back. Absent: it trains in a temporary directory and the
   * job's result carries the run directory's files.
   */
  sharedDir?: string;
  /** The run directory relative to the sweep's output directory, e.g. `innerLr=0.05/seed-3`. */
  relativeDir: string;
}

/** What a finished sweep job returns (its times are in the run's metrics and eval.json). */
export interface SweepJobResult {
  /** The run directory's files (path relative to it -> base64 of the bytes); absent with a shared directory. */
  files?: Record<string, string>;
}

/**
 * Check a sweep job's data on the worker: its config must validate here (env and learner registered on this
 * worker); throws an UnrecoverableError (failed at once, never retried) otherwise.
 * @returns a short description for logs.
 */
export function checkSweepJob(data: unknown): string {
  const job = data as Partial<SweepJobData> | null;
  if (!job?.config || typeof job.relativeDir !== 'string' || typeof job.point !== 'string') throw new UnrecoverableError('not a metarl sweep job (config, point and relativeDir are required).');
  if (isAbsolute(job.relativeDir) || job.relativeDir.split(/[/\\]/).includes('..')) throw new UnrecoverableError(`a sweep job's relativeDir must stay inside the sweep's directory; got '${job.relativeDir}'.`);
  if ((job.config as { modules?: unknown }).modules !== undefined) throw new UnrecoverableError('a sweep job may not name modules: start the worker with --module <file> instead.');
  try {
    parseConfig(structuredClone(job.config), `sweep job ${job.relativeDir}`);
  } catch (error) {
    throw new UnrecoverableError(`${(error as Error).message} (this worker registers only its built-ins and its --module files; start it with --module <file that registers it>)`);
  }
  return `${job.config.env} ${job.config.algorithm.name} ${job.point} seed ${job.config.seed}`;
}
