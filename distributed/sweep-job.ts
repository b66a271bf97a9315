/**
 * Running a sweep job on a worker's job thread: train the run, evaluate it (its eval.json and plots), and hand the
 * run directory back: in the result (its files, for the submitter to write) or in the shared directory both see.
 * The run's log lines go to `worker.log` in the run directory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { workerData } from 'node:worker_threads';
import { evaluate } from '../experiments/evaluate.js';
import { LineProgress } from '../experiments/progress.js';
import { trainRun } from '../experiments/train.js';
import type { JobThreadData } from './job-thread-protocol.js';
import type { SweepJobData, SweepJobResult } from './sweep-job-data.js';

/**
 * Train and evaluate the job's run; @returns its result (with the run's files unless the directory is shared).
 * @param onProgress receives each training iteration's line and the start of the evaluation.
 */
export async function runSweepJob(job: unknown, onProgress: (line: string) => void): Promise<SweepJobResult> {
  const data = job as SweepJobData;
  const dir = data.sharedDir ? join(data.sharedDir, data.relativeDir) : mkdtempSync(join(tmpdir(), 'metarl-sweep-'));
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    if (line.startsWith('iter ') || line.startsWith('metarl: evaluating')) onProgress(line.replace(/\s{2,}/g, ' '));
  };
  const workers = (workerData as JobThreadData).threads;
  try {
    await trainRun({ config: data.config, origin: `sweep point ${data.point}`, name: data.point }, { out: dir, force: true, workers, log, progress: new LineProgress(log) });
    await evaluate(dir, { log, workers });
    writeFileSync(join(dir, 'worker.log'), `${lines.join('\n')}\n`);
    return data.sharedDir ? {} : { files: readTree(dir) };
  } finally {
    if (!data.sharedDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir`: its path relative to `dir` -> base64 of its bytes. */
function readTree(dir: string, root = dir, files: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readTree(path, root, files);
    else files[relative(root, path)] = readFileSync(path).toString('base64');
  }
  return files;
}
