/**
 * The per-iteration training log: `metrics.jsonl` (one {@link IterationRecord} per line, complete) and
 * `metrics.csv` (the same rows flattened for spreadsheets). Appends one row per iteration; on resume the log
 * is cut back to the checkpoint's iteration, so rows logged after the last checkpoint (before a kill) are
 * replaced by the resumed run's.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import type { IterationRecord } from './results.js';

const TIMING_KEYS = ['sampling', 'inner', 'outer', 'total'] as const;

/** Writes metrics.jsonl and metrics.csv in a run directory. */
export class MetricsLog {
  readonly jsonlPath: string;
  readonly csvPath: string;
  private lossNames: string[] | undefined;

  constructor(runDir: string) {
    this.jsonlPath = join(runDir, 'metrics.jsonl');
    this.csvPath = join(runDir, 'metrics.csv');
  }

  /** Append one iteration to both files. */
  append(record: IterationRecord): void {
    if (this.lossNames === undefined) this.start(Object.keys(record.losses));
    appendFileSync(this.jsonlPath, `${JSON.stringify(record)}\n`);
    appendFileSync(this.csvPath, `${this.csvRow(record)}\n`);
  }

  /** Keep only the records of iterations ≤ `iteration` (resume); rewrites both files atomically. */
  truncate(iteration: number): IterationRecord[] {
    const kept = readMetrics(this.jsonlPath).filter((r) => r.iteration <= iteration);
    this.lossNames = undefined;
    writeFileAtomic(this.jsonlPath, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    writeFileAtomic(this.csvPath, '');
    if (kept.length > 0) {
      this.start(Object.keys(kept[0].losses));
      appendFileSync(this.csvPath, kept.map((r) => `${this.csvRow(r)}\n`).join(''));
    }
    return kept;
  }

  /** Fix the loss columns and write the CSV header. */
  private start(lossNames: string[]): void {
    this.lossNames = lossNames;
    const header = ['iteration', 'pre_return', 'post_return', 'kl', 'env_steps', 'total_env_steps', 'wall_seconds', 'physics_errors', 'skipped'];
    header.push(...TIMING_KEYS.map((k) => `${k}_ms`), ...lossNames.map((n) => `loss_${n}`));
    writeFileAtomic(this.csvPath, `${header.join(',')}\n`);
  }

  private csvRow(r: IterationRecord): string {
    const cells = [r.iteration, r.preReturn, r.postReturn, r.kl, r.envSteps, r.totalEnvSteps, r.wallSeconds.toFixed(3), r.physicsErrors, csvText(r.skipped ?? '')];
    cells.push(...TIMING_KEYS.map((k) => r.timings[k].toFixed(1)), ...(this.lossNames ?? []).map((n) => r.losses[n] ?? NaN));
    return cells.join(',');
  }
}

/** Read metrics.jsonl (empty when missing); throws naming the file and line of a malformed record. */
export function readMetrics(path: string): IterationRecord[] {
  if (!existsSync(path)) return [];
  const records: IterationRecord[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(JSON.parse(line, reviveNumbers) as IterationRecord);
      } catch (error) {
        throw new Error(`${path}:${i + 1}: not a JSON record (${(error as Error).message}).`);
      }
    });
  return records;
}

/** JSON has no NaN: records store non-finite numbers as null; read them back as NaN. */
function reviveNumbers(key: string, value: unknown): unknown {
  return value === null && key !== '' ? NaN : value;
}

function csvText(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
