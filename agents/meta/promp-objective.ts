/**
 * The ProMP objective (Rothfuss et al. 2019, "ProMP: Proximal Meta-Policy Search") for a diagonal-Gaussian MLP
 * policy, as pure tensor functions of the meta-parameters θ:
 *
 *   J^LVC(θ; D)  = mean_D( π_θ(a|s) / ⊥π(a|s) · A )        ⊥π: the sampling policy, a constant (stop-gradient)
 *   θ_i^{(0)} = θ,  θ_i^{(j+1)} = θ_i^{(j)} + α ∇ J^LVC(θ_i^{(j)}; D_i^j),   θ'_i = θ_i^{(k)}
 *   L(θ) = mean_i PPOclip_ε(π_{θ'_i(θ)} / π'_old; D'_i)  +  mean_j η_j · mean_i mean_{D_i^j} KL(π_{i,j}^old ‖ π_{θ_i^{(j)}(θ)})
 *
 * J^LVC's value is mean(A) and its gradient at the sampling policy is the VPG gradient mean(∇log π · A), but its
 * Hessian is mean(∇²π/π · A) = mean((∇²log π + ∇log π ∇log πᵀ) · A): the low-variance curvature estimate of
 * the Hessian of the expected return, which the meta-gradient differentiates through (MAML's VPG inner loss has
 * Hessian mean(∇²log π · A) and misses the second term). The KL penalty keeps the pre-update policy (and, with
 * more inner steps, each intermediate policy) near the one that sampled D_i^j, as in the paper's J^ProMP and
 * the authors' code (`inner_kl_coeff`, one η per inner step, mean over steps and tasks).
 *
 * Every batch carries its sampling policy's log-probabilities, means and log-std (an {@link OuterBatch}, built
 * with `outerBatch`), so ⊥π stays the SAMPLING policy while θ moves during the outer epochs: J^LVC is then the
 * importance-weighted estimate of the return at θ (its value and derivatives at θ_old are those of the
 * stop-gradient form). Without stored log-probabilities (a plain {@link PolicyBatch}) ⊥π is the current policy,
 * detached. Needs the higher-order gradient fix (`initBackend()`), as MAML does. Callers tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumInOrder, type Activation, type Params } from '../nets.js';
import { gaussianDistParams, gaussianKL, gaussianLogProb } from '../policies.js';
import { ppoClipLoss, ratioSurrogateLoss } from '../pg.js';
import { adaptParams, detach, type InnerUpdate } from './maml-objective.js';
import { batchKl, disposeBatches, policyLogProb, type OuterBatch, type PolicyBatch } from './policy-batch.js';

/** One task of a ProMP meta-batch: per inner step the batch its pre-update policy sampled, and the post-update batch. */
export interface PrompTaskData {
  /** [innerSteps] batches with their sampling policy (θ_i^{(j)} at θ_old). */
  inner: OuterBatch[];
  /** Post-update batch with its sampling policy θ'_i(θ_old). */
  outer: OuterBatch;
}

/** Settings of the outer objective. */
export interface PrompObjectiveOptions {
  /** PPO clip range ε. */
  clipEpsilon: number;
  /** KL penalty coefficient η_j per inner step, [innerSteps]. */
  klCoefs: readonly number[];
}

/** The parts of the outer objective at one θ (scalars). */
export interface PrompTerms {
  /** mean_i of the PPO-clip loss of the post-update batch at θ'_i(θ). */
  surrogate: tf.Scalar;
  /** Per inner step j, mean_i mean KL(π_{i,j}^old ‖ π_{θ_i^{(j)}(θ)}) on D_i^j, [innerSteps] scalars. */
  innerKl: tf.Scalar[];
  /** mean_i mean KL(π'_old ‖ π_{θ'_i(θ)}) on the post-update batch (a diagnostic, not penalised). */
  outerKl: tf.Scalar;
}

/**
 * −J^LVC(params; batch) = −mean(exp(log π_params(a|s) − log ⊥π(a|s)) · A): a scalar. ⊥π is `batch.logpOld`
 * when the batch has it (the sampling policy), else the current log-probabilities detached.
 */
export function lvcLoss(params: Params, batch: PolicyBatch & { logpOld?: tf.Tensor1D }, activation: Activation): tf.Scalar {
  const logp = policyLogProb(params, batch, activation);
  return ratioSurrogateLoss(logp, batch.logpOld ?? detach(logp), batch.advantages);
}

/** The inner update of ProMP: `lr` steps on {@link lvcLoss} (ascent on J^LVC), second order unless `firstOrder`. */
export function lvcUpdate(lr: number, activation: Activation, firstOrder = false): InnerUpdate {
  return { lr, firstOrder, activation, loss: lvcLoss };
}

/** One task's terms at θ (see the file comment): its PPO-clip surrogate, inner KLs [innerSteps] and outer KL. */
export function taskPrompTerms(params: Params, task: PrompTaskData, update: InnerUpdate, clipEpsilon: number): PrompTerms {
  let theta = params;
  const innerKl: tf.Scalar[] = [];
  for (const batch of task.inner) {
    innerKl.push(batchKl(theta, batch, update.activation));
    theta = adaptParams(theta, [batch], update);
  }
  const o = task.outer;
  const { mean, logStd } = gaussianDistParams(theta, o.obs, update.activation);
  const logp = gaussianLogProb(mean, logStd, o.actions);
  const surrogate = ppoClipLoss(logp, o.logpOld, o.advantages, { clipEpsilon });
  return { surrogate, innerKl, outerKl: tf.mean(gaussianKL(o.oldMean, o.oldLogStd, mean, logStd)) };
}

/** Every term of the outer objective at `params`, averaged over tasks. @param update the LVC inner update. */
export function prompTerms(params: Params, tasks: readonly PrompTaskData[], update: InnerUpdate, clipEpsilon: number): PrompTerms {
  if (tasks.length === 0) throw new Error('prompTerms: no tasks; pass at least one task.');
  const perTask = tasks.map((t) => taskPrompTerms(params, t, update, clipEpsilon));
  const mean = (xs: tf.Scalar[]): tf.Scalar => tf.div(tf.addN(xs), xs.length) as tf.Scalar;
  return {
    surrogate: mean(perTask.map((t) => t.surrogate)),
    innerKl: tasks[0].inner.map((_, j) => mean(perTask.map((t) => t.innerKl[j]))),
    outerKl: mean(perTask.map((t) => t.outerKl)),
  };
}

/** The penalised objective surrogate + mean_j η_j·innerKl_j of {@link PrompTerms}: a scalar. */
export function prompLossFromTerms(terms: PrompTerms, klCoefs: readonly number[]): tf.Scalar {
  if (klCoefs.length !== terms.innerKl.length) throw new Error(`prompLoss: ${klCoefs.length} KL coefficients for ${terms.innerKl.length} inner steps.`);
  if (terms.innerKl.length === 0) return terms.surrogate;
  const penalty = tf.div(sumInOrder(terms.innerKl.map((kl, j) => tf.mul(kl, klCoefs[j]))), klCoefs.length);
  return tf.add(terms.surrogate, penalty) as tf.Scalar;
}

/** The ProMP outer loss L(θ) (to minimise): a scalar. */
export function prompLoss(params: Params, tasks: readonly PrompTaskData[], update: InnerUpdate, options: PrompObjectiveOptions): tf.Scalar {
  return prompLossFromTerms(prompTerms(params, tasks, update, options.clipEpsilon), options.klCoefs);
}

/**
 * ∇_θ L(θ) through the inner LVC steps, and L's value.
 * @returns `value` and `grads` (shapes of `params`); the caller disposes them (or tidies).
 */
export function prompGradient(params: Params, tasks: readonly PrompTaskData[], update: InnerUpdate, options: PrompObjectiveOptions): { value: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.engine().gradients(() => prompLoss(params, tasks, update, options), params, undefined, true);
  return { value, grads: grads.map((g, i) => g ?? tf.zerosLike(params[i])) };
}

/**
 * The authors' adaptive rule for one KL coefficient: halve it when the KL fell below target / 1.5, double it
 * above target · 1.5, keep it otherwise.
 */
export function adaptKlCoef(coef: number, kl: number, target: number): number {
  if (kl < target / 1.5) return coef / 2;
  if (kl > target * 1.5) return coef * 2;
  return coef;
}

/** Dispose every tensor of a ProMP meta-batch. */
export function disposePrompData(tasks: readonly PrompTaskData[]): void {
  for (const task of tasks) disposeBatches([...task.inner, task.outer]);
}
