/**
 * Trust-region policy optimisation (Schulman et al. 2015) over an explicit parameter list: conjugate gradient
 * with a matrix-free Hessian-vector product, a double-backprop HVP of any scalar function of the params (the
 * mean KL gives the Fisher-vector product), and the TRPO step with a backtracking line search.
 *
 * Vectors in parameter space are flat Float32Arrays [P] (P = total number of parameter entries, params in list
 * order, each row-major). Tensor work happens inside `tf.tidy`; only the returned parameters outlive a call.
 *
 * The HVP differentiates `f` twice with stock `tf` gradients. That is exact for ops whose gradients use their
 * inputs (matMul, add, sub, mul, div, square, log, sum, mean, ...); through ops whose gradients use their output
 * (exp, tanh, sigmoid, softmax, logSoftmax) stock tfjs 4.22 silently drops second-order terms unless the
 * higher-order gradient fix (`agents/higher-order-grad.ts`) is installed. Gradients are taken with
 * `tf.engine().gradients(..., allowNoGradients)` so a parameter that `f` ignores gets a zero, not an error.
 * tfjs-core registers no gradients by itself in Node: call `initBackend()` (agents/backend.ts) or
 * `enableHigherOrderGradients()` first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conjugateGradient, dampedProduct, dot, type Hvp } from './conjugate-gradient.js';
import { flattenParams, paramCount, paramShapes, sumInOrder, tidyFlat, unflattenParams } from './nets.js';

export { conjugateGradient, type CgOptions, type CgResult, type Hvp } from './conjugate-gradient.js';

/** A scalar function of a parameter list (a loss, a mean KL). Must not dispose its inputs. */
export type ParamFn = (params: tf.Tensor[]) => tf.Scalar;

/**
 * Hessian-vector product of `f` at `params` by double backprop: Hv = ∇_θ (∇_θ f(θ) · v). With f the mean KL
 * between the old and the current policy, evaluated at the old parameters, this is the Fisher-vector product.
 * The returned function reads `params` on every call: keep them alive while using it.
 * @param params the point θ, tensors of any shapes (P entries in all).
 * @returns v [P] -> Hv [P].
 */
export function hessianVectorProduct(f: ParamFn, params: tf.Tensor[]): Hvp {
  assertGradientsRegistered('hessianVectorProduct');
  const size = paramCount(params);
  return async (v) => {
    if (v.length !== size) throw new Error(`hessianVectorProduct: v has length ${v.length}; expected the parameter count ${size}.`);
    return tidyFlat(() => {
      const vs = unflattenParams(v, paramShapes(params));
      const gradDotV = (): tf.Scalar => sumInOrder(gradientsOrZeros(() => f(params), params).map((g, i) => tf.sum(tf.mul(g, vs[i]))));
      return gradientsOrZeros(gradDotV, params);
    });
  };
}

/** What a TRPO update optimises. */
export interface TrpoProblem {
  /** Current parameters θ_old (not disposed by the update). */
  params: tf.Tensor[];
  /** Surrogate loss to minimise as a function of the params, e.g. `ratioSurrogateLoss` (agents/pg.ts) of the policy. */
  loss: ParamFn;
  /** Mean KL(π_old ‖ π_params) over the batch: 0, with zero gradient, at `params`. */
  kl: ParamFn;
  /** The KL whose Hessian CG uses, e.g. on a subsample of the batch (default `kl`); same zero at `params`. */
  curvatureKl?: ParamFn;
}

/**
 * A TRPO problem over flat parameter vectors [P] (params in list order, each row-major): what {@link trpoStep}
 * needs, however the pieces are computed (in one graph, or per task on several threads and reduced).
 */
export interface FlatTrpoProblem {
  /** θ_old, [P]. */
  theta: Float32Array;
  /** Surrogate loss and its gradient [P] at θ_old. */
  lossAndGradient(): Promise<{ value: number; grad: Float32Array }>;
  /** The Fisher-vector product at θ_old: v [P] -> Hv [P] (Hessian of the mean KL, possibly on a subsample). */
  fisherVectorProduct: Hvp;
  /** Surrogate loss and mean KL(π_old ‖ π_θ) at θ [P] (a line-search trial). */
  lossAndKl(theta: Float32Array): Promise<{ loss: number; kl: number }>;
}

/** TRPO options. */
export interface TrpoOptions {
  /** Trust-region radius δ on the mean KL (default 0.01). */
  maxKl?: number;
  /** Conjugate-gradient iterations (default 10). */
  cgIterations?: number;
  /** Damping λ added to the Fisher in CG and in sᵀHs (default 1e-5, as in garage and MAML's TRPO). */
  cgDamping?: number;
  /** CG residual tolerance (default 1e-10). */
  cgResidualTol?: number;
  /** Line-search trials: the full step, then that many − 1 shrinks (default 15). */
  maxBacktracks?: number;
  /** Shrink factor per backtrack (default 0.5: halving). */
  backtrackRatio?: number;
  /**
   * Fraction of the samples the Fisher-vector products use, in (0, 1] (rllab/garage `subsample_factor`; default
   * 1: all). Applied by whoever builds the KL of the products: MAML subsamples each task's post-update samples;
   * {@link trpoUpdate} takes `problem.curvatureKl`.
   */
  subsampleFactor?: number;
}

/** Diagnostics of one TRPO update. */
export interface TrpoDiagnostics {
  /** Whether a step was taken (false: the returned params equal the old ones). */
  accepted: boolean;
  /** Shrinks applied before the accepted step (0 = the full step); `maxBacktracks` when none was accepted. */
  backtracks: number;
  /** Mean KL(π_old ‖ π_new) of the returned params (0 when not accepted). */
  kl: number;
  /** Surrogate loss at the old params. */
  lossBefore: number;
  /** Surrogate loss at the returned params (lower is better; equals lossBefore when not accepted). */
  lossAfter: number;
  /** β = sqrt(2δ / sᵀ(H + λI)s), the scale of the full step βs (NaN when the step was degenerate). */
  stepSize: number;
  /** First-order predicted loss decrease of the full step, −∇Lᵀ(βs). */
  expectedImprovement: number;
  /** CG iterations run and final residual norm. */
  cgIterations: number;
  cgResidual: number;
}

/** The new parameters (fresh tensors, also when unchanged: the caller disposes the old ones) and diagnostics. */
export interface TrpoResult {
  params: tf.Tensor[];
  diagnostics: TrpoDiagnostics;
}

/**
 * One TRPO update: s = CG(H, −∇L) with H the Hessian of the mean KL at θ_old, full step βs with
 * β = sqrt(2δ / sᵀHs), then a backtracking line search that accepts the first θ_old + ratio^k·βs whose loss is
 * below the old loss and whose mean KL is ≤ δ; if none qualifies the old parameters are kept.
 */
export async function trpoUpdate(problem: TrpoProblem, options: TrpoOptions = {}): Promise<TrpoResult> {
  assertGradientsRegistered('trpoUpdate');
  const { params } = problem;
  const flat: FlatTrpoProblem = {
    theta: await flattenParams(params),
    lossAndGradient: () => lossAndGradient(problem.loss, params),
    fisherVectorProduct: hessianVectorProduct(problem.curvatureKl ?? problem.kl, params),
    lossAndKl: (theta) => evaluate(problem, theta),
  };
  const { theta, diagnostics } = await trpoStep(flat, options);
  return { params: diagnostics.accepted ? unflattenParams(theta, paramShapes(params)) : params.map((p) => p.clone()), diagnostics };
}

/**
 * {@link trpoUpdate} on a flat problem. @returns the new θ [P] (`problem.theta` itself when no step was
 * accepted) and the diagnostics.
 */
export async function trpoStep(problem: FlatTrpoProblem, options: TrpoOptions = {}): Promise<{ theta: Float32Array; diagnostics: TrpoDiagnostics }> {
  const o = resolveOptions(options);
  const { value: lossBefore, grad } = await problem.lossAndGradient();
  const hvp = problem.fisherVectorProduct;
  const cg = await conjugateGradient(hvp, grad.map((g) => -g), { iterations: o.cgIterations, residualTol: o.cgResidualTol, damping: o.cgDamping });
  const stepSize = Math.sqrt((2 * o.maxKl) / dot(cg.x, await dampedProduct(hvp, cg.x, o.cgDamping)));
  const base = { lossBefore, stepSize, cgIterations: cg.iterations, cgResidual: cg.residualNorm };
  const keepOld = (d: Omit<TrpoDiagnostics, 'accepted' | 'kl' | 'lossAfter'>) => ({ theta: problem.theta, diagnostics: { ...d, accepted: false, kl: 0, lossAfter: d.lossBefore } });
  if (!(Number.isFinite(stepSize) && stepSize > 0)) return keepOld({ ...base, expectedImprovement: 0, backtracks: 0 });
  const fullStep = cg.x.map((s) => s * stepSize);
  const expectedImprovement = -dot(grad, fullStep);
  const found = await lineSearch(problem, fullStep, lossBefore, o);
  if (found === null) return keepOld({ ...base, expectedImprovement, backtracks: o.maxBacktracks });
  const { theta, ...rest } = found;
  return { theta, diagnostics: { ...base, expectedImprovement, accepted: true, ...rest } };
}

/** An accepted line-search point. */
interface LineSearchHit {
  theta: Float32Array;
  backtracks: number;
  kl: number;
  lossAfter: number;
}

/** First θ + ratio^k·step (k = 0..maxBacktracks−1) that lowers the loss with mean KL ≤ δ, or null. */
async function lineSearch(problem: FlatTrpoProblem, step: Float32Array, lossBefore: number, o: Required<TrpoOptions>): Promise<LineSearchHit | null> {
  for (let k = 0; k < o.maxBacktracks; k++) {
    const frac = o.backtrackRatio ** k;
    const candidate = problem.theta.map((t, i) => t + frac * step[i]);
    const { loss, kl } = await problem.lossAndKl(candidate);
    if (loss < lossBefore && kl <= o.maxKl) return { theta: candidate, backtracks: k, kl, lossAfter: loss };
  }
  return null;
}

/** Loss and mean KL at a flat parameter vector. */
async function evaluate(problem: TrpoProblem, theta: Float32Array): Promise<{ loss: number; kl: number }> {
  const [loss, kl] = await tidyFlat(() => {
    const ps = unflattenParams(theta, paramShapes(problem.params));
    return [problem.loss(ps), problem.kl(ps)];
  });
  return { loss, kl };
}

/** Loss value and flat gradient [P] of `loss` at `params` (tensors of any shapes). */
export async function lossAndGradient(loss: ParamFn, params: tf.Tensor[]): Promise<{ value: number; grad: Float32Array }> {
  const flat = await tidyFlat(() => {
    const { value, grads } = tf.engine().gradients(() => loss(params), params, undefined, true);
    return [value, ...grads.map((g, i) => g ?? tf.zerosLike(params[i]))];
  });
  return { value: flat[0], grad: flat.subarray(1) };
}

/** Gradients of `f()` with respect to `xs`, zeros for the ones it does not depend on. */
function gradientsOrZeros(f: () => tf.Scalar, xs: tf.Tensor[]): tf.Tensor[] {
  const { grads } = tf.engine().gradients(f, xs, undefined, true);
  return grads.map((g, i) => g ?? tf.zerosLike(xs[i]));
}

function assertGradientsRegistered(fn: string): void {
  if (tf.getGradient('Multiply') == null) {
    throw new Error(`${fn}: no TF.js gradients are registered; call initBackend() (agents/backend.ts) or enableHigherOrderGradients() (agents/higher-order-grad.ts) first.`);
  }
}

function resolveOptions(options: TrpoOptions): Required<TrpoOptions> {
  const o: Required<TrpoOptions> = {
    maxKl: options.maxKl ?? 0.01,
    cgIterations: options.cgIterations ?? 10,
    cgDamping: options.cgDamping ?? 1e-5,
    cgResidualTol: options.cgResidualTol ?? 1e-10,
    maxBacktracks: options.maxBacktracks ?? 15,
    backtrackRatio: options.backtrackRatio ?? 0.5,
    subsampleFactor: options.subsampleFactor ?? 1,
  };
  if (!(o.maxKl > 0)) throw new Error(`trpoUpdate: maxKl must be > 0, got ${o.maxKl}.`);
  if (!(o.cgDamping >= 0)) throw new Error(`trpoUpdate: cgDamping must be >= 0, got ${o.cgDamping}.`);
  if (!(Number.isInteger(o.maxBacktracks) && o.maxBacktracks >= 1)) {
    throw new Error(`trpoUpdate: maxBacktracks must be an integer >= 1, got ${o.maxBacktracks}.`);
  }
  if (!(o.backtrackRatio > 0 && o.backtrackRatio < 1)) {
    throw new Error(`trpoUpdate: backtrackRatio must lie in (0, 1), got ${o.backtrackRatio}.`);
  }
  if (!(o.subsampleFactor > 0 && o.subsampleFactor <= 1)) {
    throw new Error(`trpoUpdate: subsampleFactor must lie in (0, 1], got ${o.subsampleFactor}.`);
  }
  return o;
}

/** A {@link FlatTrpoProblem} over the tail of the parameters, the head held fixed; `expand` puts the head back. */
export interface RestrictedTrpoProblem extends FlatTrpoProblem {
  /** The full parameter vector [P] with the fixed head and the given tail [P − head]. */
  expand(tail: Float32Array): Float32Array;
}

/**
 * `problem` restricted to its parameters from index `head` on (the first `head` held at θ_old): its gradient is the
 * tail of the full gradient, its Fisher-vector product the tail of H·[0, v] (the tail block of the Hessian), its
 * trials the full ones at [θ_old head, tail]. TRPO on it is TRPO over the tail alone.
 */
export function restrictToTail(problem: FlatTrpoProblem, head: number): RestrictedTrpoProblem {
  const expand = (tail: Float32Array): Float32Array => {
    const full = problem.theta.slice();
    full.set(tail, head);
    return full;
  };
  return {
    theta: problem.theta.slice(head),
    expand,
    lossAndGradient: async () => {
      const { value, grad } = await problem.lossAndGradient();
      return { value, grad: grad.slice(head) };
    },
    fisherVectorProduct: async (v) => {
      const padded = new Float32Array(problem.theta.length);
      padded.set(v, head);
      return (await problem.fisherVectorProduct(padded)).slice(head);
    },
    lossAndKl: (tail) => problem.lossAndKl(expand(tail)),
  };
}
