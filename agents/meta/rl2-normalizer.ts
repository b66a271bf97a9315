/**
 * Running normalisation of the RL2 inputs: the observation and the previous reward of each input row
 * `[obs, prevAction, prevReward, done]` are shifted and scaled by running statistics and clipped to ±clip
 * (actions and the done flag are bounded already and pass through). Without it the policy sees PointNav's
 * reward (−distance, std ≈ 0.15) as a nearly constant input and learns to use it far more slowly.
 *
 * The statistics change only between meta-iterations ({@link Rl2InputNormalizer.update} after the update), so
 * acting and the training pass on the same trials see identical inputs.
 */
import { rl2InputDim } from '../policies.js';
import { RunningStats } from './running-stats.js';

/** Normalises RL2 input rows; its statistics are part of the learner's state. */
export class Rl2InputNormalizer {
  /** Statistics of [obs (obsDim), prevReward (1)]. */
  readonly stats: RunningStats;
  private readonly width: number;

  constructor(readonly obsDim: number, readonly actDim: number, readonly clip = 10) {
    this.stats = new RunningStats(obsDim + 1);
    this.width = rl2InputDim(obsDim, actDim);
  }

  /** Column of the row that statistic j describes. */
  private column(j: number): number {
    return j < this.obsDim ? j : this.obsDim + this.actDim;
  }

  /** A normalised copy of input rows. @param x [n * rl2InputDim]. @returns [n * rl2InputDim]. */
  apply(x: Float32Array): Float32Array {
    const out = x.slice();
    const n = x.length / this.width;
    for (let j = 0; j < this.stats.dim; j++) {
      const col = this.column(j);
      const mean = this.stats.mean[j];
      const inv = 1 / this.stats.std(j);
      for (let i = 0; i < n; i++) {
        const k = i * this.width + col;
        out[k] = Math.min(this.clip, Math.max(-this.clip, (x[k] - mean) * inv));
      }
    }
    return out;
  }

  /** Merge raw (un-normalised) input rows into the statistics. @param x [n * rl2InputDim]. @param mask [n]. */
  update(x: Float32Array, mask?: ArrayLike<number>): void {
    const n = x.length / this.width;
    const picked = new Float32Array(n * this.stats.dim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < this.stats.dim; j++) picked[i * this.stats.dim + j] = x[i * this.width + this.column(j)];
    }
    this.stats.update(picked, this.stats.dim, 0, mask);
  }
}
