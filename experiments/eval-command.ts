/**
 * `metarl eval <runDir|checkpoint>...` and `metarl plot <runDir>`: run the evaluation protocol (evaluate.ts; several
 * runs of one experiment: evaluate-runs.ts) and
 * print its curves as a table (or the whole eval.json with --json); write the SVG plots of a run.
 */
import type { BaselineName } from './config.js';
import { formatTable } from './text-table.js';
import { evaluate } from './evaluate.js';
import { evaluateRuns } from './evaluate-runs.js';
import { writePlots } from './plots.js';
import type { EvalResult } from './results.js';

/** Options of `metarl eval` (all optional: the run's config `eval` section gives the defaults). */
export interface EvalCommandOptions {
  tasks?: 'test' | 'train';
  numTasks?: number;
  seeds?: number;
  steps?: number;
  episodes?: number;
  baselines?: BaselineName[];
  baselineIterations?: number;
  workers?: number;
  json?: boolean;
  /** Several runs: where the combined evaluation goes (default: their common parent directory). */
  out?: string;
}

/**
 * Evaluate one run (CI over evaluation seeds) or several runs of one experiment, one per training seed (CI over
 * training seeds), and return the text to print.
 */
export async function evalCommand(paths: readonly string[], opts: EvalCommandOptions, log: (line: string) => void): Promise<string> {
  const options = { split: opts.tasks, tasks: opts.numTasks, seeds: opts.seeds, steps: opts.steps, episodes: opts.episodes, baselines: opts.baselines, baselineIterations: opts.baselineIterations, workers: opts.workers, log };
  if (opts.out && paths.length < 2) throw new Error('--out is for several runs (one per training seed); one run writes eval.json into its own directory.');
  const { result, file, plots } = paths.length > 1 ? await evaluateRuns(paths, { ...options, out: opts.out }) : await evaluate(paths[0], options);
  if (opts.json) return JSON.stringify(result, null, 2);
  return [formatCurves(result), '', `wrote ${file}`, ...plots.map((p) => `wrote ${p}`)].join('\n');
}

/** Write the plots of a run directory; @returns the lines to print. */
export async function plotCommand(runDir: string): Promise<string> {
  return (await writePlots(runDir)).map((p) => `wrote ${p}`).join('\n');
}

/** The curves as a table: one row per policy, one column per curve point, `mean ± ci95` (`mean (n=1)` without a CI). */
export function formatCurves(result: EvalResult): string {
  const { axis, points, seeds, tasks, split } = result.protocol;
  const over = result.protocol.ciOver ?? 'evaluation seeds';
  const n = over === 'training seeds' ? (result.sources?.length ?? 1) : seeds.length;
  const pointName = (j: number) => (axis === 'inner steps' ? `k=${j}` : `ep ${j + 1}`);
  const header = ['policy', ...Array.from({ length: points }, (_, j) => pointName(j))];
  const rows = Object.values(result.curves).map((c) => [c.label, ...header.slice(1).map((_, j) => cell(c.mean, c.ci95, j))]);
  const success = Object.values(result.curves).filter((c) => c.successRate).map((c) => [`${c.label} success`, ...header.slice(1).map((_, j) => cell(c.successRate!.mean, c.successRate!.ci95, j))]);
  const ci = n > 1 ? `mean return ± 95% CI over ${n} ${over}` : `mean return, n=1 (${over}: no CI)`;
  const evalSeeds = over === 'training seeds' ? `, ${seeds.length} evaluation seeds each` : '';
  const title = `${result.envId} ${result.algorithm} (iteration ${result.iteration}): ${ci}${evalSeeds}, ${tasks.length} ${split} tasks, x = ${axis}`;
  return [title, formatTable([header, ...rows, ...success])].join('\n');
}

/** Entry j (a curve evaluated at one point, e.g. the oracle, repeats it); no interval (n = 1) shows as `(n=1)`. */
function cell(mean: readonly number[], ci: readonly number[], j: number): string {
  const i = Math.min(j, mean.length - 1);
  return Number.isFinite(ci[i]) ? `${mean[i].toFixed(2)} ± ${ci[i].toFixed(2)}` : `${mean[i].toFixed(2)} (n=1)`;
}
