/**
 * Running mean and variance of a vector stream (Chan et al.'s parallel merge of batch moments, in float64),
 * for input normalisation and return scaling. Serialisable as three plain arrays for checkpoints.
 */

/** Running per-coordinate mean and (population) variance of `dim`-vectors. */
export class RunningStats {
  /** Vectors seen. */
  count = 0;
  /** Per-coordinate mean [dim]. */
  readonly mean: Float64Array;
  /** Per-coordinate variance [dim] (1 before any data, so normalising is the identity shift-free scale). */
  readonly variance: Float64Array;

  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.variance = new Float64Array(dim).fill(1);
  }

  /**
   * Merge a batch of rows.
   * @param rows row-major [n * stride]; coordinate j of row i is `rows[i*stride + offset + j]`.
   * @param stride row width (default dim). @param offset first coordinate within a row (default 0).
   * @param rowMask optional [n]: rows with 0 are skipped.
   */
  update(rows: ArrayLike<number>, stride = this.dim, offset = 0, rowMask?: ArrayLike<number>): void {
    const n = rows.length / stride;
    const used = Array.from({ length: n }, (_, i) => i).filter((i) => !rowMask || rowMask[i] > 0);
    if (used.length === 0) return;
    for (let j = 0; j < this.dim; j++) {
      let mean = 0;
      for (const i of used) mean += rows[i * stride + offset + j];
      mean /= used.length;
      let m2 = 0;
      for (const i of used) m2 += (rows[i * stride + offset + j] - mean) ** 2;
      this.merge(j, used.length, mean, m2);
    }
    this.count += used.length;
  }

  /** Chan's merge of (count, mean, variance) with a batch (nb, meanB, m2B) for coordinate j. */
  private merge(j: number, nb: number, meanB: number, m2B: number): void {
    const na = this.count;
    if (na === 0) {
      this.mean[j] = meanB;
      this.variance[j] = m2B / nb;
      return;
    }
    const n = na + nb;
    const delta = meanB - this.mean[j];
    const m2 = this.variance[j] * na + m2B + (delta * delta * na * nb) / n;
    this.mean[j] += (delta * nb) / n;
    this.variance[j] = m2 / n;
  }

  /** Standard deviation of coordinate j, floored at `eps`. */
  std(j: number, eps = 1e-4): number {
    return Math.max(Math.sqrt(this.variance[j]), eps);
  }

  /** As three float64 arrays (exact copies): [count], mean [dim], variance [dim]. */
  toArrays(): Float64Array[] {
    return [Float64Array.of(this.count), Float64Array.from(this.mean), Float64Array.from(this.variance)];
  }

  /** Restore from {@link toArrays}' output; throws on a dimension mismatch. */
  setArrays([count, mean, variance]: readonly ArrayLike<number>[]): void {
    if (mean.length !== this.dim || variance.length !== this.dim) {
      throw new Error(`RunningStats: expected mean and variance of length ${this.dim}, got ${mean.length} and ${variance.length}.`);
    }
    this.count = count[0];
    this.mean.set(mean);
    this.variance.set(variance);
  }
}
