/**
 * A sweep's summary over its grid points: a table (`sweep.md`) and a plot (`sweep.svg`), each with the agent's
 * curve at its first and last point (before / after adaptation) and every baseline at its last point, as mean ±
 * 95% CI over the training seeds of each point. Points are numbered in grid order in both.
 */
import { formatTable } from '../experiments/text-table.js';
import type { EvalResult } from '../experiments/results.js';
import { chartSvg, fmt, layoutChart, niceTicks, seriesStyle, type Chart } from '../experiments/svg-chart.js';
import { linePathSvg, markersSvg } from '../experiments/svg-series.js';
import type { GridPoint } from './sweep-plan.js';

/** A grid point's evaluation over the training seeds that finished (combined when two or more). */
export interface PointSummary {
  point: GridPoint;
  seeds: number;
  result?: EvalResult;
}

/** One column of the summary: a curve of the evaluation at its first or last point. */
interface Column {
  label: string;
  key: string;
  first: boolean;
}

/** The columns: the agent before and after adaptation, each baseline at its last point. */
function columns(evaluated: EvalResult): Column[] {
  const [agentKey, ...baselineKeys] = Object.keys(evaluated.curves);
  const agent = evaluated.curves[agentKey].label;
  return [
    { label: `${agent} before`, key: agentKey, first: true },
    { label: `${agent} after`, key: agentKey, first: false },
    ...baselineKeys.map((key) => ({ label: evaluated.curves[key].label, key, first: false })),
  ];
}

/** mean and 95% CI half-width of `column` at a point (NaN when it has no such curve). */
function value(summary: PointSummary, column: Column): { mean: number; ci: number } {
  const curve = summary.result?.curves[column.key];
  if (!curve) return { mean: NaN, ci: NaN };
  const i = column.first ? 0 : curve.mean.length - 1;
  return { mean: curve.mean[i], ci: curve.ci95[i] };
}

/** The evaluation that names the columns: the first point's that has one. */
function firstEvaluated(rows: readonly PointSummary[]): EvalResult | undefined {
  return rows.find((r) => r.result)?.result;
}

/** The summary table (markdown-friendly), one row per grid point. */
export function sweepTable(rows: readonly PointSummary[]): string {
  const evaluated = firstEvaluated(rows);
  if (!evaluated) return 'no run of the sweep finished';
  const cols = columns(evaluated);
  const cell = (r: PointSummary, c: Column) => {
    const { mean, ci } = value(r, c);
    if (!Number.isFinite(mean)) return 'n/a';
    return Number.isFinite(ci) ? `${mean.toFixed(2)} ± ${ci.toFixed(2)}` : `${mean.toFixed(2)} (n=1)`;
  };
  const header = ['#', 'grid point', 'seeds', ...cols.map((c) => c.label)];
  const body = rows.map((r, i) => [String(i + 1), r.point.name, String(r.seeds), ...cols.map((c) => cell(r, c))]);
  const axis = evaluated.protocol.axis === 'inner steps' ? 'k inner steps' : 'episodes of a trial';
  return [`${evaluated.envId} ${evaluated.algorithm}: mean return ± 95% CI over training seeds; before/after = the curve's first/last point (${axis}); baselines at their last point`, formatTable([header, ...body])].join('\n');
}

/**
 * The summary plot: x = grid point number, one series per column, each point with its 95% CI as an error bar
 * (series side by side around the point's number); undefined when nothing finished.
 */
export function sweepPlotSvg(rows: readonly PointSummary[]): string | undefined {
  const evaluated = firstEvaluated(rows);
  if (!evaluated) return undefined;
  const cols = columns(evaluated);
  const xs = rows.map((_, i) => i + 1);
  const series = cols.map((c, index) => ({ column: c, style: seriesStyle(index), values: rows.map((r) => value(r, c)) }));
  const edges = series.flatMap((s) => s.values.flatMap(({ mean, ci }) => [mean - (ci || 0), mean + (ci || 0)])).filter(Number.isFinite);
  const xTicks = niceTicks(1, rows.length, { integer: true, extendDomain: false, maxIntervals: 10 });
  const chart = layoutChart({
    title: `${evaluated.envId} · ${evaluated.algorithm}: sweep over ${rows.length} grid point${rows.length > 1 ? 's' : ''}`,
    subtitle: 'mean return ± 95% CI over training seeds; points numbered as in sweep.md',
    x: { label: 'grid point', ticks: { ...xTicks, domain: [0.8, rows.length + 0.2] } },
    y: { label: 'mean return (held-out tasks)', ticks: niceTicks(Math.min(...edges), Math.max(...edges)) },
    legend: series.map((s) => ({ label: s.column.label, style: s.style, marker: true })),
  });
  return chartSvg(
    chart,
    series.flatMap(({ style, values }, s) => {
      const shifted = xs.map((x) => x + (s - (series.length - 1) / 2) * SERIES_OFFSET);
      const means = values.map((v) => v.mean);
      return [linePathSvg(chart, shifted, means, style, 'curve'), ...errorBarsSvg(chart, shifted, values, style.colour), ...markersSvg(chart, shifted, means, style)];
    }),
  );
}

/** Horizontal distance between neighbouring series at one grid point (in grid-point units). */
const SERIES_OFFSET = 0.05;

/** A vertical bar mean ± ci with end caps at each finite point (none where the CI is undefined: n = 1). */
function errorBarsSvg(chart: Chart, xs: readonly number[], values: readonly { mean: number; ci: number }[], colour: string): string[] {
  return values.flatMap(({ mean, ci }, i) => {
    if (!Number.isFinite(mean) || !Number.isFinite(ci)) return [];
    const [x, top, bottom] = [chart.px(xs[i]), chart.py(mean + ci), chart.py(mean - ci)];
    const cap = (y: number) => `M${fmt(x - 4)} ${fmt(y)}h8`;
    return [`<path class="ci" d="M${fmt(x)} ${fmt(top)}V${fmt(bottom)}${cap(top)}${cap(bottom)}" stroke="${colour}" stroke-width="1.5" fill="none"/>`];
  });
}
