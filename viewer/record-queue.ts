/**
 * RecordQueue: asks the take source for takes one at a time (sources own envs that cannot record two takes
 * at once), gives each request the next seed of a deterministic counter, and checks every take against
 * the scene before handing it out.
 */
import type { Take, TakeSource } from './source.js';
import { checkTake } from './take-frames.js';

export class RecordQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private nextSeed: number;

  /** @param firstSeed seed of the first take; take k (in request order) gets `firstSeed + k` */
  constructor(private readonly source: TakeSource, firstSeed: number) {
    this.nextSeed = firstSeed;
  }

  /**
   * Record a take of `task` (undefined: the source's next held-out task) after every earlier request has
   * settled. Rejects with the source's own error (e.g. an invalid user task) or a take/scene mismatch.
   */
  record(task: unknown | undefined): Promise<Take> {
    const seed = this.nextSeed++;
    const take = this.tail.then(() => this.recordChecked(task, seed));
    this.tail = take.catch(() => undefined);
    return take;
  }

  /** Resolves once every request made so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }

  private async recordChecked(task: unknown | undefined, seed: number): Promise<Take> {
    const take = await this.source.record(task, seed);
    checkTake(take, this.source.scene);
    return take;
  }
}
