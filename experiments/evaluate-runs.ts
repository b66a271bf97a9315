/**
 * One evaluation over several training seeds: each run (the same experiment trained with another `seed`) is
 * evaluated by the protocol of evaluate.ts (its own eval.json, CI over evaluation seeds), then every curve is
 * summarised over the runs — each run's value is its mean over test tasks and evaluation seeds — with the 95%
 * Student-t CI over training seeds, which is what the literature reports. Written as eval.json (+ plots) into a
 * directory of its own.
 */
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';
import { evaluate, type EvalOptions } from './evaluate.js';
import { writePlots } from './plots.js';
import type { EvalCurve, EvalResult } from './results.js';
import { summarize } from './stats.js';

/** Config keys that may differ between the runs of one multi-seed evaluation. */
const PER_RUN_KEYS = new Set(['seed', 'outDir', 'name', 'description']);

/**
 * Evaluate `runs` (run directories of one experiment, one per training seed) and combine them.
 * @param out directory for the combined eval.json and plots (default: the runs' common parent directory).
 */
export async function evaluateRuns(runs: readonly string[], options: EvalOptions & { out?: string }): Promise<{ result: EvalResult; file: string; plots: string[] }> {
  if (runs.length < 2) throw new Error('evaluateRuns: give at least two run directories (one per training seed); one run is `metarl eval <run>`.');
  const results: EvalResult[] = [];
  for (const run of runs) {
    options.log(`metarl: evaluating training seed run ${run}`);
    results.push((await evaluate(run, options)).result);
  }
  return combineEvaluations(results, runs, options.out);
}

/**
 * Combine the evaluations `results` of `runs` (one experiment, one run per training seed, evaluated alike) into
 * curves with the 95% CI over training seeds, written as eval.json and plots into `out` (default: the runs'
 * common parent directory).
 */
export async function combineEvaluations(results: readonly EvalResult[], runs: readonly string[], out?: string): Promise<{ result: EvalResult; file: string; plots: string[] }> {
  checkSameExperiment(results, runs);
  const result = combine(results);
  const dir = resolve(out ?? commonParent(runs));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'eval.json');
  writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
  return { result, file, plots: await writePlots(dir) };
}

/** The runs must be one experiment (same config but for the seed) evaluated on the same protocol. */
function checkSameExperiment(results: readonly EvalResult[], runs: readonly string[]): void {
  const [first] = results;
  const shared = (r: EvalResult) => experimentKeys(r.config as Record<string, unknown>);
  results.forEach((r, i) => {
    const differing = Object.keys({ ...shared(first), ...shared(r) }).filter((k) => !isDeepStrictEqual(shared(first)[k], shared(r)[k]));
    if (differing.length > 0) throw new Error(`${runs[i]} is not the experiment of ${runs[0]}: config ${differing.join(', ')} differ (only ${[...PER_RUN_KEYS].join(', ')} and eval.baselines may).`);
    if (r.iteration !== first.iteration) throw new Error(`${runs[i]} has ${r.iteration} iterations, ${runs[0]} has ${first.iteration}: evaluate runs trained equally long.`);
  });
  const seeds = results.map((r) => (r.config as { seed: number }).seed);
  if (new Set(seeds).size !== seeds.length) throw new Error(`the runs repeat a training seed (${seeds.join(', ')}): give one run per seed.`);
}

/**
 * The config entries that define the experiment: all but {@link PER_RUN_KEYS}, and `eval` without its `baselines`
 * list (which baselines a run was evaluated against; {@link combine} keeps the curves every run has, so a run
 * written when the default list was shorter combines with newer ones).
 */
function experimentKeys(config: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(config).filter(([k]) => !PER_RUN_KEYS.has(k));
  return Object.fromEntries(entries.map(([k, v]) => [k, k === 'eval' ? withoutBaselineList(v) : v]));
}

function withoutBaselineList(evalSettings: unknown): unknown {
  if (typeof evalSettings !== 'object' || evalSettings === null) return evalSettings;
  const { baselines: _measured, ...protocol } = evalSettings as Record<string, unknown>;
  return protocol;
}

/** The curves over training seeds: per run, the curve's mean over evaluation seeds. */
function combine(results: readonly EvalResult[]): EvalResult {
  const [first] = results;
  const curves: Record<string, EvalCurve> = {};
  for (const key of Object.keys(first.curves).filter((k) => results.every((r) => r.curves[k]))) {
    const perSeed = results.map((r) => r.curves[key].mean);
    const rates = results.map((r) => r.curves[key].successRate?.mean);
    const successRate = rates.every((rate) => rate !== undefined) ? { successRate: summarize(rates as number[][]) } : {};
    curves[key] = { label: first.curves[key].label, ...summarize(perSeed), perSeed, ...successRate };
  }
  return {
    ...first,
    createdAt: new Date().toISOString(),
    sources: results.map((r) => r.source),
    protocol: { ...first.protocol, ciOver: 'training seeds', trainingSeeds: results.map((r) => (r.config as { seed: number }).seed) },
    curves,
    wallSeconds: results.reduce((s, r) => s + r.wallSeconds, 0),
  };
}

/** The deepest directory containing every run (`runs/x` for `runs/x/seed-0`, `runs/x/seed-1`). */
function commonParent(runs: readonly string[]): string {
  const parents = runs.map((r) => dirname(resolve(r)));
  let common = parents[0];
  while (!parents.every((p) => p === common || p.startsWith(`${common}/`))) common = dirname(common);
  return common;
}
