/**
 * One RL2 PPO update on a packed trial batch, in two phases, the tensor work on the learner threads (rl2-pool.ts):
 * - {@link preparePpo}: old log-probabilities and values from one unroll, GAE over each whole trial,
 *   advantages normalised over the real steps;
 * - {@link runPpoEpochs}: `epochs` passes over seeded-shuffled minibatches of whole trials, each an Adam step on
 *   the gradient of `rl2Loss` (backprop through the full trial), clipped to a global norm; then the mean
 *   KL(old ‖ new) over the batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/rng.js';
import { disposeParams, globalNorm, paramShapes, unflattenParams } from '../nets.js';
import type { RecurrentCore } from '../recurrent-core.js';
import { normalizeAdvantages } from '../returns.js';
import type { Adam } from './adam.js';
import { trialAdvantages, type TrialBatch } from './rl2-batch.js';
import type { Rl2Evaluation, Rl2LossOptions } from './rl2-loss.js';
import type { Rl2Pool } from './rl2-pool.js';

/** PPO settings of an RL2 update. */
export interface Rl2PpoOptions extends Rl2LossOptions {
  /** Discount γ over the trial. */
  gamma: number;
  /** GAE λ. */
  lambda: number;
  /** Passes over the trial batch. */
  epochs: number;
  /** Minibatches per pass (trials are dealt into this many groups; at most B). */
  minibatches: number;
  /** Global gradient-norm clip (Infinity: none). */
  maxGradNorm: number;
}

/**
 * The learner's networks: the recurrent core, the trainable policy `[...core, wOut, bOut, logStd]` laid out for it
 * (see `recurrentPolicyInit`) and the value head `[wV, bV]`.
 */
export interface Rl2Vars {
  core: RecurrentCore;
  policy: tf.Variable[];
  value: tf.Variable[];
}

/** A batch ready for the PPO epochs: per-step arrays, time-major [T*B] (inputs/actions [T*B*w]). */
export interface PreparedBatch {
  batch: TrialBatch;
  /** Old policy (and values) at every step. */
  old: Rl2Evaluation;
  /** Normalised advantages [T*B] (0 on padding). */
  adv: Float32Array;
  /** Value targets (λ-returns) [T*B]. */
  targets: Float32Array;
}

/** Means over the minibatch steps of an update, and the KL it made. */
export interface Rl2UpdateStats {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  clipFraction: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Mean KL(π_old ‖ π_new) over the real steps of the batch. */
  kl: number;
}

/** Normalise advantages over the real (mask = 1) entries; padding stays 0. @param adv [N]. @param mask [N]. */
function normalizeMasked(adv: Float32Array, mask: Float32Array): Float32Array {
  const idx = [...mask.keys()].filter((i) => mask[i] > 0);
  const norm = normalizeAdvantages(idx.map((i) => adv[i]));
  const out = new Float32Array(adv.length);
  idx.forEach((i, k) => (out[i] = norm[k]));
  return out;
}

/**
 * Old policy, values, GAE and normalised advantages of a batch (inputs as the network sees them); the batch and
 * its targets go to the pool's threads.
 */
export async function preparePpo(pool: Rl2Pool, vars: Rl2Vars, batch: TrialBatch, opts: Rl2PpoOptions): Promise<PreparedBatch> {
  await pool.setBatch(batch);
  const old = await pool.evaluate(vars);
  const { adv, targets } = trialAdvantages(batch, old.values, opts.gamma, opts.lambda);
  const prepared = { batch, old, adv: normalizeMasked(adv, batch.mask), targets };
  await pool.setTargets({ logpOld: old.logp, adv: prepared.adv, targets });
  return prepared;
}

/** A seeded permutation of 0..n−1 (Fisher–Yates). */
export function permutation(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * One minibatch Adam step on the trials `cols` (the gradient from the pool's threads, scaled here to a global norm
 * of at most `maxGradNorm`). @returns [policyLoss, valueLoss, entropy, clipFraction, gradNorm before clipping].
 */
async function minibatchStep(pool: Rl2Pool, vars: Rl2Vars, optimizer: Adam, cols: readonly number[], opts: Rl2PpoOptions): Promise<number[]> {
  const { grad, parts } = await pool.gradient(vars, cols, opts);
  const all = [...vars.policy, ...vars.value];
  const grads = unflattenParams(grad, paramShapes(all));
  try {
    const norm = await globalNorm(grads);
    const maxNorm = opts.maxGradNorm;
    tf.tidy(() => optimizer.step(all, norm > maxNorm ? grads.map((g) => tf.mul(g, maxNorm / norm)) : grads));
    return [...parts, norm];
  } finally {
    disposeParams(grads);
  }
}

/** Mean over real steps of KL(old ‖ new) between diagonal Gaussians (closed form, float64). */
function meanKl(old: Rl2Evaluation, next: Rl2Evaluation, mask: Float32Array): number {
  const A = old.logStd.length;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!(mask[i] > 0)) continue;
    for (let j = 0; j < A; j++) {
      const ls0 = old.logStd[j];
      const ls1 = next.logStd[j];
      const d = old.mean[i * A + j] - next.mean[i * A + j];
      sum += ls1 - ls0 + (Math.exp(2 * ls0) + d * d) / (2 * Math.exp(2 * ls1)) - 0.5;
    }
    n++;
  }
  return sum / Math.max(1, n);
}

/** Run the PPO epochs in place on `vars` with `optimizer` (`pool` holds the batch of `p`). @param rng shuffles the minibatches. */
export async function runPpoEpochs(pool: Rl2Pool, vars: Rl2Vars, optimizer: Adam, p: PreparedBatch, rng: Rng, opts: Rl2PpoOptions): Promise<Rl2UpdateStats> {
  const { batch } = p;
  const groups = Math.max(1, Math.min(opts.minibatches, batch.B));
  const sums = [0, 0, 0, 0, 0];
  let steps = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const order = permutation(rng, batch.B);
    for (let g = 0; g < groups; g++) {
      const cols = order.filter((_, k) => k % groups === g);
      (await minibatchStep(pool, vars, optimizer, cols, opts)).forEach((v, k) => (sums[k] += v));
      steps++;
    }
  }
  const [policyLoss, valueLoss, entropy, clipFraction, gradNorm] = sums.map((s) => s / Math.max(1, steps));
  const next = await pool.evaluate(vars);
  return { policyLoss, valueLoss, entropy, clipFraction, gradNorm, kl: meanKl(p.old, next, batch.mask) };
}
