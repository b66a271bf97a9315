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
import { flattenParams, paramCount, paramShapes, unflattenParams } from './nets.js';

/** A scalar function of a parameter list (a loss, a mean KL). Must not dispose its inputs. */
export type ParamFn = (params: tf.Tensor[]) => tf.Scalar;

/** A matrix-free symmetric linear operator v [P] -> Hv [P]. */
export type Hvp = (v: Float32Array) => Float32Array;

/** Conjugate-gradient options. */
export interface CgOptions {
  /** Maximum iterations (default 10). CG is exact after P iterations in exact arithmetic. */
  iterations?: number;
  /** Stop when the residual norm ‖b − (H + λI)x‖₂ (CG's recursive estimate) is at most this (default 1e-10). */
  residualTol?: number;
  /** Damping λ: solve (H + λI)x = b (default 0). */
  damping?: number;
}

/** Conjugate-gradient result. */
export interface CgResult {
  /** Approximate solution x, [P]. */
  x: Float32Array;
  /** Iterations run (each costs one HVP). */
  iterations: number;
  /** Final residual norm (recursive estimate). */
  residualNorm: number;
}

/**
 * Solve (H + λI)x = b by conjugate gradient from x = 0, for symmetric positive-definite H given only through
 * `hvp`. Accumulates in float64. Stops early on the residual tolerance, or if a direction has non-positive
 * curvature (H not positive definite along it), returning the iterate so far.
 * @param b right-hand side, [P].
 */
export function conjugateGradient(hvp: Hvp, b: Float32Array, options: CgOptions = {}): CgResult {
  const iterations = options.iterations ?? 10;
  const tol = options.residualTol ?? 1e-10;
  const damping = options.damping ?? 0;
  const x = new Float64Array(b.length);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  let k = 0;
  for (; k < iterations && Math.sqrt(rr) > tol; k++) {
    const hp = dampedProduct(hvp, p, damping);
    const pHp = dot(p, hp);
    if (!(pHp > 0)) break;
    const alpha = rr / pHp;
    addScaled(x, alpha, p);
    addScaled(r, -alpha, hp);
    const rrNext = dot(r, r);
    const beta = rrNext / rr;
    for (let i = 0; i < p.length; i++) p[i] = r[i] + beta * p[i];
    rr = rrNext;
  }
  return { x: Float32Array.from(x), iterations: k, residualNorm: Math.sqrt(rr) };
}

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
  return (v) => {
    if (v.length !== size) throw new Error(`hessianVectorProduct: v has length ${v.length}; expected the parameter count ${size}.`);
    return tf.tidy(() => {
      const vs = unflattenParams(v, paramShapes(params));
      const gradDotV = (): tf.Scalar => tf.addN(gradientsOrZeros(() => f(params), params).map((g, i) => tf.sum(tf.mul(g, vs[i]))));
      return flattenParams(gradientsOrZeros(gradDotV, params));
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
export function trpoUpdate(problem: TrpoProblem, options: TrpoOptions = {}): TrpoResult {
  assertGradientsRegistered('trpoUpdate');
  const o = resolveOptions(options);
  const { params } = problem;
  const { value: lossBefore, grad } = lossAndGradient(problem.loss, params);
  const hvp = hessianVectorProduct(problem.kl, params);
  const cg = conjugateGradient(hvp, grad.map((g) => -g), { iterations: o.cgIterations, residualTol: o.cgResidualTol, damping: o.cgDamping });
  const stepSize = Math.sqrt((2 * o.maxKl) / dot(cg.x, dampedProduct(hvp, cg.x, o.cgDamping)));
  const base = { lossBefore, stepSize, cgIterations: cg.iterations, cgResidual: cg.residualNorm };
  if (!(Number.isFinite(stepSize) && stepSize > 0)) {
    return keepOld(params, { ...base, expectedImprovement: 0, backtracks: 0 });
  }
  const fullStep = cg.x.map((s) => s * stepSize);
  const expectedImprovement = -dot(grad, fullStep);
  const found = lineSearch(problem, flattenParams(params), fullStep, lossBefore, o);
  if (found === null) return keepOld(params, { ...base, expectedImprovement, backtracks: o.maxBacktracks });
  const { theta, ...rest } = found;
  return { params: unflattenParams(theta, paramShapes(params)), diagnostics: { ...base, expectedImprovement, accepted: true, ...rest } };
}

/** An accepted line-search point. */
interface LineSearchHit {
  theta: Float32Array;
  backtracks: number;
  kl: number;
  lossAfter: number;
}

/** First θ + ratio^k·step (k = 0..maxBacktracks−1) that lowers the loss with mean KL ≤ δ, or null. */
function lineSearch(
  problem: TrpoProblem,
  theta: Float32Array,
  step: Float32Array,
  lossBefore: number,
  o: Required<TrpoOptions>,
): LineSearchHit | null {
  for (let k = 0; k < o.maxBacktracks; k++) {
    const frac = o.backtrackRatio ** k;
    const candidate = theta.map((t, i) => t + frac * step[i]);
    const { loss, kl } = evaluate(problem, candidate);
    if (loss < lossBefore && kl <= o.maxKl) return { theta: candidate, backtracks: k, kl, lossAfter: loss };
  }
  return null;
}

/** Loss and mean KL at a flat parameter vector. */
function evaluate(problem: TrpoProblem, theta: Float32Array): { loss: number; kl: number } {
  return tf.tidy(() => {
    const ps = unflattenParams(theta, paramShapes(problem.params));
    return { loss: problem.loss(ps).dataSync()[0], kl: problem.kl(ps).dataSync()[0] };
  });
}

/** Loss value and flat gradient [P] at `params`. */
function lossAndGradient(loss: ParamFn, params: tf.Tensor[]): { value: number; grad: Float32Array } {
  return tf.tidy(() => {
    const { value, grads } = tf.engine().gradients(() => loss(params), params, undefined, true);
    return { value: value.dataSync()[0], grad: flattenParams(grads.map((g, i) => g ?? tf.zerosLike(params[i]))) };
  });
}

/** Gradients of `f()` with respect to `xs`, zeros for the ones it does not depend on. */
function gradientsOrZeros(f: () => tf.Scalar, xs: tf.Tensor[]): tf.Tensor[] {
  const { grads } = tf.engine().gradients(f, xs, undefined, true);
  return grads.map((g, i) => g ?? tf.zerosLike(xs[i]));
}

function keepOld(params: tf.Tensor[], d: Omit<TrpoDiagnostics, 'accepted' | 'kl' | 'lossAfter'>): TrpoResult {
  return { params: params.map((p) => p.clone()), diagnostics: { ...d, accepted: false, kl: 0, lossAfter: d.lossBefore } };
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
  };
  if (!(o.maxKl > 0)) throw new Error(`trpoUpdate: maxKl must be > 0, got ${o.maxKl}.`);
  if (!(o.cgDamping >= 0)) throw new Error(`trpoUpdate: cgDamping must be >= 0, got ${o.cgDamping}.`);
  if (!(Number.isInteger(o.maxBacktracks) && o.maxBacktracks >= 1)) {
    throw new Error(`trpoUpdate: maxBacktracks must be an integer >= 1, got ${o.maxBacktracks}.`);
  }
  if (!(o.backtrackRatio > 0 && o.backtrackRatio < 1)) {
    throw new Error(`trpoUpdate: backtrackRatio must lie in (0, 1), got ${o.backtrackRatio}.`);
  }
  return o;
}

/** (H + λI)p through the operator, in float64. */
function dampedProduct(hvp: Hvp, p: ArrayLike<number>, damping: number): Float64Array {
  const hp = hvp(Float32Array.from(p));
  if (hp.length !== p.length) throw new Error(`conjugateGradient: hvp returned ${hp.length} values for a vector of ${p.length}.`);
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = hp[i] + damping * p[i];
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function addScaled(y: Float64Array, alpha: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}
