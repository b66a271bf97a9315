/**
 * A replay buffer of transitions (s, a, r, s', d) for off-policy learners (SAC, PEARL): a ring of fixed capacity
 * whose oldest rows are overwritten once it is full (rlkit's SimpleReplayBuffer), stored as one Float32Array that
 * grows by doubling up to the capacity, so a buffer costs memory for the rows it holds, not for its capacity.
 *
 * Row layout, width W = 2·obsDim + actDim + 2 floats (4·W bytes per transition):
 * `[obs (obsDim), action (actDim), reward, nextObs (obsDim), terminal]`.
 * `terminal` is 1 only when the task ended the episode (the critic does not bootstrap there); a time-limit
 * truncation stores 0, so the critic bootstraps from s' (the sampler's `Path.terminated`/`finalObs`).
 */
import type { Rng } from '../envs/rng.js';
import type { Path } from './sampler.js';

/** Floats per transition row for these sizes. */
export function transitionWidth(obsDim: number, actDim: number): number {
  return 2 * obsDim + actDim + 2;
}

/** A batch of transitions as flat row-major arrays, N rows. */
export interface TransitionBatch {
  /** [N*obsDim]. */
  obs: Float32Array;
  /** [N*actDim]. */
  actions: Float32Array;
  /** [N]. */
  rewards: Float32Array;
  /** [N*obsDim]. */
  nextObs: Float32Array;
  /** [N]: 1 where the task terminated the episode at this transition. */
  terminals: Float32Array;
}

/** Empty batch arrays for `n` rows. */
export function allocateBatch(n: number, obsDim: number, actDim: number): TransitionBatch {
  return {
    obs: new Float32Array(n * obsDim),
    actions: new Float32Array(n * actDim),
    rewards: new Float32Array(n),
    nextObs: new Float32Array(n * obsDim),
    terminals: new Float32Array(n),
  };
}

/** A ring buffer of transitions (see the module comment for the row layout). */
export class ReplayBuffer {
  /** Floats per row. */
  readonly width: number;
  private data: Float32Array;
  private top = 0;
  private count = 0;

  /** @param capacity rows kept at most; the oldest are overwritten beyond it. */
  constructor(
    readonly obsDim: number,
    readonly actDim: number,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ReplayBuffer: capacity must be an integer >= 1, got ${capacity}.`);
    this.width = transitionWidth(obsDim, actDim);
    this.data = new Float32Array(Math.min(capacity, 256) * this.width);
  }

  /** Rows held (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** Storage row the next transition goes to. */
  get next(): number {
    return this.top;
  }

  /** Append one transition. @param obs [obsDim]. @param action [actDim]. @param nextObs [obsDim]. */
  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, terminal: boolean): void {
    this.reserve(this.top + 1);
    const { obsDim, actDim } = this;
    const o = this.top * this.width;
    this.data.set(obs, o);
    this.data.set(action, o + obsDim);
    this.data[o + obsDim + actDim] = reward;
    this.data.set(nextObs, o + obsDim + actDim + 1);
    this.data[o + 2 * obsDim + actDim + 1] = terminal ? 1 : 0;
    this.top = (this.top + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /**
   * Append every transition of a sampled episode: s'_t = s_{t+1}, the last one's s' = `finalObs`; the last
   * transition is terminal when the task ended the episode (`path.terminated`), never on truncation.
   */
  addPath(path: Path): void {
    const { obsDim, actDim } = this;
    for (let t = 0; t < path.length; t++) {
      const last = t === path.length - 1;
      const nextObs = last ? path.finalObs : path.obs.subarray((t + 1) * obsDim, (t + 2) * obsDim);
      this.add(path.obs.subarray(t * obsDim, (t + 1) * obsDim), path.actions.subarray(t * actDim, (t + 1) * actDim), path.rewards[t], nextObs, last && path.terminated);
    }
  }

  /** Forget every row (rlkit `clear`: the encoder buffer keeps recent data only). */
  clear(): void {
    this.top = 0;
    this.count = 0;
  }

  /** `n` storage rows drawn uniformly with replacement from the rows held (numpy `randint(0, size, n)`). */
  sampleRows(rng: Rng, n: number): Int32Array {
    if (this.count === 0) throw new Error('ReplayBuffer: cannot sample from an empty buffer; collect data first.');
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = rng.int(0, this.count - 1);
    return rows;
  }

  /** Copy storage rows `rows` into `batch` from batch row `offset` on. */
  gather(rows: Int32Array, batch: TransitionBatch, offset: number): void {
    const { obsDim, actDim, width, data } = this;
    rows.forEach((row, i) => {
      const o = row * width;
      const b = offset + i;
      batch.obs.set(data.subarray(o, o + obsDim), b * obsDim);
      batch.actions.set(data.subarray(o + obsDim, o + obsDim + actDim), b * actDim);
      batch.rewards[b] = data[o + obsDim + actDim];
      batch.nextObs.set(data.subarray(o + obsDim + actDim + 1, o + 2 * obsDim + actDim + 1), b * obsDim);
      batch.terminals[b] = data[o + width - 1];
    });
  }

  /**
   * Context rows for an encoder: `[obs, action, reward]` (+ `nextObs` with `withNextObs`) of storage rows `rows`,
   * written into `out` [*, contextWidth] from row `offset` on.
   */
  gatherContext(rows: Int32Array, out: Float32Array, offset: number, withNextObs: boolean): void {
    const cols = this.obsDim + this.actDim + 1 + (withNextObs ? this.obsDim : 0);
    rows.forEach((row, i) => out.set(this.data.subarray(row * this.width, row * this.width + cols), (offset + i) * cols));
  }

  /** The rows held, in storage order, [size*width] (a copy), for checkpoints. */
  rows(): Float32Array {
    return this.data.slice(0, this.count * this.width);
  }

  /** Restore rows saved by {@link rows} and the ring position `next` (a copy is kept). */
  restore(rows: Float32Array, next: number): void {
    const size = rows.length / this.width;
    if (!Number.isInteger(size) || size > this.capacity) throw new Error(`ReplayBuffer.restore: ${rows.length} values are not whole rows of ${this.width} within capacity ${this.capacity}.`);
    if (!Number.isInteger(next) || next < 0 || next >= this.capacity || (size < this.capacity && next !== size % this.capacity)) {
      throw new Error(`ReplayBuffer.restore: ring position ${next} does not fit ${size} rows of capacity ${this.capacity}.`);
    }
    this.data = new Float32Array(Math.max(size, 1) * this.width);
    this.data.set(rows);
    this.count = size;
    this.top = next;
  }

  /** Grow the storage (doubling, up to the capacity) to hold `rows` rows. */
  private reserve(rows: number): void {
    const held = this.data.length / this.width;
    if (rows <= held) return;
    const grown = new Float32Array(Math.min(this.capacity, Math.max(rows, 2 * held)) * this.width);
    grown.set(this.data);
    this.data = grown;
  }
}
