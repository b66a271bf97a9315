/**
 * Box: a bounded (or unbounded) real vector space, Gymnasium's `Box` for 1-D float32 vectors.
 */
import type { Rng } from './rng.js';

/** A 1-D box of float32 values with per-dimension bounds (±Infinity allowed). */
export class Box {
  readonly low: Float32Array;
  readonly high: Float32Array;
  /** Number of dimensions. */
  readonly dim: number;

  constructor(low: ArrayLike<number> | number, high: ArrayLike<number> | number, dim?: number) {
    const n = dim ?? (typeof low === 'number' ? (typeof high === 'number' ? 1 : high.length) : low.length);
    this.dim = n;
    this.low = typeof low === 'number' ? new Float32Array(n).fill(low) : Float32Array.from(low);
    this.high = typeof high === 'number' ? new Float32Array(n).fill(high) : Float32Array.from(high);
    if (this.low.length !== n || this.high.length !== n) throw new Error(`Box: low/high must have ${n} entries.`);
    for (let i = 0; i < n; i++) if (!(this.low[i] <= this.high[i])) throw new Error(`Box: low[${i}] > high[${i}].`);
  }

  /** Shape as Gymnasium reports it: [dim]. */
  get shape(): [number] {
    return [this.dim];
  }

  /** True when `x` has the right length, is finite where the box is bounded, and lies within the bounds. */
  contains(x: ArrayLike<number>): boolean {
    if (x.length !== this.dim) return false;
    for (let i = 0; i < this.dim; i++) if (!(x[i] >= this.low[i] && x[i] <= this.high[i])) return false;
    return true;
  }

  /** Uniform sample for bounded dimensions, standard normal for unbounded ones. */
  sample(rng: Rng): Float32Array {
    const out = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      out[i] = Number.isFinite(lo) && Number.isFinite(hi) ? rng.uniform(lo, hi) : rng.normal();
    }
    return out;
  }

  /** Plain-JSON description ({ dim, low, high }, infinities as null). */
  toJSON(): { dim: number; low: (number | null)[]; high: (number | null)[] } {
    const plain = (a: Float32Array) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
    return { dim: this.dim, low: plain(this.low), high: plain(this.high) };
  }
}
