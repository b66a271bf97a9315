/**
 * `metarl sweep <config> --seeds 0..9 [--grid key=v1,v2 ...] --redis <url>`: whole training runs (and their
 * evaluations) for `metarl worker` processes, one job per grid point and training seed. Each finished run's
 * directory comes back through Redis (or is written by the worker into `--shared-dir`, a directory both see) to
 * `<out>/<point>/seed-<s>`; then every grid point's evaluations are combined with the 95% CI over training seeds
 * (its eval.json and plots) and a summary table of the points goes to `<out>/sweep.md`. Submitting the same sweep
 * again waits for the jobs already queued, skips the runs already written and queues the failed ones anew.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { loadConfig } from '../experiments/config-file.js';
import { writeFileAtomic } from '../experiments/atomic-file.js';
import { combineEvaluations } from '../experiments/evaluate-runs.js';
import type { EvalResult } from '../experiments/results.js';
import { JOB_OPTIONS, RUN_QUEUE } from './queues.js';
import { RedisLink } from './redis-link.js';
import type { SweepJobData, SweepJobResult } from './sweep-job-data.js';
import { gridPoints, parseGridAxis, sweepRuns, type GridPoint, type SweepRun } from './sweep-plan.js';
import { sweepPlotSvg, sweepTable, type PointSummary } from './sweep-summary.js';

/** Options of `metarl sweep`. */
export interface SweepOptions {
  redis: string;
  seeds: number[];
  /** `key=v1,v2` axes (repeatable). */
  grid: string[];
  /** `--set` overrides applied to every point first. */
  set: string[];
  module: string[];
  /** Output directory (default runs/<name>-sweep). */
  out?: string;
  /**
   * A directory every worker and this machine see at the same path: the sweep's output directory, where the
   * workers write the runs themselves (nothing comes back through Redis).
   */
  sharedDir?: string;
}

/** What a sweep produced: the summary table, its file (sweep.svg beside it), and how many runs failed. */
export interface SweepResult {
  table: string;
  file: string;
  failed: number;
}

/** Queue the sweep's runs, wait for them, write their directories, and summarise every grid point. */
export async function sweepCommand(source: string, opts: SweepOptions, log: (line: string) => void): Promise<SweepResult> {
  const points = gridPoints(opts.grid.map(parseGridAxis));
  const loaded = await Promise.all(points.map((p) => loadConfig(source, [...opts.set, ...p.sets], opts.module)));
  if (opts.sharedDir && opts.out && resolve(opts.out) !== resolve(opts.sharedDir)) {
    throw new Error('--shared-dir is the output directory the workers write into: give it alone, or --out alone.');
  }
  const out = resolve(opts.sharedDir ?? opts.out ?? join('runs', `${loaded[0].name}-sweep`));
  const runs = sweepRuns(points, loaded.map((l) => l.config), opts.seeds);
  const pending = runs.filter((r) => !existsSync(join(out, r.relativeDir, 'eval.json')));
  log(`metarl sweep: ${points.length} grid point${points.length > 1 ? 's' : ''} x ${opts.seeds.length} seeds = ${runs.length} runs into ${out} (${runs.length - pending.length} already there)`);
  const failures = pending.length > 0 ? await runOnWorkers(pending, out, opts, log) : [];
  for (const f of failures) log(`metarl sweep: ${f}`);
  const rows = points.map((point) => summarizePoint(point, runs.filter((r) => r.point === point), out, log));
  const summaries = await Promise.all(rows);
  const table = sweepTable(summaries);
  const file = join(out, 'sweep.md');
  mkdirSync(out, { recursive: true });
  writeFileAtomic(file, `${table}\n`);
  const plot = sweepPlotSvg(summaries);
  if (plot) writeFileAtomic(join(out, 'sweep.svg'), plot);
  return { table, file, failed: failures.length };
}

/** Queue `runs`, write each one's directory as it finishes; @returns a line per run that failed. */
async function runOnWorkers(runs: readonly SweepRun[], out: string, opts: SweepOptions, log: (line: string) => void): Promise<string[]> {
  const link = new RedisLink(opts.redis);
  try {
    await link.ping();
    const queue = new Queue(RUN_QUEUE, { connection: link.client() });
    const events = new QueueEvents(RUN_QUEUE, { connection: link.client() });
    queue.on('error', () => {});
    events.on('error', () => {});
    await events.waitUntilReady();
    const sharedDir = opts.sharedDir ? out : undefined;
    const data = (r: SweepRun): SweepJobData => ({ config: r.config, point: r.point.name, relativeDir: r.relativeDir, ...(sharedDir ? { sharedDir } : {}) });
    await link.guard(dropFailedJobs(queue, runs));
    const jobs = await link.guard(queue.addBulk(runs.map((r) => ({ name: r.relativeDir, data: data(r), opts: { ...JOB_OPTIONS, jobId: r.jobId } }))));
    log(`metarl sweep: ${jobs.length} runs queued on ${link.display}; start workers with metarl worker --redis <url> (metarl sweep status shows progress)`);
    let done = 0;
    const outcomes = await link.guard(
      Promise.all(
        jobs.map(async (job, i) => {
          const failure = await finishRun(job, events, runs[i], out, sharedDir !== undefined);
          done += 1;
          log(`metarl sweep: ${failure ? 'FAILED' : 'finished'} ${runs[i].relativeDir} (${done}/${jobs.length})`);
          return failure;
        }),
      ),
    );
    await Promise.allSettled([events.close(), queue.close()]);
    return outcomes.filter((f): f is string => f !== undefined);
  } finally {
    await link.close();
  }
}

/** Remove the runs' jobs that failed in an earlier submission, so that submitting again queues them anew. */
async function dropFailedJobs(queue: Queue, runs: readonly SweepRun[]): Promise<void> {
  for (const run of runs) {
    const job = await queue.getJob(run.jobId);
    if (job && (await job.isFailed())) await job.remove();
  }
}

/**
 * Wait for `job` and put its run directory in place (`shared`: the worker wrote it into `out` itself); @returns a
 * line when it failed.
 */
async function finishRun(job: Job, events: QueueEvents, run: SweepRun, out: string, shared: boolean): Promise<string | undefined> {
  let result: SweepJobResult;
  try {
    result = (await job.waitUntilFinished(events)) as SweepJobResult;
  } catch (error) {
    return `run ${run.relativeDir} failed on the workers: ${(error as Error).message}`;
  }
  const target = join(out, run.relativeDir);
  if (!shared) writeRunDir(target, result.files ?? {});
  else if (!existsSync(join(target, 'eval.json'))) return `run ${run.relativeDir}: the worker finished but ${target} has no eval.json (is --shared-dir the same directory on every machine?)`;
  return undefined;
}

/** Write a run directory from its files, all at once: into a temporary sibling, then renamed into place. */
function writeRunDir(target: string, files: Record<string, string>): void {
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  for (const [path, base64] of Object.entries(files)) {
    const file = join(partial, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from(base64, 'base64'));
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  renameSync(partial, target);
}

/** A grid point's evaluation over the seeds that finished, combined (eval.json and plots in its directory) when two or more did. */
async function summarizePoint(point: GridPoint, runs: readonly SweepRun[], out: string, log: (line: string) => void): Promise<PointSummary> {
  const dirs = runs.map((r) => join(out, r.relativeDir)).filter((d) => existsSync(join(d, 'eval.json')));
  // `source` names where the worker evaluated the run (a temporary directory there): name the copy here instead
  const results = dirs.map((d) => ({ ...(JSON.parse(readFileSync(join(d, 'eval.json'), 'utf8')) as EvalResult), source: d }));
  if (results.length < 2) return { point, seeds: results.length, result: results[0] };
  const pointDir = dirname(dirs[0]);
  const combined = await combineEvaluations(results, dirs, pointDir);
  log(`metarl sweep: ${point.name}: ${combined.file}${combined.plots.length ? `, ${combined.plots.join(', ')}` : ''}`);
  return { point, seeds: results.length, result: combined.result };
}

/** `metarl sweep status`: the run queue's counts and its active and failed jobs. */
export async function sweepStatus(redis: string): Promise<string> {
  const link = new RedisLink(redis);
  try {
    await link.ping();
    const queue = new Queue(RUN_QUEUE, { connection: link.client() });
    queue.on('error', () => {});
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    const active = await queue.getActive();
    const failed = await queue.getFailed();
    await queue.close();
    const lines = [`runs on ${link.display}: ${counts.waiting + counts.delayed} queued, ${counts.active} running, ${counts.completed} done, ${counts.failed} failed`];
    for (const job of active) lines.push(`running  ${job.name} (job ${job.id}, attempt ${job.attemptsMade + 1})${typeof job.progress === 'string' ? `: ${job.progress}` : ''}`);
    for (const job of failed) lines.push(`failed   ${job.name} (job ${job.id}): ${job.failedReason}`);
    return lines.join('\n');
  } finally {
    await link.close();
  }
}
