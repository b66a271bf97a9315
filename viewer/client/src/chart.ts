/**
 * The live adaptation chart (canvas 2D): return against adaptation step / episode index. Dots: lane
 * returns of the take playing, as its episodes finish; line: the take's adaptation curve once it ends;
 * grey lines: the curves of earlier takes.
 */

const HISTORY = 12;
const MARGIN = { left: 46, right: 10, top: 22, bottom: 30 };
const COLOURS = { axis: '#5b6776', grid: '#e3e8ee', history: 'rgba(120, 132, 148, 0.35)', curve: '#29335c', dot: '#e4572e', text: '#1b2330' };

export class AdaptationChart {
  private history: number[][] = [];
  private take = 0;
  private returns: Array<number | undefined> = [];
  private curve: number[] | undefined;
  private axisLabel = '';

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Name of the x axis (the scene's adaptation axis). */
  configure(axisLabel: string): void {
    this.axisLabel = axisLabel;
    this.draw();
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
    const values = [...this.history.flat(), ...(this.curve ?? []), ...this.returns.filter((v): v is number => v !== undefined)];
    const points = Math.max(2, this.returns.length, this.curve?.length ?? 0, ...this.history.map((c) => c.length));
    const [lo, hi] = paddedRange(values);
    const x = (i: number): number => MARGIN.left + (i / (points - 1)) * (width - MARGIN.left - MARGIN.right);
    const y = (v: number): number => height - MARGIN.bottom - ((v - lo) / (hi - lo)) * (height - MARGIN.top - MARGIN.bottom);
    drawAxes(ctx, { width, height, points, lo, hi, x, y, axisLabel: this.axisLabel });
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
