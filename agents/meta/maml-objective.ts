/**
 * The MAML objective for a diagonal-Gaussian MLP policy, as pure tensor functions of the meta-parameters θ
 * (Finn et al. 2017; the RL form of cbfinn/maml_rl, garage MAMLTRPO, ProMP's MAML):
 *
 *   θ_i^{(0)} = θ,  θ_i^{(j+1)} = θ_i^{(j)} − α ∇ L_in(θ_i^{(j)}; D_i^j),   L_in = −mean(log π(a|s) · A)  (VPG)
 *   L_out(θ) = mean_i −mean_{D'_i}( π_{θ'_i(θ)}(a|s) / π_old(a|s) · A' ),   θ'_i = θ_i^{(k)}
 *   KL(θ)    = mean_i mean_{D'_i} KL(π_old ‖ π_{θ'_i(θ)})
 *
 * where D_i^j are the task's pre-update samples of inner step j, D'_i its post-update samples and π_old the
 * adapted policy that sampled D'_i. Second order: the inner gradients are differentiated through (nested
 * gradients; needs `enableHigherOrderGradients()`, tfjs 4.22 drops second-order terms of tanh/exp without it).
 * First order (FOMAML): the inner gradients are computed on detached copies of the parameters, so
 * ∂θ'/∂θ = I and no second-order graph is recorded.
 *
 * Meta-SGD (Li et al. 2017) replaces the scalar α by per-parameter step sizes α (one tensor per parameter, shapes
 * of θ): θ_i^{(j+1)} = θ_i^{(j)} − α ⊙ ∇ L_in(θ_i^{(j)}), with α passed as {@link InnerUpdate.stepSizes}; every
 * function here then is a function of (θ, α), and differentiating it w.r.t. α as well needs nothing else (first
 * order included: there ∂θ'/∂α = −Σ_j ∇L_in(θ_i^{(j)}), the detached inner gradients).
 *
 * Nothing here calls tf.tidy around its result: callers run these inside tf.tidy, tf.grads or trpoUpdate.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, Params } from '../nets.js';
import { gaussianDistParams, gaussianKL, gaussianLogProb } from '../policies.js';
import { ratioSurrogateLoss, vpgLoss } from '../pg.js';
import { batchKl, disposeBatches, policyLogProb, type OuterBatch, type PolicyBatch } from './policy-batch.js';

/** One task of a meta-batch: a pre-update batch per inner step, and the post-update batch. */
export interface MamlTaskData {
  inner: PolicyBatch[];
  outer: OuterBatch;
  /**
   * Constant offsets added to the inner gradients, one list (shapes of θ) per inner step (default none): how a
   * subsampled copy of the task keeps θ'(θ_old) of the full batches (see policy-curvature.ts).
   */
  innerOffsets?: Params[];
  /** A constant added to θ' after the inner steps (default none): a first-order curvature copy's θ'(θ_old) − θ_old. */
  shift?: Params;
  /**
   * Constant inner gradients g_j, one list (shapes of θ) per inner step, stepped with the update's step sizes after
   * the `inner` batches (default none): a first-order curvature copy with learned step sizes, θ' = θ − Σ_j α ⊙ g_j,
   * which keeps ∂θ'/∂α = −Σ_j g_j (see policy-curvature.ts).
   */
  fixedGradients?: Params[];
}

/** An inner loss of one batch as a function of the parameters: a scalar (e.g. {@link innerLoss}). */
export type InnerLossFn = (params: Params, batch: PolicyBatch, activation: Activation) => tf.Scalar;

/** How the inner update is taken. */
export interface InnerUpdate {
  /** Inner step size α (unused when {@link stepSizes} are given). */
  lr: number;
  /**
   * Meta-SGD's per-parameter step sizes α, one tensor per parameter with its shape (default none: the scalar
   * `lr`). Unconstrained in sign, as in Li et al. 2017.
   */
  stepSizes?: Params;
  /** FOMAML: do not differentiate through the inner gradients. */
  firstOrder: boolean;
  /** Hidden-layer nonlinearity of the policy MLP. */
  activation: Activation;
  /** The loss each inner step descends (default {@link innerLoss}, VPG; ProMP passes its LVC loss). */
  loss?: InnerLossFn;
}

/** The inner (VPG) loss −mean(log π(a|s) · A) of one batch: a scalar. */
export function innerLoss(params: Params, batch: PolicyBatch, activation: Activation): tf.Scalar {
  return vpgLoss(policyLogProb(params, batch, activation), batch.advantages);
}

/**
 * A tensor with the same data and no tape history: gradients do not flow through it. tfjs has no stopGradient;
 * this is a fresh leaf on the same data id (no copy). The backend's reference count is raised first, as its own
 * kernels do when they share data (reshape), so disposing either tensor leaves the other intact. The data must
 * live on the active backend.
 */
export function detach(t: tf.Tensor): tf.Tensor {
  tf.backend().incRef(t.dataId);
  return tf.engine().makeTensorFromDataId(t.dataId, t.shape, t.dtype);
}

/** ∇ L_in at `params` (L_in = `update.loss`, default VPG); with `firstOrder`, taken at detached copies (constant w.r.t. `params`). */
export function innerGradients(params: Params, batch: PolicyBatch, update: InnerUpdate): tf.Tensor[] {
  const at = update.firstOrder ? params.map(detach) : params;
  const loss = update.loss ?? innerLoss;
  const { grads } = tf.engine().gradients(() => loss(at, batch, update.activation), at, undefined, true);
  return grads.map((g, i) => g ?? tf.zerosLike(at[i]));
}

/**
 * One SGD step along `grads` (shapes of `params`): θ − lr · g, or θ − α ⊙ g with the update's step sizes α.
 */
export function sgdStep(params: Params, grads: readonly tf.Tensor[], update: InnerUpdate): Params {
  const { stepSizes } = update;
  return params.map((p, i) => tf.sub(p, stepSizes ? tf.mul(stepSizes[i], grads[i]) : tf.mul(grads[i], update.lr)));
}

/**
 * θ' after one inner SGD step per batch (in order): θ ← θ − α (∇ L_in(θ; batch_j) + offsets[j]) (α ⊙ … with
 * per-parameter step sizes).
 * @param offsets optional constants per step (shapes of `params`), e.g. {@link MamlTaskData.innerOffsets}.
 */
export function adaptParams(params: Params, batches: readonly PolicyBatch[], update: InnerUpdate, offsets?: readonly Params[]): Params {
  let theta = params;
  batches.forEach((batch, j) => {
    const grads = innerGradients(theta, batch, update);
    const step = offsets ? grads.map((g, i) => tf.add(g, offsets[j][i])) : grads;
    theta = sgdStep(theta, step, update);
  });
  return theta;
}

/** θ'_i(θ) of one task: its inner steps (with its offsets, fixed gradients and shift, if any). */
function adaptTask(params: Params, task: MamlTaskData, update: InnerUpdate): Params {
  let adapted = adaptParams(params, task.inner, update, task.innerOffsets);
  for (const g of task.fixedGradients ?? []) adapted = sgdStep(adapted, g, update);
  const { shift } = task;
  return shift ? adapted.map((p, i) => tf.add(p, shift[i])) : adapted;
}

/** Task i's part of the outer objective: the likelihood-ratio surrogate of its post-update batch at θ'_i(θ), a scalar. */
export function taskOuterLoss(params: Params, task: MamlTaskData, update: InnerUpdate): tf.Scalar {
  const logp = policyLogProb(adaptTask(params, task, update), task.outer, update.activation);
  return ratioSurrogateLoss(logp, task.outer.logpOld, task.outer.advantages);
}

/** Task i's mean KL(π_old ‖ π_{θ'_i(θ)}) on its post-update observations, a scalar. */
export function taskOuterKl(params: Params, task: MamlTaskData, update: InnerUpdate): tf.Scalar {
  return batchKl(adaptTask(params, task, update), task.outer, update.activation);
}

/** [{@link taskOuterLoss}, {@link taskOuterKl}] from one adaptation and one policy evaluation (a line-search trial). */
export function taskOuterLossAndKl(params: Params, task: MamlTaskData, update: InnerUpdate): [tf.Scalar, tf.Scalar] {
  const { outer } = task;
  const { mean, logStd } = gaussianDistParams(adaptTask(params, task, update), outer.obs, update.activation);
  const loss = ratioSurrogateLoss(gaussianLogProb(mean, logStd, outer.actions), outer.logpOld, outer.advantages);
  return [loss, tf.mean(gaussianKL(outer.oldMean, outer.oldLogStd, mean, logStd))];
}

/** The outer objective L_out(θ): mean over tasks of {@link taskOuterLoss}. */
export function outerLoss(params: Params, tasks: readonly MamlTaskData[], update: InnerUpdate): tf.Scalar {
  return tf.div(tf.addN(tasks.map((task) => taskOuterLoss(params, task, update))), tasks.length) as tf.Scalar;
}

/** Mean over tasks of {@link taskOuterKl}: a scalar. */
export function outerKl(params: Params, tasks: readonly MamlTaskData[], update: InnerUpdate): tf.Scalar {
  return tf.div(tf.addN(tasks.map((task) => taskOuterKl(params, task, update))), tasks.length) as tf.Scalar;
}

/**
 * The meta-parameters φ split into θ and the inner update: φ = θ `[W0, b0, ..., logStd]` (MAML), or with
 * `learnedStepSizes` φ = [θ, α] (Meta-SGD: 2P tensors, α_i of θ_i's shape), whose second half becomes
 * `update.stepSizes`.
 */
export function splitMetaParams(phi: Params, update: InnerUpdate, learnedStepSizes: boolean): [Params, InnerUpdate] {
  if (!learnedStepSizes) return [phi, update];
  const n = phi.length / 2;
  return [phi.slice(0, n), { ...update, stepSizes: phi.slice(n) }];
}

/**
 * The meta-gradient ∇_φ L_out (through the inner update unless first order) and L_out's value, φ as in
 * {@link splitMetaParams}: θ (MAML), or [θ, α] with `learnedStepSizes` (Meta-SGD).
 * @returns `value` and `grads` (one tensor per entry of `params`, same shapes); the caller disposes them.
 */
export function metaGradient(params: Params, tasks: readonly MamlTaskData[], update: InnerUpdate, learnedStepSizes = false): { value: tf.Scalar; grads: tf.Tensor[] } {
  const [theta, inner] = splitMetaParams(params, update, learnedStepSizes);
  const { value, grads } = tf.engine().gradients(() => outerLoss(theta, tasks, inner), params, undefined, true);
  return { value, grads: grads.map((g, i) => g ?? tf.zerosLike(params[i])) };
}

/** Dispose every tensor of a meta-batch's task data (the outer batch may be missing: a partly built batch). */
export function disposeTaskData(tasks: readonly { inner: readonly PolicyBatch[]; outer?: OuterBatch; innerOffsets?: Params[]; fixedGradients?: Params[]; shift?: Params }[]): void {
  for (const task of tasks) {
    disposeBatches(task.outer ? [...task.inner, task.outer] : task.inner);
    task.innerOffsets?.forEach((o) => tf.dispose(o));
    task.fixedGradients?.forEach((g) => tf.dispose(g));
    if (task.shift) tf.dispose(task.shift);
  }
}
