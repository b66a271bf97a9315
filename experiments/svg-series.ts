/**
 * The data layers of a chart (svg-chart.ts draws the frame): series lines with gaps at missing points,
 * confidence bands and point markers, all in the chart's pixel coordinates.
 */
import { fmt, markerSvg, strokeAttributes, type Chart, type SeriesStyle } from './svg-chart.js';

/**
 * A line through (xs[i], ys[i]) as one `<path>`; non-finite ys leave gaps (an isolated point shows as a dot).
 * `className` marks it for tests and styling; `opacity` in [0, 1] fades it (e.g. raw points behind a smoothed line).
 */
export function linePathSvg(
  chart: Chart,
  xs: readonly number[],
  ys: readonly number[],
  style: SeriesStyle,
  className: string,
  opacity = 1,
): string {
  const commands = finiteRuns(ys).map(([start, end]) => {
    const points = range(start, end).map((i) => `${fmt(chart.px(xs[i]))} ${fmt(chart.py(ys[i]))}`);
    return points.length === 1 ? `M${points[0]}h0` : `M${points.join('L')}`;
  });
  const fade = opacity < 1 ? ` stroke-opacity="${opacity}"` : '';
  return `<path class="${className}" d="${commands.join('')}"${strokeAttributes(style)}${fade}/>`;
}

/**
 * Translucent polygons between ys − halfWidths and ys + halfWidths, cut off at the y axis' domain (a success
 * rate's band stops at 0 and 1), one polygon per run of finite points.
 */
export function bandSvg(
  chart: Chart,
  xs: readonly number[],
  ys: readonly number[],
  halfWidths: readonly number[],
  colour: string,
): string[] {
  const [low, high] = chart.spec.y.ticks.domain;
  const clamp = (y: number) => Math.min(Math.max(y, low), high);
  const upper = ys.map((y, i) => clamp(y + halfWidths[i]));
  const lower = ys.map((y, i) => clamp(y - halfWidths[i]));
  return finiteRuns(upper.map((u, i) => u + lower[i])).map(([start, end]) => {
    const indices = range(start, end);
    const edge = [...indices.map((i) => [xs[i], upper[i]]), ...indices.reverse().map((i) => [xs[i], lower[i]])];
    const points = edge.map(([x, y]) => `${fmt(chart.px(x))},${fmt(chart.py(y))}`).join(' ');
    return `<polygon class="band" points="${points}" fill="${colour}" fill-opacity="0.18" stroke="none"/>`;
  });
}

/** A marker at each finite point. */
export function markersSvg(chart: Chart, xs: readonly number[], ys: readonly number[], style: SeriesStyle): string[] {
  return ys.flatMap((y, i) => (Number.isFinite(y) ? [markerSvg(style, chart.px(xs[i]), chart.py(y))] : []));
}

/** [start, end] index pairs (inclusive) of the maximal runs of finite values. */
function finiteRuns(values: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start + 1 }, (_, k) => start + k);
}
