/**
 * The SVG chart frame every plot shares: 1-2-5 tick computation, tick label formatting, XML escaping, layout
 * (margins sized to the labels, legend outside the plot on the right), gridlines, axes, title and legend. The
 * data layers drawn inside it are in svg-series.ts. Charts are 720 × 440 px.
 */

/** Chart size (px). */
const CHART_WIDTH = 720;
const CHART_HEIGHT = 440;

const FONT_FAMILY = 'Helvetica, Arial, sans-serif';
const FONT_SIZE = 12;
const TITLE_SIZE = 14;
/** Generous average advance of a sans-serif glyph at FONT_SIZE (px), so estimated label widths never fall short. */
const CHAR_WIDTH = 0.62 * FONT_SIZE;
const LEGEND_LABEL_CHARS = 30;
const LEGEND_ROW = 20;
/** px between the plot area and the legend box. */
const LEGEND_GAP = 16;
const SWATCH = 30;
const TICK_LENGTH = 5;
const TEXT_COLOUR = '#222';
const AXIS_COLOUR = '#444';
const GRID_COLOUR = '#e4e4e4';

/** Colour-blind-safe series colours (Okabe–Ito), dash patterns and marker shapes, cycled by series index. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
/** Dash patterns are drawn with round caps, which add the stroke width to each dash: '0.5 4.5' is dotted. */
const DASHES = ['', '6 5', '0.5 4.5', '9 4 0.5 4', '3 4'];
const MARKERS: MarkerShape[] = ['circle', 'square', 'diamond', 'triangle'];

/** Tick positions along one axis, in data units. */
export interface Ticks {
  /** Tick values, ascending. */
  values: number[];
  /** Distance between neighbouring ticks (decides the decimals of the labels). */
  step: number;
  /** The data interval the axis spans, [low, high]. */
  domain: [number, number];
}

/** How {@link niceTicks} chooses ticks. */
export interface TickOptions {
  /** At most about this many intervals between ticks (default 6). */
  maxIntervals?: number;
  /** Only integer ticks (step ≥ 1). */
  integer?: boolean;
  /** Widen the domain outward to whole steps (default true); otherwise keep [min, max] and tick inside it. */
  extendDomain?: boolean;
}

/** Marker drawn at each data point of a series. */
export type MarkerShape = 'circle' | 'square' | 'diamond' | 'triangle';

/** How a series is drawn. */
export interface SeriesStyle {
  colour: string;
  /** SVG stroke-dasharray; '' for a solid line. */
  dash: string;
  marker: MarkerShape;
}

/** One line of the legend. */
export interface LegendEntry {
  label: string;
  style: SeriesStyle;
  /** Draw a translucent band behind the swatch (the series has a confidence band). */
  band?: boolean;
  /** Show the swatch's marker (the series has markers). */
  marker?: boolean;
}

/** One axis: its title and ticks. */
export interface AxisSpec {
  label: string;
  /** Labelled with {@link formatTick} at the ticks' step. */
  ticks: Ticks;
}

/** Everything the frame needs to lay itself out. */
export interface ChartSpec {
  title: string;
  /** Second, smaller title line (e.g. how the curves were averaged). */
  subtitle?: string;
  x: AxisSpec;
  y: AxisSpec;
  legend: LegendEntry[];
}

/** A laid-out chart: the plot area (px) and the data → px maps. */
export interface Chart {
  spec: ChartSpec;
  width: number;
  height: number;
  area: { left: number; top: number; right: number; bottom: number };
  /** Data x → px. */
  px(x: number): number;
  /** Data y → px. */
  py(y: number): number;
}

/** Style of the series at `index`: colour, dash and marker all cycle, so neighbouring series differ in each. */
export function seriesStyle(index: number): SeriesStyle {
  return {
    colour: PALETTE[index % PALETTE.length],
    dash: DASHES[index % DASHES.length],
    marker: MARKERS[index % MARKERS.length],
  };
}

/** Ticks at 1, 2 or 5 × 10^k spacing covering [min, max]; a zero-width range is widened around its value. */
export function niceTicks(min: number, max: number, options: TickOptions = {}): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new Error(`niceTicks: need finite min ≤ max, got ${min} and ${max}`);
  }
  const { maxIntervals = 6, integer = false, extendDomain = true } = options;
  const pad = min === max ? Math.max(Math.abs(min) * 0.1, integer ? 1 : 1e-9) : 0;
  const [low, high] = [min - pad, max + pad];
  const step = niceStep((high - low) / maxIntervals, integer);
  const eps = 1e-9;
  const first = extendDomain ? Math.floor(low / step + eps) : Math.ceil(low / step - eps);
  const last = extendDomain ? Math.ceil(high / step - eps) : Math.floor(high / step + eps);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(Number((i * step).toPrecision(12)));
  const domain: [number, number] = extendDomain ? [values[0], values[values.length - 1]] : [low, high];
  return { values, step, domain };
}

function niceStep(rough: number, integer: boolean): number {
  const target = integer ? Math.max(rough, 1) : rough;
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const residual = target / magnitude;
  const factor = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
  return factor * magnitude;
}

/** A tick value with the decimals its step needs ("0.5", "-20", "0.05"), never "-0". */
export function formatTick(value: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.ceil(-Math.log10(step) - 1e-9);
  const cleaned = Math.abs(value) < step * 1e-6 ? 0 : value;
  return cleaned.toFixed(decimals);
}

/** `text` safe inside XML text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** Lay out the frame: margins fit the title, tick labels and axis titles; the legend sits right of the plot. */
export function layoutChart(spec: ChartSpec): Chart {
  const width = CHART_WIDTH;
  const height = CHART_HEIGHT;
  const yLabelChars = Math.max(...tickLabelsOf(spec.y).map((label) => label.length));
  const area = {
    left: 12 + FONT_SIZE + 10 + yLabelChars * CHAR_WIDTH + TICK_LENGTH + 4,
    top: 16 + TITLE_SIZE + (spec.subtitle ? FONT_SIZE + 8 : 0) + 14,
    right: width - legendWidth(spec.legend) - LEGEND_GAP - 10,
    bottom: height - (TICK_LENGTH + 4 + FONT_SIZE + 10 + FONT_SIZE + 12),
  };
  const [x0, x1] = spec.x.ticks.domain;
  const [y0, y1] = spec.y.ticks.domain;
  return {
    spec,
    width,
    height,
    area,
    px: (x) => area.left + ((x - x0) / (x1 - x0)) * (area.right - area.left),
    py: (y) => area.bottom - ((y - y0) / (y1 - y0)) * (area.bottom - area.top),
  };
}

function tickLabelsOf(axis: AxisSpec): string[] {
  return axis.ticks.values.map((v) => formatTick(v, axis.ticks.step));
}

function legendLabel(label: string): string {
  return label.length > LEGEND_LABEL_CHARS ? `${label.slice(0, LEGEND_LABEL_CHARS - 1)}…` : label;
}

function legendWidth(entries: readonly LegendEntry[]): number {
  const chars = Math.max(0, ...entries.map((e) => legendLabel(e.label).length));
  return 10 + SWATCH + 8 + chars * CHAR_WIDTH + 10;
}

/** The whole SVG document: background, titles, gridlines, then `layers` (the data), axes on top, legend. */
export function chartSvg(chart: Chart, layers: readonly string[]): string {
  const { width, height, spec } = chart;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}" fill="${TEXT_COLOUR}" role="img">`,
    `<title>${escapeXml(spec.subtitle ? `${spec.title} (${spec.subtitle})` : spec.title)}</title>`,
    `<rect class="background" width="${width}" height="${height}" fill="#fff"/>`,
    titleSvg(chart),
    gridSvg(chart),
    ...layers,
    axesSvg(chart),
    legendSvg(chart),
    '</svg>',
    '',
  ].join('\n');
}

function titleSvg(chart: Chart): string {
  const { spec, area } = chart;
  const centre = fmt(titleCentre(chart));
  const lines = [
    `<text class="title" x="${centre}" y="${16 + TITLE_SIZE - 2}" text-anchor="middle" font-size="${TITLE_SIZE}"` +
      ` font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  if (spec.subtitle) {
    lines.push(
      `<text class="subtitle" x="${centre}" y="${16 + TITLE_SIZE + FONT_SIZE + 6}" text-anchor="middle"` +
        ` fill="#555">${escapeXml(spec.subtitle)}</text>`,
    );
  }
  return lines.join('\n');
}

/** Centred over the plot area, shifted only as far as keeps the longer title line inside the chart. */
function titleCentre(chart: Chart): number {
  const { spec, area, width } = chart;
  const halfWidth = Math.max(spec.title.length * 0.62 * TITLE_SIZE, (spec.subtitle ?? '').length * CHAR_WIDTH) / 2;
  const wanted = (area.left + area.right) / 2;
  return Math.min(Math.max(wanted, halfWidth + 8), width - halfWidth - 8);
}

function gridSvg(chart: Chart): string {
  const { spec, area } = chart;
  const vertical = spec.x.ticks.values.map((v) => line(chart.px(v), area.top, chart.px(v), area.bottom));
  const horizontal = spec.y.ticks.values.map((v) => line(area.left, chart.py(v), area.right, chart.py(v)));
  return `<g class="grid" stroke="${GRID_COLOUR}" stroke-width="1">\n${[...vertical, ...horizontal].join('\n')}\n</g>`;
}

function axesSvg(chart: Chart): string {
  const { spec, area } = chart;
  const xLabels = tickLabelsOf(spec.x);
  const yLabels = tickLabelsOf(spec.y);
  const xTicks = spec.x.ticks.values.map((v, i) => {
    const x = chart.px(v);
    return (
      line(x, area.bottom, x, area.bottom + TICK_LENGTH) +
      `<text class="tick-label x" x="${fmt(x)}" y="${fmt(area.bottom + TICK_LENGTH + 4 + FONT_SIZE - 2)}"` +
      ` text-anchor="middle" stroke="none">${escapeXml(xLabels[i])}</text>`
    );
  });
  const yTicks = spec.y.ticks.values.map((v, i) => {
    const y = chart.py(v);
    return (
      line(area.left - TICK_LENGTH, y, area.left, y) +
      `<text class="tick-label y" x="${fmt(area.left - TICK_LENGTH - 4)}" y="${fmt(y)}" dy="0.35em"` +
      ` text-anchor="end" stroke="none">${escapeXml(yLabels[i])}</text>`
    );
  });
  const xTitleY = area.bottom + TICK_LENGTH + 4 + FONT_SIZE + 10 + FONT_SIZE - 2;
  const yTitleX = 12 + FONT_SIZE - 2;
  const yTitleY = (area.top + area.bottom) / 2;
  return [
    `<g class="axes" stroke="${AXIS_COLOUR}" stroke-width="1">`,
    line(area.left, area.top, area.left, area.bottom),
    line(area.left, area.bottom, area.right, area.bottom),
    ...xTicks,
    ...yTicks,
    `<text class="axis-title x" x="${fmt((area.left + area.right) / 2)}" y="${fmt(xTitleY)}" text-anchor="middle"` +
      ` stroke="none">${escapeXml(spec.x.label)}</text>`,
    `<text class="axis-title y" x="${fmt(yTitleX)}" y="${fmt(yTitleY)}" text-anchor="middle" stroke="none"` +
      ` transform="rotate(-90 ${fmt(yTitleX)} ${fmt(yTitleY)})">${escapeXml(spec.y.label)}</text>`,
    '</g>',
  ].join('\n');
}

function legendSvg(chart: Chart): string {
  const entries = chart.spec.legend;
  if (entries.length === 0) return '';
  const left = chart.area.right + LEGEND_GAP;
  const top = chart.area.top;
  const box =
    `<rect x="${fmt(left)}" y="${fmt(top)}" width="${fmt(legendWidth(entries))}"` +
    ` height="${entries.length * LEGEND_ROW + 10}" fill="#fff" stroke="#ccc" rx="3"/>`;
  const rows = entries.map((entry, i) => legendRowSvg(entry, left + 10, top + 5 + LEGEND_ROW * (i + 0.5)));
  return `<g class="legend">\n${box}\n${rows.join('\n')}\n</g>`;
}

function legendRowSvg(entry: LegendEntry, x: number, y: number): string {
  const band = `<rect x="${fmt(x)}" y="${fmt(y - 6)}" width="${SWATCH}" height="12" fill="${entry.style.colour}"`;
  const label = escapeXml(legendLabel(entry.label));
  const parts = [
    entry.band ? `${band} fill-opacity="0.18"/>` : '',
    `<path d="M${fmt(x)} ${fmt(y)}h${SWATCH}"${strokeAttributes(entry.style)}/>`,
    entry.marker ? markerSvg(entry.style, x + SWATCH / 2, y) : '',
    `<text class="legend-label" x="${fmt(x + SWATCH + 8)}" y="${fmt(y)}" dy="0.35em">${label}</text>`,
  ];
  return parts.filter((p) => p !== '').join('');
}

/** A series' point marker at (x, y) px (also drawn in its legend swatch). */
export function markerSvg(style: SeriesStyle, x: number, y: number): string {
  const paint = ` fill="${style.colour}" stroke="#fff" stroke-width="1"`;
  const r = 4;
  if (style.marker === 'circle') return `<circle class="marker" cx="${fmt(x)}" cy="${fmt(y)}" r="${r}"${paint}/>`;
  const corners: Record<Exclude<MarkerShape, 'circle'>, [number, number][]> = {
    square: [[-r, -r], [r, -r], [r, r], [-r, r]],
    diamond: [[0, -r * 1.3], [r * 1.3, 0], [0, r * 1.3], [-r * 1.3, 0]],
    triangle: [[0, -r * 1.3], [r * 1.2, r], [-r * 1.2, r]],
  };
  const points = corners[style.marker].map(([dx, dy]) => `${fmt(x + dx)},${fmt(y + dy)}`).join(' ');
  return `<polygon class="marker" points="${points}"${paint}/>`;
}

/** Stroke attributes of a series line (also its legend swatch). */
export function strokeAttributes(style: SeriesStyle): string {
  const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
  return ` fill="none" stroke="${style.colour}" stroke-width="2"${dash} stroke-linecap="round" stroke-linejoin="round"`;
}

function line(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(x2)}" y2="${fmt(y2)}"/>`;
}

/** A px coordinate with two decimals at most. */
export function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}
