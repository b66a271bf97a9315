/**
 * `metarl train <config> --seeds 0,1,2`: the same experiment trained once per training seed, each into its own run
 * directory `<out>/seed-<s>`, then one evaluation over the runs with the 95% CI over training seeds
 * (evaluate-runs.ts) written to `<out>/eval.json`.
 */
import { join, resolve } from 'node:path';
import type { LoadedConfig } from './config-file.js';
import { formatCurves } from './eval-command.js';
import { evaluateRuns } from './evaluate-runs.js';
import { trainRun, type TrainOptions, type TrainResult } from './train.js';

/** What a multi-seed run did: the parent directory, the runs, and the evaluation table (when all finished). */
export interface SeedsResult extends TrainResult {
  runDirs: string[];
  /** The combined evaluation as a table; absent when interrupted. */
  evaluation?: string;
}

/** Parse `0,1,2` or `0..9` into distinct seeds in order; throws naming the accepted forms. */
export function parseSeeds(text: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(text);
  const seeds = range ? seedRange(Number(range[1]), Number(range[2])) : text.split(',').map((s) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN));
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s > 2 ** 31 - 1) || new Set(seeds).size !== seeds.length) {
    throw new Error(`--seeds must list distinct integers >= 0 as 0,1,2 or a range 0..9; got '${text}'.`);
  }
  return seeds;
}

function seedRange(from: number, to: number): number[] {
  return to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Train `loaded` once per seed into `<out>/seed-<s>`, then evaluate the runs together. */
export async function trainSeeds(loaded: LoadedConfig, seeds: readonly number[], options: TrainOptions & { out?: string; force?: boolean }): Promise<SeedsResult> {
  if (seeds.length < 2) throw new Error('--seeds needs at least two seeds (the CI is over them); one seed is --set seed=N.');
  const base = resolve(options.out ?? loaded.config.outDir ?? join('runs', loaded.name));
  const runs: TrainResult[] = [];
  for (const seed of seeds) {
    options.log(`metarl: training seed ${seed} (${runs.length + 1}/${seeds.length})`);
    const run = await trainRun({ ...loaded, config: { ...loaded.config, seed } }, { ...options, out: join(base, `seed-${seed}`) });
    runs.push(run);
    if (run.interrupted) return { ...run, runDir: base, runDirs: runs.map((r) => r.runDir) };
  }
  const runDirs = runs.map((r) => r.runDir);
  const { result, file } = await evaluateRuns(runDirs, { log: options.log, workers: options.workers, out: base });
  const evaluation = `${formatCurves(result)}\nwrote ${file}`;
  return { runDir: base, iteration: runs[0].iteration, interrupted: false, records: runs.flatMap((r) => r.records), runDirs, evaluation };
}
