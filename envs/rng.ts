/**
 * Seeded random numbers for envs and agents (never an unseeded global generator): xoroshiro128+ from pure-rand, with the
 * few distributions RL needs and a serialisable state for checkpoints.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** A seeded random stream. Same seed, same numbers, on every platform. */
export class Rng {
  private constructor(private readonly gen: JumpableRandomGenerator) {}

  /**
   * A stream from an integer seed (any safe integer; only its low 32 bits are used). The seed is spread
   * over the 128-bit state with splitmix32, so nearby seeds give unrelated streams from the first draw.
   */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new Error(`Rng: seed must be an integer, got ${seed}.`);
    const mix = splitmix32(seed | 0);
    return new Rng(xoroshiro128plusFromState([mix(), mix(), mix(), mix()]));
  }

  /** Restore a stream saved with {@link Rng.state}. */
  static fromState(state: readonly number[]): Rng {
    return new Rng(xoroshiro128plusFromState(state));
  }

  /** The generator state (4 numbers), for checkpoints. */
  state(): number[] {
    return [...this.gen.getState()];
  }

  /** An independent stream: a copy of this one, jumped 2^64 steps ahead; this stream is left unchanged. */
  fork(): Rng {
    const child = this.gen.clone();
    child.jump();
    this.gen.next();
    return new Rng(child);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * uniformFloat64(this.gen);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return Math.min(hi, lo + Math.floor(uniformFloat64(this.gen) * (hi - lo + 1)));
  }

  /** Normal sample (Box–Muller, one value per call). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - uniformFloat64(this.gen); // (0, 1]: log is finite
    const u2 = uniformFloat64(this.gen);
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A fresh 31-bit seed drawn from this stream (to seed child streams or envs). */
  seed(): number {
    return this.int(0, 0x7fffffff);
  }
}

/** splitmix32: a 32-bit integer stream with good avalanche, used only to expand seeds into generator state. */
function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
}
