/**
 * Plain-JS float64 building blocks for the independent references of the recurrent-core tests: matrices are
 * row-major Float64Arrays, vectors plain Float64Arrays. Deliberately loops, no tf.js, so a reference shares no code
 * with the implementation it checks.
 */

/** A [rows, cols] row-major matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Reads a flat parameter vector (the core's params concatenated in order) tensor by tensor. */
export class ParamReader {
  private offset = 0;
  constructor(private readonly theta: Float64Array) {}

  /** The next [rows, cols] tensor. */
  matrix(rows: number, cols: number): Matrix {
    return { rows, cols, data: this.take(rows * cols) };
  }

  /** The next n-vector. */
  vector(n: number): Float64Array {
    return this.take(n);
  }

  /** Throw unless every entry was read (the reference and the core agree on the layout). */
  done(): void {
    if (this.offset !== this.theta.length) throw new Error(`reference read ${this.offset} of ${this.theta.length} parameters`);
  }

  private take(n: number): Float64Array {
    const out = this.theta.subarray(this.offset, this.offset + n);
    if (out.length !== n) throw new Error(`reference asked for ${n} parameters at ${this.offset}, only ${this.theta.length - this.offset} left`);
    this.offset += n;
    return out;
  }
}

/** x·W (+ b): x [rows of W], W [in, out] -> [out]. */
export function affine(x: ArrayLike<number>, w: Matrix, b?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(w.cols);
  for (let j = 0; j < w.cols; j++) {
    let s = b ? b[j] : 0;
    for (let i = 0; i < w.rows; i++) s += x[i] * w.data[i * w.cols + j];
    out[j] = s;
  }
  return out;
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
export const softplus = (v: number): number => Math.log1p(Math.exp(v));

/** Entry-wise map. */
export function map(xs: ArrayLike<number>, f: (v: number, i: number) => number): Float64Array {
  return Float64Array.from({ length: xs.length }, (_, i) => f(xs[i], i));
}

/** softmax over a vector. */
export function softmax(xs: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) max = Math.max(max, xs[i]);
  const e = map(xs, (v) => Math.exp(v - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return map(e, (v) => v / sum);
}

/** Concatenation of vectors. */
export function concat(...parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) out[o++] = p[i];
  return out;
}

/** The GRU cell of agents/nets.ts in float64 (gates [r, z, n], PyTorch convention): h' from x and h. */
export function gruCell64(wx: Matrix, wh: Matrix, bx: ArrayLike<number>, bh: ArrayLike<number>, x: ArrayLike<number>, h: ArrayLike<number>): Float64Array {
  const H = wh.rows;
  const xw = affine(x, wx, bx);
  const hw = affine(h, wh, bh);
  return map(h, (hj, j) => {
    const r = sigmoid(xw[j] + hw[j]);
    const z = sigmoid(xw[H + j] + hw[H + j]);
    const n = Math.tanh(xw[2 * H + j] + r * hw[2 * H + j]);
    return (1 - z) * n + z * hj;
  });
}

/**
 * Drive a per-row float64 recurrence over [T, B] like `unrollSteps`: rows marked in `reset` [T*B] start from zeros
 * before step t; `step(x, state)` returns the next state and `features(state)` what is recorded.
 * @returns features after every step, [T*B*F].
 */
export function unrollRows64(
  T: number,
  B: number,
  inputDim: number,
  stateSize: number,
  xs: Float64Array,
  s0: Float64Array,
  reset: Float64Array,
  step: (x: Float64Array, state: Float64Array) => Float64Array,
  features: (state: Float64Array) => Float64Array,
): Float64Array {
  const states: Float64Array[] = Array.from({ length: B }, (_, b) => s0.slice(b * stateSize, (b + 1) * stateSize));
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (reset[t * B + b]) states[b] = new Float64Array(stateSize);
      states[b] = step(xs.slice((t * B + b) * inputDim, (t * B + b + 1) * inputDim), states[b]);
      out.push(...features(states[b]));
    }
  }
  return Float64Array.from(out);
}
