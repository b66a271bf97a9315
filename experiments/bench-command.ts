/**
 * `metarl bench [--json [file]] [--quick]`: run the benchmark suite (bench/suite.ts) in this process, print its
 * table, and optionally write the report as JSON (atomically; default bench/results/bench-<ISO time>.json).
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatBenchReport } from '../bench/bench-table.js';
import { benchSettings, runBench, type BenchReport } from '../bench/suite.js';
import { writeFileAtomic } from './atomic-file.js';

/** Options of `metarl bench`. */
export interface BenchCommandOptions {
  /** Write the report as JSON: to this file, or (true) to the default file. */
  json?: string | boolean;
  /** Small sizes everywhere (~30 s instead of a few minutes). */
  quick?: boolean;
}

/** What the command produced. */
export interface BenchCommandResult {
  report: BenchReport;
  /** The table to print (no trailing newline). */
  table: string;
  /** Where the JSON report was written, if asked. */
  jsonPath?: string;
}

/** The default JSON path for a run started at `date`: bench/results/bench-2026-11-05T10-22-31Z.json (no colons). */
export function defaultBenchPath(date: Date = new Date()): string {
  return join('bench', 'results', `bench-${date.toISOString().slice(0, 19).replace(/:/g, '-')}Z.json`);
}

/** Run the suite; `progress` gets one line per step. The JSON target is checked before the (minutes-long) run. */
export async function benchCommand(options: BenchCommandOptions, progress: (line: string) => void): Promise<BenchCommandResult> {
  const jsonPath = options.json === undefined || options.json === false ? undefined : options.json === true ? defaultBenchPath() : options.json;
  if (jsonPath !== undefined) prepareOutput(jsonPath);
  const report = await runBench(benchSettings(options.quick ?? false), { progress });
  if (jsonPath !== undefined) writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  return { report, table: formatBenchReport(report), jsonPath };
}

/** Create the directory of `path` and check it is writable; the error names the path and the fix. */
function prepareOutput(path: string): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new Error(`cannot write the bench report to ${path} (${(err as Error).message}); pass --json <file> in a writable directory.`, { cause: err });
  }
}
