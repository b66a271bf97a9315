/**
 * Reward scaling for RL2 training (Engstrom et al. 2020, "Implementation matters in deep policy gradients"):
 * rewards are divided by the running standard deviation of the discounted trial return-to-go, so value targets
 * have a scale near 1 whatever the env's reward units. The value head then learns at the same speed on PointNav
 * (returns ≈ −10 per trial) as on envs with returns in the hundreds, and the value loss does not swamp the
 * policy gradient under a shared gradient-norm clip.
 */
import { discountedReturns } from '../returns.js';
import type { TrialBatch } from './rl2-batch.js';
import type { RunningStats } from './running-stats.js';

/** Discounted return-to-go of every real step of each trial (the trial end is terminal), time-major [T*B]. */
export function trialReturnsToGo(batch: TrialBatch, gamma: number): Float32Array {
  const { T, B } = batch;
  const out = new Float32Array(T * B);
  batch.lengths.forEach((len, b) => {
    const rewards = Float32Array.from({ length: len }, (_, t) => batch.rewards[t * B + b]);
    discountedReturns({ rewards, terminated: true }, gamma).forEach((g, t) => (out[t * B + b] = g));
  });
  return out;
}

/**
 * Merge the batch's returns-to-go into `stats`, then return the batch rewards divided by the updated std
 * ([T*B], time-major; padding stays 0).
 */
export function scaleTrialRewards(batch: TrialBatch, stats: RunningStats, gamma: number): Float32Array {
  stats.update(trialReturnsToGo(batch, gamma), 1, 0, batch.mask);
  const scale = 1 / stats.std(0);
  return batch.rewards.map((r) => r * scale);
}
