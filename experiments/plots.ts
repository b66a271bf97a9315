/**
 * The plots of a run as standalone SVG: the meta-training learning curve (metrics.jsonl), the adaptation
 * curves on the evaluation tasks and, where defined, their success rates (eval.json). `writePlots` renders
 * whatever a run directory holds into `runDir/plots/`.
 */
import { access, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { readMetrics } from './metrics-log.js';
import { readEvalResult } from './plot-eval-file.js';
import type { CurveSummary, EvalCurve, EvalResult, IterationRecord } from './results.js';
import {
  chartSvg,
  layoutChart,
  niceTicks,
  seriesStyle,
  type Chart,
  type SeriesStyle,
  type Ticks,
} from './svg-chart.js';
import { bandSvg, linePathSvg, markersSvg } from './svg-series.js';

/** Above this many iterations the learning curve adds a moving average and fades the raw points. */
const SMOOTH_ABOVE_POINTS = 50;
/** Dash of a one-point curve drawn as a horizontal reference line when its own style is solid. */
const REFERENCE_DASH = '6 5';

/**
 * Meta-training returns (mean undiscounted return per episode) against the meta-iteration: one line before
 * and one after adaptation. Skipped iterations and NaN returns leave gaps; a repeated iteration (a resumed
 * run redoing it) shows its last record. Above 50 iterations the raw lines are faint under a centred moving
 * average.
 */
export function learningCurveSvg(records: readonly IterationRecord[], title: string): string {
  const ordered = lastRecordPerIteration(records);
  const xs = ordered.map((r) => r.iteration);
  const series = [
    { label: 'pre-adaptation', values: ordered.map((r) => (r.skipped === undefined ? r.preReturn : NaN)) },
    { label: 'post-adaptation', values: ordered.map((r) => (r.skipped === undefined ? r.postReturn : NaN)) },
  ];
  const window = ordered.length > SMOOTH_ABOVE_POINTS ? movingAverageWindow(ordered.length) : 0;
  const chart = layoutChart({
    title,
    subtitle: learningCurveSubtitle(ordered, window),
    x: { label: 'meta-iteration', ticks: niceTicks(...extent(xs, [0, 1]), { integer: true }) },
    y: { label: 'mean return per episode', ticks: niceTicks(...extent(series.flatMap((s) => s.values), [0, 1])) },
    legend: series.map((s, i) => ({ label: s.label, style: seriesStyle(i), marker: window === 0 })),
  });
  const layers = series.flatMap((s, i) => {
    const style = seriesStyle(i);
    if (window === 0) {
      return [linePathSvg(chart, xs, s.values, style, 'curve'), ...markersSvg(chart, xs, s.values, style)];
    }
    return [
      linePathSvg(chart, xs, s.values, { ...style, dash: '' }, 'raw', 0.3),
      linePathSvg(chart, xs, movingAverage(s.values, window), style, 'curve'),
    ];
  });
  return chartSvg(chart, layers);
}

function lastRecordPerIteration(records: readonly IterationRecord[]): IterationRecord[] {
  const byIteration = new Map(records.map((r) => [r.iteration, r]));
  return [...byIteration.values()].sort((a, b) => a.iteration - b.iteration);
}

function learningCurveSubtitle(records: readonly IterationRecord[], window: number): string {
  const skipped = records.filter((r) => r.skipped !== undefined).length;
  const parts = [plural(records.length, 'meta-iteration')];
  if (skipped > 0) parts.push(`${skipped} skipped (gaps)`);
  if (window > 0) parts.push(`faint: per iteration, bold: moving average over ${window}`);
  return parts.join(', ');
}

/** An odd window of about 4% of the points, at least 5. */
function movingAverageWindow(points: number): number {
  return Math.max(5, 2 * Math.round(points / 50) + 1);
}

/** Centred moving average over the finite values in each window; a gap in `values` stays a gap. */
function movingAverage(values: readonly number[], window: number): number[] {
  const half = (window - 1) / 2;
  return values.map((v, i) => {
    if (!Number.isFinite(v)) return NaN;
    const neighbours = values.slice(Math.max(0, i - half), i + half + 1).filter(Number.isFinite);
    return neighbours.reduce((sum, x) => sum + x, 0) / neighbours.length;
  });
}

/**
 * Mean return on the evaluation tasks (held-out, or training tasks when `protocol.split` is 'train') against
 * the adaptation axis (inner steps 0..k, or episode 1..E of a trial), one line per curve (agent first) with
 * markers and a translucent 95% CI band. A one-point curve (a policy evaluated without adaptation) is a
 * dashed horizontal line with its band across the whole axis.
 */
export function adaptationCurveSvg(result: EvalResult): string {
  const ticks = niceTicks(...extent(bandEdges(orderedCurves(result).map(({ curve }) => curve)), [0, 1]));
  const yLabel = `mean return (${taskWords(result).adjective} tasks)`;
  return curvesChartSvg(result, 'adaptation', yLabel, ticks, (curve) => curve);
}

/**
 * Success rate (fraction of episodes, in [0, 1]) of the curves that define one, laid out like
 * {@link adaptationCurveSvg}. Throws when no curve has a success rate.
 */
export function successRateSvg(result: EvalResult): string {
  if (!hasSuccessRate(result)) throw new Error(`${result.envId}: no curve of this evaluation has a success rate`);
  return curvesChartSvg(result, 'success rate', 'success rate', niceTicks(0, 1), (curve) => curve.successRate);
}

function hasSuccessRate(result: EvalResult): boolean {
  return Object.values(result.curves).some((curve) => curve.successRate !== undefined);
}

function curvesChartSvg(
  result: EvalResult,
  what: string,
  yLabel: string,
  yTicks: Ticks,
  pick: (curve: EvalCurve) => CurveSummary | undefined,
): string {
  const curves = orderedCurves(result).flatMap(({ curve, index }) => {
    const summary = pick(curve);
    return summary ? [{ label: curve.label, summary, style: curveStyle(index, summary) }] : [];
  });
  const { axis, tasks } = result.protocol;
  const first = axis === 'inner steps' ? 0 : 1;
  const points = Math.max(result.protocol.points, ...curves.map((c) => c.summary.mean.length));
  const chart = layoutChart({
    title: `${result.envId} · ${result.algorithm}: ${what} on ${taskWords(result).adjective} tasks`,
    subtitle: `${ciWords(result)}, ${plural(tasks.length, taskWords(result).noun)}`,
    x: { label: axis, ticks: pointTicks(first, first + points - 1) },
    y: { label: yLabel, ticks: yTicks },
    legend: curves.map((c) => ({ label: c.label, style: c.style, band: true, marker: c.summary.mean.length > 1 })),
  });
  return chartSvg(chart, curves.flatMap((c) => curveLayers(chart, c.summary, c.style, first)));
}

/** How the titles name the evaluation tasks: held-out test tasks, or training tasks (`protocol.split`). */
function taskWords(result: EvalResult): { adjective: string; noun: string } {
  return result.protocol.split === 'train'
    ? { adjective: 'training', noun: 'training task' }
    : { adjective: 'held-out', noun: 'test task' };
}

/** The curves with `agent` first, each with its index in that order (which fixes its style in every plot). */
function orderedCurves(result: EvalResult): { curve: EvalCurve; index: number }[] {
  const keys = Object.keys(result.curves).sort((a, b) => Number(b === 'agent') - Number(a === 'agent'));
  return keys.map((key, index) => ({ curve: result.curves[key], index }));
}

function curveStyle(index: number, summary: CurveSummary): SeriesStyle {
  const style = seriesStyle(index);
  return summary.mean.length === 1 && style.dash === '' ? { ...style, dash: REFERENCE_DASH } : style;
}

/** Integer ticks first..last with the axis padded slightly so end markers clear the frame. */
function pointTicks(first: number, last: number): Ticks {
  const ticks = niceTicks(first, last, { integer: true, extendDomain: false, maxIntervals: 10 });
  const pad = Math.max(last - first, 1) * 0.03;
  return { ...ticks, domain: [first - pad, last + pad] };
}

function curveLayers(chart: Chart, summary: CurveSummary, style: SeriesStyle, first: number): string[] {
  if (summary.mean.length === 1) {
    const xs = chart.spec.x.ticks.domain;
    const ys = [summary.mean[0], summary.mean[0]];
    const half = [summary.ci95[0], summary.ci95[0]];
    return [...bandSvg(chart, xs, ys, half, style.colour), linePathSvg(chart, xs, ys, style, 'curve')];
  }
  const xs = summary.mean.map((_, i) => first + i);
  return [
    ...bandSvg(chart, xs, summary.mean, summary.ci95, style.colour),
    linePathSvg(chart, xs, summary.mean, style, 'curve'),
    ...markersSvg(chart, xs, summary.mean, style),
  ];
}

/** mean ± ci95 of every point (the y extent the bands need); a NaN ci95 counts as 0. */
function bandEdges(curves: readonly EvalCurve[]): number[] {
  return curves.flatMap((c) => c.mean.flatMap((m, i) => [m - (c.ci95[i] || 0), m + (c.ci95[i] || 0)]));
}

/** [min, max] of the finite values, or `fallback` when there are none. */
function extent(values: readonly number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? fallback : [Math.min(...finite), Math.max(...finite)];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Render the plots of the run in `runDir` into `runDir/plots/`: learning-curve.svg from metrics.jsonl,
 * adaptation-curve.svg and (when a curve has a success rate) success-rate.svg from eval.json — whichever of
 * the two files exist. Each file is written atomically. Returns the paths written.
 */
export async function writePlots(runDir: string): Promise<string[]> {
  const metricsFile = join(runDir, 'metrics.jsonl');
  const evalFile = join(runDir, 'eval.json');
  const [hasMetrics, hasEval] = await Promise.all([exists(metricsFile), exists(evalFile)]);
  if (!hasMetrics && !hasEval) {
    throw new Error(
      `${runDir} is not a run directory: expected metrics.jsonl or eval.json; run \`metarl train\` first`,
    );
  }
  const result = hasEval ? await readEvalResult(evalFile) : undefined;
  const plots: [string, string][] = [];
  if (hasMetrics) {
    const records = readMetrics(metricsFile);
    plots.push(['learning-curve.svg', learningCurveSvg(records, learningCurveTitle(runDir, result))]);
  }
  if (result) {
    plots.push(['adaptation-curve.svg', adaptationCurveSvg(result)]);
    if (hasSuccessRate(result)) plots.push(['success-rate.svg', successRateSvg(result)]);
  }
  const plotDir = join(runDir, 'plots');
  await mkdir(plotDir, { recursive: true });
  const written: string[] = [];
  for (const [name, svg] of plots) {
    const file = join(plotDir, name);
    writeFileAtomic(file, svg);
    written.push(file);
  }
  return written;
}

/** "mean ± 95% CI over 3 training seeds", or "mean, n = 1 evaluation seed (no CI)". */
function ciWords(result: EvalResult): string {
  const over = result.protocol.ciOver ?? 'evaluation seeds';
  const n = over === 'training seeds' ? (result.sources?.length ?? 1) : result.protocol.seeds.length;
  const seeds = plural(n, over.replace(/s$/, ''));
  return n > 1 ? `mean ± 95% CI over ${seeds}` : `mean, n = ${seeds} (no CI)`;
}

/** "CheetahVel-v0 · maml-trpo: meta-training" when the run has been evaluated, else the run directory's name. */
function learningCurveTitle(runDir: string, result: EvalResult | undefined): string {
  if (result) return `${result.envId} · ${result.algorithm}: meta-training`;
  return `meta-training: ${basename(resolve(runDir))}`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
