/**
 * The linear feature baseline used with MAML (Duan et al. 2016; garage `LinearFeatureBaseline`): a state-value
 * estimate subtracted from returns, by ridge regression of returns on per-step features, solved in float64 with a
 * Cholesky factorisation. (RL2 learns its value head with the policy: agents/meta/rl2-loss.ts.)
 */

/** One path (episode) as the baseline sees it. */
export interface BaselinePath {
  /** Observations [T*obsDim], row-major. */
  obs: Float32Array;
  /** Discounted returns [T]. */
  returns: ArrayLike<number>;
}

/** A fitted linear feature baseline. */
export interface LinearBaseline {
  obsDim: number;
  /** Observations are clipped to ±clip before featurising. */
  clip: number;
  /** Coefficients [2*obsDim + 4], in feature order. */
  coeffs: Float64Array;
  /** The ridge coefficient finally used (the requested one, ×10 per retry). */
  regCoeff: number;
}

/** Options for {@link fitLinearBaseline}. */
export interface LinearBaselineOptions {
  /** Initial ridge coefficient λ (default 1e-5, as garage). Must be > 0. */
  regCoeff?: number;
  /** Observation clip (default 10). */
  clip?: number;
  /** Attempts, multiplying λ by 10 after each failed factorisation (default 5). */
  maxTries?: number;
}

/** Number of features per time step for `obsDim`-dimensional observations. */
export function linearFeatureDim(obsDim: number): number {
  return 2 * obsDim + 4;
}

/**
 * Per-step features of one path: [o, o², t/100, (t/100)², (t/100)³, 1] with o = clip(obs, ±clip), t = 0..T−1.
 * @param obs [T*obsDim]. @returns [T*(2*obsDim + 4)], row-major.
 */
export function linearBaselineFeatures(obs: ArrayLike<number>, obsDim: number, clip = 10): Float64Array {
  const T = obs.length / obsDim;
  if (!Number.isInteger(T)) throw new Error(`linearBaselineFeatures: obs has ${obs.length} values, not a multiple of obsDim ${obsDim}.`);
  const d = linearFeatureDim(obsDim);
  const out = new Float64Array(T * d);
  for (let t = 0; t < T; t++) {
    const row = t * d;
    for (let j = 0; j < obsDim; j++) {
      const o = Math.min(clip, Math.max(-clip, obs[t * obsDim + j]));
      out[row + j] = o;
      out[row + obsDim + j] = o * o;
    }
    const s = t / 100;
    out.set([s, s * s, s * s * s, 1], row + 2 * obsDim);
  }
  return out;
}

/** Accumulate FᵀF [d*d] and Fᵀy [d] over all paths. */
function normalEquations(paths: readonly BaselinePath[], obsDim: number, clip: number): { gram: Float64Array; rhs: Float64Array } {
  const d = linearFeatureDim(obsDim);
  const gram = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  for (const path of paths) {
    const f = linearBaselineFeatures(path.obs, obsDim, clip);
    if (path.returns.length * d !== f.length) throw new Error(`fitLinearBaseline: a path has ${f.length / d} observations but ${path.returns.length} returns.`);
    for (let t = 0; t < path.returns.length; t++) {
      const row = t * d;
      for (let i = 0; i < d; i++) {
        const fi = f[row + i];
        rhs[i] += fi * path.returns[t];
        for (let j = 0; j <= i; j++) gram[i * d + j] += fi * f[row + j];
      }
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) gram[j * d + i] = gram[i * d + j];
  return { gram, rhs };
}

/**
 * Cholesky factor L (lower, row-major [d*d]) of a symmetric matrix, or null when a pivot is not clearly
 * positive (below d·ε·max diagonal, i.e. within rounding of singular) or not finite.
 */
export function cholesky(a: Float64Array, d: number): Float64Array | null {
  let maxDiag = 0;
  for (let i = 0; i < d; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * d + i]));
  const tol = d * Number.EPSILON * maxDiag;
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > tol) || !Number.isFinite(s)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  return l;
}

/** Solve L Lᵀ x = b given the Cholesky factor L [d*d]. @returns x [d]. */
export function choleskySolve(l: Float64Array, b: ArrayLike<number>, d: number): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * y[k];
    y[i] = s / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
    x[i] = s / l[i * d + i];
  }
  return x;
}

/** (FᵀF + λI) with λ added to the diagonal of a copy of `gram`. */
function ridged(gram: Float64Array, d: number, reg: number): Float64Array {
  const a = Float64Array.from(gram);
  for (let i = 0; i < d; i++) a[i * d + i] += reg;
  return a;
}

/**
 * Fit the linear feature baseline: coeffs = (FᵀF + λI)⁻¹ Fᵀy over all steps of all paths, retrying with
 * λ×10 when the system is numerically singular (as garage does on NaN).
 * @throws when every attempt fails (non-finite observations or returns).
 */
export function fitLinearBaseline(paths: readonly BaselinePath[], obsDim: number, opts: LinearBaselineOptions = {}): LinearBaseline {
  const clip = opts.clip ?? 10;
  let reg = opts.regCoeff ?? 1e-5;
  if (!(reg > 0)) throw new Error(`fitLinearBaseline: regCoeff must be > 0, got ${reg}.`);
  const d = linearFeatureDim(obsDim);
  const { gram, rhs } = normalEquations(paths, obsDim, clip);
  for (let attempt = 0; attempt < (opts.maxTries ?? 5); attempt++, reg *= 10) {
    const l = cholesky(ridged(gram, d, reg), d);
    const coeffs = l && choleskySolve(l, rhs, d);
    if (coeffs && coeffs.every(Number.isFinite)) return { obsDim, clip, coeffs, regCoeff: reg };
  }
  throw new Error(`fitLinearBaseline: the least-squares system stayed singular up to regCoeff ${reg / 10}; check paths for NaN or infinite returns.`);
}

/** Baseline values of one path's steps. @param obs [T*obsDim]. @returns [T]. */
export function predictLinearBaseline(model: LinearBaseline, obs: ArrayLike<number>): Float32Array {
  const f = linearBaselineFeatures(obs, model.obsDim, model.clip);
  const d = model.coeffs.length;
  const out = new Float32Array(f.length / d);
  for (let t = 0; t < out.length; t++) {
    let v = 0;
    for (let i = 0; i < d; i++) v += f[t * d + i] * model.coeffs[i];
    out[t] = v;
  }
  return out;
}
