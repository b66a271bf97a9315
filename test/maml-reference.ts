/**
 * A float64 plain-JS reference of the MAML objective (agents/meta/maml-objective.ts) for a tanh MLP
 * diagonal-Gaussian policy: hand-written backprop of the inner VPG loss, the inner SGD steps, the outer
 * likelihood-ratio surrogate, and its meta-gradient by central differences (eps 1e-6, error ~1e-9).
 * Used by test/maml.test.ts to check the TF.js (float32) meta-gradient. Every inner step size `lr` may also be
 * per-parameter step sizes α (a {@link Params64} of θ's shapes, Meta-SGD): the step is then θ − α ⊙ ∇L_in
 * (test/meta-sgd.test.ts), or an LSTM optimizer (test/lstm-optimizer-reference.ts): θ + m_ω(∇L_in, state), its
 * state carried across the inner steps (test/lstm-optimizer.test.ts).
 */
import { Rng } from '../envs/rng.js';
import { lstmStep64, type LstmRule64, type LstmState64 } from './lstm-optimizer-reference.js';

/** Parameters as in gaussianPolicyInit: per layer W [in*out] (row-major) then b [out], then logStd [A]. */
export type Params64 = Float64Array[];

/** An inner step: a scalar α, per-parameter step sizes α (Meta-SGD, shapes of the parameters), or an LSTM optimizer. */
export type StepSize64 = number | Params64 | LstmRule64;

/** N samples: obs [N*obsDim], actions [N*A], advantages [N]; logpOld [N] for outer batches. */
export interface Batch64 {
  obs: Float64Array;
  actions: Float64Array;
  adv: Float64Array;
  logpOld?: Float64Array;
}

/** One task: one inner batch per inner step, and an outer batch (with logpOld). */
export interface Task64 {
  inner: Batch64[];
  outer: Batch64;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const f32 = (n: number, draw: () => number): Float64Array => Float64Array.from({ length: n }, () => Math.fround(draw()));

/** The tensor shapes of {@link Params64} for layer `sizes`: [in, out] and [out] per layer, then [A]. */
export function shapes64(sizes: number[]): number[][] {
  const shapes: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) shapes.push([sizes[l], sizes[l + 1]], [sizes[l + 1]]);
  return [...shapes, [sizes[sizes.length - 1]]];
}

/** max |got − want| / max |want|: an error relative to the reference's scale. */
export function scaledError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let [scale, err] = [0, 0];
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  return err / scale;
}

/** Seeded float32-representable parameters for layer `sizes` ([in, ...hidden, out]). */
export function initParams64(seed: number, sizes: number[]): Params64 {
  const rng = Rng.fromSeed(seed);
  const params: Params64 = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    params.push(f32(sizes[l] * sizes[l + 1], () => rng.normal(0, 1.2 / Math.sqrt(sizes[l]))));
    params.push(f32(sizes[l + 1], () => rng.normal(0, 0.3)));
  }
  params.push(f32(sizes[sizes.length - 1], () => rng.uniform(-0.5, 0.2)));
  return params;
}

/** A seeded float32-representable batch of n samples (no logpOld). */
export function makeBatch64(seed: number, n: number, obsDim: number, actDim: number): Batch64 {
  const rng = Rng.fromSeed(seed);
  return { obs: f32(n * obsDim, () => rng.normal()), actions: f32(n * actDim, () => rng.normal(0, 0.8)), adv: f32(n, () => rng.normal()) };
}

/** Layer activations [x, h1, ..., mean] (hidden tanh, output linear), each [N * size]. */
export function mlpForward64(p: Params64, sizes: number[], obs: Float64Array): Float64Array[] {
  const n = obs.length / sizes[0];
  const hs = [obs];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [a, b, w, bias, h] = [sizes[l], sizes[l + 1], p[2 * l], p[2 * l + 1], hs[l]];
    const out = new Float64Array(n * b);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < b; j++) {
        let z = bias[j];
        for (let k = 0; k < a; k++) z += h[i * a + k] * w[k * b + j];
        out[i * b + j] = l + 2 < sizes.length ? Math.tanh(z) : z;
      }
    }
    hs.push(out);
  }
  return hs;
}

/** log π(a|s) per sample, [N]. */
export function logProb64(p: Params64, sizes: number[], batch: Batch64): Float64Array {
  const hs = mlpForward64(p, sizes, batch.obs);
  const mean = hs[hs.length - 1];
  const logStd = p[p.length - 1];
  const d = logStd.length;
  return Float64Array.from({ length: batch.adv.length }, (_, i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += -0.5 * ((batch.actions[i * d + j] - mean[i * d + j]) / Math.exp(logStd[j])) ** 2 - logStd[j] - HALF_LOG_2PI;
    return s;
  });
}

/** ∇ of the VPG loss −mean(log π(a|s)·A) w.r.t. every parameter, by backprop. */
export function vpgGrad64(p: Params64, sizes: number[], batch: Batch64): Params64 {
  const n = batch.adv.length;
  const hs = mlpForward64(p, sizes, batch.obs);
  const mean = hs[hs.length - 1];
  const logStd = p[p.length - 1];
  const d = logStd.length;
  const grad: Params64 = p.map((a) => new Float64Array(a.length));
  let delta = new Float64Array(n * d); // dL/d(layer pre-activation), starting with dL/dmean
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const sigma = Math.exp(logStd[j]);
      const z = (batch.actions[i * d + j] - mean[i * d + j]) / sigma;
      delta[i * d + j] = (-batch.adv[i] * z) / sigma / n;
      grad[p.length - 1][j] += (-batch.adv[i] * (z * z - 1)) / n;
    }
  }
  for (let l = sizes.length - 2; l >= 0; l--) {
    const [a, b, w, h] = [sizes[l], sizes[l + 1], p[2 * l], hs[l]];
    const below = new Float64Array(n * a);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < b; j++) {
        grad[2 * l + 1][j] += delta[i * b + j];
        for (let k = 0; k < a; k++) {
          grad[2 * l][k * b + j] += h[i * a + k] * delta[i * b + j];
          below[i * a + k] += w[k * b + j] * delta[i * b + j];
        }
      }
    }
    if (l > 0) for (let q = 0; q < below.length; q++) below[q] *= 1 - h[q] * h[q];
    delta = below;
  }
  return grad;
}

/**
 * θ' after one inner step per batch: θ − lr ∇L_in, θ − α ⊙ ∇L_in, or θ + m_ω(∇L_in, state) with an LSTM optimizer.
 * @param fixedGrads first order with a learned rule: step along these constant gradients after `batches`.
 */
export function adapt64(p: Params64, sizes: number[], batches: Batch64[], lr: StepSize64, fixedGrads: Params64[] = []): Params64 {
  let theta = p;
  let state: LstmState64 | undefined;
  const step = (g: Params64): void => {
    if (typeof lr === 'number' || Array.isArray(lr)) {
      theta = theta.map((t, i) => t.map((v, k) => v - (typeof lr === 'number' ? lr : lr[i][k]) * g[i][k]));
      return;
    }
    const out = lstmStep64(lr, g.flatMap((a) => Array.from(a)), state);
    state = out.state;
    let offset = 0;
    theta = theta.map((t) => t.map((v) => v + out.update[offset++]));
  };
  for (const batch of batches) step(vpgGrad64(theta, sizes, batch));
  fixedGrads.forEach(step);
  return theta;
}

/** The inner gradients ∇L_in(θ^{(j)}; D_j) along the inner steps' trajectory, one list per step. */
export function innerGrads64(p: Params64, sizes: number[], batches: Batch64[], lr: StepSize64): Params64[] {
  return batches.map((batch, j) => vpgGrad64(adapt64(p, sizes, batches.slice(0, j), lr), sizes, batch));
}

/** ∇ of the outer surrogate −mean(exp(log π_p(a|s) − logpOld)·A) w.r.t. `p` (the adapted parameters), by backprop. */
export function surrogateGrad64(p: Params64, sizes: number[], outer: Batch64): Params64 {
  const logp = logProb64(p, sizes, outer);
  const adv = outer.adv.map((a, i) => Math.exp(logp[i] - (outer.logpOld as Float64Array)[i]) * a);
  return vpgGrad64(p, sizes, { ...outer, adv });
}

/** L_out(θ) = mean over tasks of −mean(exp(log π_θ'(a|s) − logpOld)·A'). */
export function outerLoss64(p: Params64, sizes: number[], tasks: Task64[], lr: StepSize64): number {
  let total = 0;
  for (const task of tasks) {
    const logp = logProb64(adapt64(p, sizes, task.inner, lr), sizes, task.outer);
    const o = task.outer;
    total += -logp.reduce((s, lp, i) => s + Math.exp(lp - (o.logpOld as Float64Array)[i]) * o.adv[i], 0) / logp.length;
  }
  return total / tasks.length;
}

/** The adapted policy that sampled each task's outer batch: means [N*A] and logStd [A], rounded to float32. */
export interface OldPolicy64 {
  mean: Float64Array;
  logStd: Float64Array;
}

/** The policy `p` on observations `obs` as a fixed π_old: its means [N*A] and logStd [A], rounded to float32. */
export function policyDist64(p: Params64, sizes: number[], obs: Float64Array): OldPolicy64 {
  const hs = mlpForward64(p, sizes, obs);
  return { mean: hs[hs.length - 1].map(Math.fround), logStd: p[p.length - 1].map(Math.fround) };
}

/** π_old per task: θ'(θ0)'s means on the outer observations and its logStd. */
export function oldPolicies64(p0: Params64, sizes: number[], tasks: Task64[], lr: StepSize64): OldPolicy64[] {
  return tasks.map((task) => policyDist64(adapt64(p0, sizes, task.inner, lr), sizes, task.outer.obs));
}

/** mean over the observations of KL(π_old ‖ π_p), summed over action dims. */
export function meanKl64(p: Params64, sizes: number[], obs: Float64Array, old: OldPolicy64): number {
  const hs = mlpForward64(p, sizes, obs);
  const [mean, logStd] = [hs[hs.length - 1], p[p.length - 1]];
  const d = logStd.length;
  let kl = 0;
  for (let q = 0; q < mean.length; q++) {
    const [lo, ln] = [old.logStd[q % d], logStd[q % d]];
    kl += ln - lo + (Math.exp(2 * lo) + (old.mean[q] - mean[q]) ** 2) / (2 * Math.exp(2 * ln)) - 0.5;
  }
  return kl / (mean.length / d);
}

/** Mean over tasks of mean KL(π_old ‖ π_θ'(θ)) on the outer observations, summed over action dims. */
export function outerKl64(p: Params64, sizes: number[], tasks: Task64[], lr: StepSize64, olds: OldPolicy64[]): number {
  return tasks.reduce((s, task, t) => s + meanKl64(adapt64(p, sizes, task.inner, lr), sizes, task.outer.obs, olds[t]), 0) / tasks.length;
}

/** ∇f by central differences in every parameter (float64, eps 1e-6), flattened in parameter order. */
export function gradFd64(f: (p: Params64) => number, p: Params64): number[] {
  const eps = 1e-6;
  const out: number[] = [];
  p.forEach((arr, i) => {
    arr.forEach((v, k) => {
      const at = (x: number): number => f(p.map((q, j) => (j === i ? q.map((u, m) => (m === k ? x : u)) : q)));
      out.push((at(v + eps) - at(v - eps)) / (2 * eps));
    });
  });
  return out;
}

/** ∇ L_out by central differences (float64). */
export function metaGradFd64(p: Params64, sizes: number[], tasks: Task64[], lr: StepSize64): number[] {
  return gradFd64((q) => outerLoss64(q, sizes, tasks, lr), p);
}

/**
 * Hessian-vector product H_f(p)·v by central differences of {@link gradFd64} along v (eps 1e-4): truncation
 * ~1e-8, rounding ~1e-16 / (1e-6 · 1e-4) ~ 1e-6 absolute.
 * @param v flat direction [P].
 */
export function hvpFd64(f: (p: Params64) => number, p: Params64, v: ArrayLike<number>): number[] {
  const eps = 1e-4;
  const shifted = (sign: number): Params64 => {
    let offset = 0;
    return p.map((arr) => {
      const out = arr.map((x, k) => x + sign * eps * v[offset + k]);
      offset += arr.length;
      return out;
    });
  };
  const plus = gradFd64(f, shifted(1));
  const minus = gradFd64(f, shifted(-1));
  return plus.map((g, i) => (g - minus[i]) / (2 * eps));
}
