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
 * The LSTM optimizer (Andrychowicz et al. 2016, agents/lstm-optimizer.ts) replaces the step by a learned function
 * of the gradient with a state carried from one inner step to the next: θ_i^{(j+1)} = θ_i^{(j)} + m_ω(∇L_in, s_j),
 * with its weights ω passed as {@link InnerUpdate.lstm}. The state travels with θ through {@link adaptFrom} and
 * {@link applyInnerStep} ({@link InnerState}: empty for (Meta-)SGD). First order is the paper's choice: the
 * optimizer's inputs (the gradients) are constants, ω's gradient flows through its outputs and its state.
 *
 * Nothing here calls tf.tidy around its result: callers run these inside tf.tidy, tf.grads or trpoUpdate.
 */
import * as tf from '@tensorflow/tfjs-core';
import { lstmOptimizerStep, lstmOptimizerZeroState, type LstmOptimizerConfig, type LstmOptimizerState } from '../lstm-optimizer.js';
import { concatFlat, paramShapes, splitFlat, type Activation, type Params } from '../nets.js';
import { gaussianDistParams, gaussianKL, gaussianLogProb } from '../policies.js';
import { ratioSurrogateLoss, vpgLoss } from '../pg.js';
import { thetaTensorCount, type LearnedRule } from './inner-rule.js';
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
   * Constant inner gradients g_j, one list (shapes of θ) per inner step, stepped with the update's learned rule
   * after the `inner` batches (default none): a first-order curvature copy with a learned rule, e.g.
   * θ' = θ − Σ_j α ⊙ g_j, which keeps ∂θ'/∂α = −Σ_j g_j (see policy-curvature.ts).
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
  /** The LSTM optimizer's weights ω and sizes (default none): each inner step is θ + m_ω(g, state). */
  lstm?: { weights: Params; config: LstmOptimizerConfig };
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
 * The state a learned inner rule carries from one inner step to the next along one task's trajectory: the LSTM
 * optimizer's {@link LstmOptimizerState} ([P, H] tensors), empty for (Meta-)SGD and before the LSTM's first step.
 */
export type InnerState = tf.Tensor[];

/** θ after one inner step and the rule's next state. */
export interface AdaptedParams {
  params: Params;
  state: InnerState;
}

/**
 * One inner step along `grads` (shapes of `params`): θ − lr · g, θ − α ⊙ g with the update's step sizes α, or
 * θ + m_ω(g, state) with its LSTM optimizer (every coordinate of every tensor, flattened in order).
 */
export function applyInnerStep(params: Params, grads: readonly tf.Tensor[], update: InnerUpdate, state: InnerState): AdaptedParams {
  const { stepSizes, lstm } = update;
  if (lstm) {
    const flat = concatFlat(grads as Params);
    const current = state.length > 0 ? (state as LstmOptimizerState) : lstmOptimizerZeroState(flat.shape[0], lstm.config);
    const step = lstmOptimizerStep(lstm.weights, flat, current, lstm.config);
    const deltas = splitFlat(step.update, paramShapes(params));
    return { params: params.map((p, i) => tf.add(p, deltas[i])), state: step.state };
  }
  return { params: params.map((p, i) => tf.sub(p, stepSizes ? tf.mul(stepSizes[i], grads[i]) : tf.mul(grads[i], update.lr))), state };
}

/**
 * θ' after one inner step per batch (in order) from θ = `params` with the rule's state `state`:
 * θ ← step(θ, ∇ L_in(θ; batch_j) + offsets[j]).
 * @param offsets optional constants per step (shapes of `params`), e.g. {@link MamlTaskData.innerOffsets}.
 */
export function adaptFrom(params: Params, state: InnerState, batches: readonly PolicyBatch[], update: InnerUpdate, offsets?: readonly Params[]): AdaptedParams {
  let result: AdaptedParams = { params, state };
  batches.forEach((batch, j) => {
    const grads = innerGradients(result.params, batch, update);
    const step = offsets ? grads.map((g, i) => tf.add(g, offsets[j][i])) : grads;
    result = applyInnerStep(result.params, step, update, result.state);
  });
  return result;
}

/** θ' after one inner step per batch from the rule's initial state ({@link adaptFrom}). */
export function adaptParams(params: Params, batches: readonly PolicyBatch[], update: InnerUpdate, offsets?: readonly Params[]): Params {
  return adaptFrom(params, [], batches, update, offsets).params;
}

/** θ'_i(θ) of one task: its inner steps (with its offsets, fixed gradients and shift, if any). */
function adaptTask(params: Params, task: MamlTaskData, update: InnerUpdate): Params {
  let adapted = adaptFrom(params, [], task.inner, update, task.innerOffsets);
  for (const g of task.fixedGradients ?? []) adapted = applyInnerStep(adapted.params, g, update, adapted.state);
  const { shift } = task;
  return shift ? adapted.params.map((p, i) => tf.add(p, shift[i])) : adapted.params;
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
 * The meta-parameters φ split into θ and the inner update: φ = θ `[W0, b0, ..., logStd]` (MAML), or φ = [θ, ρ]
 * with a learned rule (inner-rule.ts): Meta-SGD's ρ = α (2P tensors, α_i of θ_i's shape) becomes
 * `update.stepSizes`, the LSTM optimizer's ρ = ω becomes `update.lstm`.
 */
export function splitMetaParams(phi: Params, update: InnerUpdate, rule?: LearnedRule): [Params, InnerUpdate] {
  if (!rule) return [phi, update];
  const n = thetaTensorCount(rule, phi.length);
  return [phi.slice(0, n), withLearnedRule(update, rule, phi.slice(n))];
}

/** `update` stepping with the learned `rule` whose parameters are `rho` (α as `stepSizes`, ω as `lstm`). */
export function withLearnedRule(update: InnerUpdate, rule: LearnedRule, rho: Params): InnerUpdate {
  return rule.kind === 'step-sizes' ? { ...update, stepSizes: rho } : { ...update, lstm: { weights: rho, config: rule.lstm } };
}

/**
 * The meta-gradient ∇_φ L_out (through the inner update unless first order) and L_out's value, φ as in
 * {@link splitMetaParams}: θ (MAML), or [θ, ρ] with a learned `rule` (Meta-SGD's α, the LSTM optimizer's ω).
 * @returns `value` and `grads` (one tensor per entry of `params`, same shapes); the caller disposes them.
 */
export function metaGradient(params: Params, tasks: readonly MamlTaskData[], update: InnerUpdate, rule?: LearnedRule): { value: tf.Scalar; grads: tf.Tensor[] } {
  const [theta, inner] = splitMetaParams(params, update, rule);
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
