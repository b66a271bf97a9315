/**
 * Conjugate gradient for (H + λI)x = b with H given only through a matrix-free product v -> Hv, and the small
 * float64 vector helpers TRPO uses. Vectors are flat arrays [P]; products come back as Float32Array [P].
 */

/** A matrix-free symmetric linear operator v [P] -> Hv [P] (asynchronous: products are read back from tensors). */
export type Hvp = (v: Float32Array) => Promise<Float32Array>;

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
export async function conjugateGradient(hvp: Hvp, b: Float32Array, options: CgOptions = {}): Promise<CgResult> {
  const iterations = options.iterations ?? 10;
  const tol = options.residualTol ?? 1e-10;
  const damping = options.damping ?? 0;
  const x = new Float64Array(b.length);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  let k = 0;
  for (; k < iterations && Math.sqrt(rr) > tol; k++) {
    const hp = await dampedProduct(hvp, p, damping);
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

/** (H + λI)p through the operator, in float64 [P]. */
export async function dampedProduct(hvp: Hvp, p: ArrayLike<number>, damping: number): Promise<Float64Array> {
  const hp = await hvp(Float32Array.from(p));
  if (hp.length !== p.length) throw new Error(`conjugateGradient: hvp returned ${hp.length} values for a vector of ${p.length}.`);
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = hp[i] + damping * p[i];
  return out;
}

/** aᵀb in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function addScaled(y: Float64Array, alpha: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}
