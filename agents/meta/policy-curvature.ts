/**
 * The data of TRPO's Fisher-vector products for one MAML task on a row subsample of its batches (rllab/garage
 * `subsample_factor`: the fraction of the samples the curvature is measured on; the loss gradient and the line
 * search keep every sample).
 *
 * MAML's KL runs through the inner update θ'(θ), which depends on the inner batches as well, so they are
 * subsampled too; but θ'(θ_old) must stay the policy that sampled the post-update batch (the KL and its gradient
 * are 0 there, and the products are then J^T F J with J = ∂θ'/∂θ). Each inner gradient on a subsample therefore
 * gets the constant offset c_j = ∇L_j(θ_j) − ∇L_j^sub(θ_j) taken along the full batches' trajectory θ_j at θ_old:
 * θ'^sub(θ_old) = θ'(θ_old), and J^sub = Π_j (I − α ∇²L_j^sub) measures the curvature of the inner loss on the
 * subsample. First order (FOMAML) J = I: the copy is the post-update subsample at the constant shift
 * θ'(θ_old) − θ_old, with no inner step at all. First order with a learned rule ρ (Meta-SGD's θ' = θ − Σ_j α ⊙ g_j,
 * the LSTM optimizer's θ' = θ + Σ_j m_ω(g_j, s_j)), θ' still depends on ρ: the copy keeps the full batches' inner
 * gradients g_j along θ_old's trajectory as constants (`fixedGradients`), so θ'^sub(θ_old, ρ_old) = θ'(θ_old, ρ_old)
 * and ∂θ'/∂ρ is the first-order one (−Σ_j diag(g_j) for α).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/rng.js';
import type { Params } from '../nets.js';
import { adaptParams, applyInnerStep, innerGradients, type AdaptedParams, type InnerUpdate, type MamlTaskData } from './maml-objective.js';
import type { OuterBatch, PolicyBatch } from './policy-batch.js';

/**
 * max(1, round(factor · n)) distinct rows of 0..n−1 drawn with `rng` (partial Fisher–Yates), ascending; all rows
 * when `factor` is 1.
 */
export function subsampleRows(rng: Rng, n: number, factor: number): Int32Array {
  const k = Math.min(n, Math.max(1, Math.round(factor * n)));
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  if (k === n) return idx;
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, n - 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).sort();
}

/** The rows `rows` of every per-sample tensor of a batch (new tensors; a per-action `oldLogStd` [A] is copied). */
export function gatherRows<B extends PolicyBatch>(batch: B, rows: Int32Array): B {
  const out: Record<string, tf.Tensor> = tf.tidy(() => {
    const index = tf.tensor1d(rows, 'int32');
    const gathered: Record<string, tf.Tensor> = {};
    for (const [key, t] of Object.entries(batch) as [string, tf.Tensor][]) gathered[key] = key === 'oldLogStd' ? tf.clone(t) : tf.gather(t, index);
    return gathered;
  });
  return out as unknown as B;
}

/**
 * The subsampled copy of `task` for the Fisher-vector products at θ_old = `theta` (new tensors: dispose with
 * `disposeTaskData`). @param factor the fraction of each batch's rows kept, in (0, 1). @param rng picks them.
 */
export function curvatureTask(theta: Params, task: MamlTaskData & { outer: OuterBatch }, update: InnerUpdate, factor: number, rng: Rng): MamlTaskData {
  const sub = <B extends PolicyBatch>(b: B): B => gatherRows(b, subsampleRows(rng, b.obs.shape[0], factor));
  const outer = sub(task.outer);
  if (update.firstOrder && (update.stepSizes || update.lstm)) {
    const fixedGradients = tf.tidy(() => {
      let current: AdaptedParams = { params: theta, state: [] };
      return task.inner.map((batch) => {
        const grads = innerGradients(current.params, batch, update);
        current = applyInnerStep(current.params, grads, update, current.state);
        return grads;
      });
    });
    return { inner: [], outer, fixedGradients };
  }
  if (update.firstOrder) {
    const shift = tf.tidy(() => {
      const adapted = adaptParams(theta, task.inner, update);
      return adapted.map((p, i) => tf.sub(p, theta[i]));
    });
    return { inner: [], outer, shift };
  }
  const inner = task.inner.map(sub);
  const values = { ...update, firstOrder: true };
  const innerOffsets = tf.tidy(() => {
    let current: AdaptedParams = { params: theta, state: [] };
    return task.inner.map((batch, j) => {
      const full = innerGradients(current.params, batch, values);
      const partial = innerGradients(current.params, inner[j], values);
      const offsets = full.map((g, i) => tf.sub(g, partial[i]));
      current = applyInnerStep(current.params, full, values, current.state);
      return offsets;
    });
  });
  return { inner, outer, innerOffsets };
}
