/**
 * Summary statistics over seeds (evaluation seeds of one agent, or training seeds of independently trained
 * agents): means, sample standard deviations and 95% Student-t confidence
 * intervals, with the Student-t quantile computed here (inverse CDF by bisection on the incomplete beta).
 */
import type { CurveSummary } from './results.js';

/** Arithmetic mean of `values` (same units as the values). Throws on an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean: no values');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation of `values` (n − 1 denominator, same units as the values). Needs n ≥ 2. */
export function sampleStandardDeviation(values: readonly number[]): number {
  if (values.length < 2) throw new Error(`sampleStandardDeviation: needs at least 2 values, got ${values.length}`);
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * Mean over seeds and 95% confidence half-width at each curve point. `perSeed` is [seeds][points]; the
 * half-width is t_{0.975, n−1} · sd / √n with the sample sd. A single seed has no interval: its half-widths are
 * NaN (null in JSON), never 0. Throws on no seeds, rows of different lengths, or a non-finite value.
 */
export function summarize(perSeed: readonly (readonly number[])[]): CurveSummary {
  checkRectangularFinite(perSeed);
  const seeds = perSeed.length;
  const t = seeds > 1 ? studentTQuantile(0.975, seeds - 1) : NaN;
  const summary: CurveSummary = { mean: [], ci95: [], n: seeds };
  for (let point = 0; point < perSeed[0].length; point++) {
    const column = perSeed.map((row) => row[point]);
    summary.mean.push(mean(column));
    summary.ci95.push(seeds > 1 ? (t * sampleStandardDeviation(column)) / Math.sqrt(seeds) : NaN);
  }
  return summary;
}

function checkRectangularFinite(perSeed: readonly (readonly number[])[]): void {
  if (perSeed.length === 0) throw new Error('summarize: no seeds (perSeed is empty)');
  const points = perSeed[0].length;
  perSeed.forEach((row, seed) => {
    if (row.length !== points) {
      throw new Error(`summarize: ragged input, seed ${seed} has ${row.length} points but seed 0 has ${points}`);
    }
    row.forEach((v, point) => {
      if (!Number.isFinite(v)) throw new Error(`summarize: non-finite value ${v} at seed ${seed}, point ${point}`);
    });
  });
}

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom (df > 0, not necessarily an
 * integer): the t with P(T ≤ t) = p. Accurate to about 1e-10.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0 && Number.isFinite(df))) throw new Error(`studentTQuantile: df must be finite and > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const tail = 1 - p;
  let low = 0;
  let high = 1;
  while (studentTUpperTail(high, df) > tail) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const middle = (low + high) / 2;
    if (studentTUpperTail(middle, df) > tail) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** P(T > t) for t ≥ 0: ½ · I_{df/(df+t²)}(df/2, ½). */
function studentTUpperTail(t: number, df: number): number {
  return 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** I_x(a, b), from the continued fraction on whichever side of the mean converges fast. */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * incompleteBetaFraction(x, a, b)) / a;
  return 1 - (front * incompleteBetaFraction(1 - x, b, a)) / b;
}

/** The continued fraction of I_x(a, b), evaluated with the modified Lentz method. */
function incompleteBetaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const guard = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let result = d;
  for (let m = 1; m <= 10_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const factor = d * c;
    result *= factor;
    if (Math.abs(factor - 1) < 1e-15) return result;
  }
  throw new Error(`incomplete beta continued fraction did not converge (x=${x}, a=${a}, b=${b})`);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos approximation, g = 7, about 15 significant digits). */
function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const shifted = z - 1;
  let series = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) series += LANCZOS[i] / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}
