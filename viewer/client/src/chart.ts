/**
 * The live adaptation chart (canvas 2D): return against adaptation step / episode index. Dots: lane
 * returns of the take playing, as its episodes finish; line: the take's adaptation curve once it ends;
 * grey lines: the curves of earlier takes; dashed, labelled: the run's evaluation (eval.json) — the
 * agent's measured curve and each baseline's, a level where it has one value (the oracle).
 */
import type { ReferenceCurve } from '../../source.js';

const HISTORY = 12;
const MARGIN = { left: 46, right: 10, top: 22, bottom: 30 };
const COLOURS = { axis: '#5b6776', grid: '#e3e8ee', history: 'rgba(120, 132, 148, 0.35)', curve: '#29335c', dot: '#e4572e', text: '#1b2330' };
/** Colours of the evaluation's curves by name; others get OTHER_REFERENCE. */
const REFERENCE_COLOURS: Record<string, string> = { agent: '#29335c', random: '#7d8796', multitask: '#3b8ea5', oracle: '#2bb673' };
const OTHER_REFERENCE = '#b07aa1';
/** Least vertical distance between two reference labels (pixels). */
const LABEL_SPACING = 12;

export class AdaptationChart {
  private history: number[][] = [];
  private take = 0;
  private returns: Array<number | undefined> = [];
  private curve: number[] | undefined;
  private axisLabel = '';
  private references: ReferenceCurve[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Name of the x axis (the scene's adaptation axis) and the evaluation's curves to draw (none: no eval.json). */
  configure(axisLabel: string, references: ReferenceCurve[] = []): void {
    this.axisLabel = axisLabel;
    this.references = references;
    this.draw();
  }

  /** Names of the evaluation curves drawn. */
  referenceNames(): string[] {
    return this.references.map((r) => r.name);
  }

  /** Take `take` with `lanes` lanes starts; the previous take's curve joins the history. */
  startTake(take: number, lanes: number): void {
    if (this.curve) this.history = [...this.history, this.curve].slice(-HISTORY);
    this.take = take;
    this.returns = Array.from({ length: lanes }, () => undefined);
    this.curve = undefined;
    this.draw();
  }

  /** Lane `lane` of take `take` finished with return `value`. */
  episode(take: number, lane: number, value: number): void {
    if (take !== this.take || lane >= this.returns.length) return;
    this.returns[lane] = value;
    this.draw();
  }

  /** The adaptation curve of take `take`. */
  setCurve(take: number, values: number[]): void {
    if (take !== this.take) return;
    this.curve = values;
    this.draw();
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    const means = this.references.map((r) => r.mean);
    const values = [...this.history.flat(), ...means.flat(), ...(this.curve ?? []), ...this.returns.filter((v): v is number => v !== undefined)];
    const points = Math.max(2, this.returns.length, this.curve?.length ?? 0, ...[...this.history, ...means].map((c) => c.length));
    const [lo, hi] = paddedRange(values);
    const x = (i: number): number => MARGIN.left + (i / (points - 1)) * (width - MARGIN.left - MARGIN.right);
    const y = (v: number): number => height - MARGIN.bottom - ((v - lo) / (hi - lo)) * (height - MARGIN.top - MARGIN.bottom);
    const frame = { width, height, points, lo, hi, x, y, axisLabel: this.axisLabel };
    drawAxes(ctx, frame);
    drawReferences(ctx, this.references, frame);
    for (const curve of this.history) drawLine(ctx, curve, x, y, COLOURS.history, 1.5);
    if (this.curve) drawLine(ctx, this.curve, x, y, COLOURS.curve, 2.5);
    ctx.fillStyle = COLOURS.dot;
    this.returns.forEach((v, i) => {
      if (v === undefined) return;
      ctx.beginPath();
      ctx.arc(x(i), y(v), 4.5, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
}

/** [lo, hi] covering `values` with 8% headroom ([-1, 1] when empty, ±1 around a single value). */
function paddedRange(values: number[]): [number, number] {
  if (values.length === 0) return [-1, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? 0.08 * (hi - lo) : 1;
  return [lo - pad, hi + pad];
}

interface Frame {
  width: number;
  height: number;
  points: number;
  lo: number;
  hi: number;
  x: (i: number) => number;
  y: (v: number) => number;
  axisLabel: string;
}

function drawAxes(ctx: CanvasRenderingContext2D, f: Frame): void {
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.fillStyle = COLOURS.text;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of [f.lo, (f.lo + f.hi) / 2, f.hi]) {
    ctx.strokeStyle = COLOURS.grid;
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, f.y(v));
    ctx.lineTo(f.width - MARGIN.right, f.y(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(Math.abs(f.hi - f.lo) < 10 ? 2 : 0), MARGIN.left - 4, f.y(v));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let i = 0; i < f.points; i++) ctx.fillText(String(i), f.x(i), f.height - MARGIN.bottom + 4);
  ctx.fillText(f.axisLabel, (MARGIN.left + f.width - MARGIN.right) / 2, f.height - 13);
  ctx.textAlign = 'left';
  ctx.fillText('return', 4, 4);
  ctx.strokeStyle = COLOURS.axis;
  ctx.beginPath();
  ctx.moveTo(MARGIN.left, MARGIN.top);
  ctx.lineTo(MARGIN.left, f.height - MARGIN.bottom);
  ctx.lineTo(f.width - MARGIN.right, f.height - MARGIN.bottom);
  ctx.stroke();
}

function drawLine(ctx: CanvasRenderingContext2D, values: number[], x: (i: number) => number, y: (v: number) => number, colour: string, width: number): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.beginPath();
  values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
}

/**
 * The evaluation's curves, dashed: a curve across its points, or a level across the chart where it has a
 * single value; each named at the chart's right end, names pushed apart so they do not overlap.
 */
function drawReferences(ctx: CanvasRenderingContext2D, references: readonly ReferenceCurve[], f: Frame): void {
  ctx.save();
  ctx.setLineDash([5, 4]);
  const ends: Array<{ name: string; colour: string; y: number }> = [];
  for (const { name, mean } of references) {
    const colour = REFERENCE_COLOURS[name] ?? OTHER_REFERENCE;
    const values = mean.length === 1 ? Array.from({ length: f.points }, () => mean[0]) : mean;
    drawLine(ctx, values, f.x, f.y, colour, 1.5);
    ends.push({ name: name === 'agent' ? 'agent (eval)' : name, colour, y: f.y(values[values.length - 1]) - 2 });
  }
  ctx.restore();
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  ends.sort((a, b) => b.y - a.y);
  ends.forEach((end, i) => {
    if (i > 0) end.y = Math.min(end.y, ends[i - 1].y - LABEL_SPACING);
    const y = Math.max(end.y, MARGIN.top);
    ctx.strokeStyle = 'white';
    ctx.lineWidth = 3;
    ctx.strokeText(end.name, f.width - MARGIN.right, y);
    ctx.fillStyle = end.colour;
    ctx.fillText(end.name, f.width - MARGIN.right, y);
  });
}
