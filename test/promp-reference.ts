/**
 * A float64 plain-JS reference of the ProMP objective (agents/meta/promp-objective.ts), built on the MAML
 * reference (test/maml-reference.ts): the LVC inner loss and its analytic gradient, the LVC inner steps, the
 * PPO-clip outer surrogate with the inner-KL penalty, and synthetic tasks whose batches carry their sampling
 * policy (log-probabilities, means, logStd rounded to float32, as the TF.js side holds them).
 */
import { logProb64, makeBatch64, meanKl64, policyDist64, vpgGrad64, type Batch64, type OldPolicy64, type Params64 } from './maml-reference.js';

/** A batch with the policy that sampled it. */
export interface SampledBatch64 extends Batch64 {
  logpOld: Float64Array;
  old: OldPolicy64;
}

/** One ProMP task: a sampled batch per inner step, and the post-update batch. */
export interface PrompTask64 {
  inner: SampledBatch64[];
  outer: SampledBatch64;
}

/** −mean(log π·A), the VPG surrogate. */
export function vpgLoss64(p: Params64, sizes: number[], batch: Batch64): number {
  const logp = logProb64(p, sizes, batch);
  return -logp.reduce((s, lp, i) => s + lp * batch.adv[i], 0) / logp.length;
}

/** Per-sample ratios π_p / π_old, [N]. */
function ratios64(p: Params64, sizes: number[], batch: Batch64 & { logpOld: Float64Array }): Float64Array {
  return logProb64(p, sizes, batch).map((lp, i) => Math.exp(lp - batch.logpOld[i]));
}

/** −J^LVC = −mean(π_p/π_old · A) with π_old fixed (the stop-gradient held at its sampling value). */
export function lvcLoss64(p: Params64, sizes: number[], batch: Batch64 & { logpOld: Float64Array }): number {
  const r = ratios64(p, sizes, batch);
  return -r.reduce((s, ri, i) => s + ri * batch.adv[i], 0) / r.length;
}

/** ∇(−J^LVC) = −mean(r·A·∇log π): the VPG gradient with advantages r·A (backprop, exact). */
export function lvcGrad64(p: Params64, sizes: number[], batch: Batch64 & { logpOld: Float64Array }): Params64 {
  const r = ratios64(p, sizes, batch);
  return vpgGrad64(p, sizes, { ...batch, adv: batch.adv.map((a, i) => a * r[i]) });
}

/** θ − lr·∇(−J^LVC), one inner step. */
export function lvcStep64(p: Params64, sizes: number[], batch: SampledBatch64, lr: number): Params64 {
  const g = lvcGrad64(p, sizes, batch);
  return p.map((t, i) => t.map((v, k) => v - lr * g[i][k]));
}

/** `batch` with the policy `p` that sampled it (float32-rounded, as stored on the TF.js side). */
export function sampledBatch64(p: Params64, sizes: number[], batch: Batch64): SampledBatch64 {
  return { ...batch, logpOld: logProb64(p, sizes, batch).map(Math.fround), old: policyDist64(p, sizes, batch.obs) };
}

/**
 * Synthetic tasks sampled "as ProMP does" from θ0: inner batch j belongs to θ_j (θ_{j+1} one LVC step from
 * θ_j on it), the outer batch to θ' = θ_k. @param seed the batches' seeds are seed + 100·task + step.
 */
export function prompTasks64(p0: Params64, sizes: number[], numTasks: number, steps: number, n: number, lr: number, seed: number): PrompTask64[] {
  const [obsDim, actDim] = [sizes[0], sizes[sizes.length - 1]];
  return Array.from({ length: numTasks }, (_, t) => {
    let theta = p0;
    const inner: SampledBatch64[] = [];
    for (let j = 0; j < steps; j++) {
      inner.push(sampledBatch64(theta, sizes, makeBatch64(seed + 100 * t + j, n, obsDim, actDim)));
      theta = lvcStep64(theta, sizes, inner[j], lr);
    }
    return { inner, outer: sampledBatch64(theta, sizes, makeBatch64(seed + 100 * t + 50, n, obsDim, actDim)) };
  });
}

/** −mean(min(r·A, clip(r, 1 − ε, 1 + ε)·A)). */
function ppoClip64(p: Params64, sizes: number[], batch: SampledBatch64, eps: number): number {
  const r = ratios64(p, sizes, batch);
  const terms = r.map((ri, i) => Math.min(ri * batch.adv[i], Math.min(Math.max(ri, 1 - eps), 1 + eps) * batch.adv[i]));
  return -terms.reduce((s, x) => s + x, 0) / r.length;
}

/** ProMP settings of the reference. */
export interface Promp64Options {
  lr: number;
  clipEpsilon: number;
  /** η_j per inner step. */
  klCoefs: number[];
}

/** L(θ) = mean_i PPOclip(θ'_i) + mean_j η_j mean_i KL(π_{i,j}^old ‖ π_{θ_i^{(j)}}) on D_i^j. */
export function prompLoss64(p: Params64, sizes: number[], tasks: PrompTask64[], o: Promp64Options): number {
  let surrogate = 0;
  const kls = o.klCoefs.map(() => 0);
  for (const task of tasks) {
    let theta = p;
    task.inner.forEach((b, j) => {
      kls[j] += meanKl64(theta, sizes, b.obs, b.old);
      theta = lvcStep64(theta, sizes, b, o.lr);
    });
    surrogate += ppoClip64(theta, sizes, task.outer, o.clipEpsilon);
  }
  const penalty = kls.reduce((s, kl, j) => s + (o.klCoefs[j] * kl) / tasks.length, 0) / kls.length;
  return surrogate / tasks.length + penalty;
}

/** How many post-update samples of the tasks have a ratio outside [1 − ε, 1 + ε] at θ'(p). */
export function clippedCount64(p: Params64, sizes: number[], tasks: PrompTask64[], o: Promp64Options): number {
  let count = 0;
  for (const task of tasks) {
    const theta = task.inner.reduce((t, b) => lvcStep64(t, sizes, b, o.lr), p);
    count += ratios64(theta, sizes, task.outer).filter((r) => Math.abs(r - 1) > o.clipEpsilon).length;
  }
  return count;
}
