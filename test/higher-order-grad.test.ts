/**
 * Second-order gradients through TF.js (agents/higher-order-grad.ts) on cpu and wasm: analytic second derivatives,
 * a MAML meta-gradient (one and two inner SGD steps) against central differences of a float64 plain-JS reference,
 * proof that stock tfjs and first-order MAML get it wrong, bit-identical first-order gradients, no tensor leaks.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend } from '../agents/backend.js';
import {
  disableHigherOrderGradients,
  enableHigherOrderGradients,
  higherOrderGradientsEnabled,
} from '../agents/higher-order-grad.js';
import { Rng } from '../envs/rng.js';
import { mlpForward64, scaledError, type Params64 } from './maml-reference.js';

// ---------------------------------------------------------------------------------------------------------------
// Elementwise second derivatives vs analytic values.

const sig = (x: number): number => 1 / (1 + Math.exp(-x));
const MIXED = [-2.1, -0.7, -0.05, 0.3, 1.1, 2.4];
const POSITIVE = [0.2, 0.6, 1.3, 2.5, 4.0];

interface Case {
  name: string;
  f: (x: tf.Tensor) => tf.Tensor;
  d2: (x: number) => number;
  xs: number[];
}

const CASES: Case[] = [
  { name: 'tanh', f: tf.tanh, d2: (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2), xs: MIXED },
  { name: 'sigmoid', f: tf.sigmoid, d2: (x) => sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)), xs: MIXED },
  { name: 'exp', f: tf.exp, d2: Math.exp, xs: MIXED },
  { name: 'log', f: tf.log, d2: (x) => -1 / (x * x), xs: POSITIVE },
  { name: 'sqrt', f: tf.sqrt, d2: (x) => -0.25 * x ** -1.5, xs: POSITIVE },
  { name: 'softplus', f: tf.softplus, d2: (x) => sig(x) * (1 - sig(x)), xs: MIXED },
  { name: 'square', f: tf.square, d2: () => 2, xs: MIXED },
  {
    name: 'exp(tanh(x))',
    f: (x) => tf.exp(tf.tanh(x)),
    d2: (x) => {
      const t = Math.tanh(x);
      return Math.exp(t) * (1 - t * t) * (1 - t * t - 2 * t);
    },
    xs: MIXED,
  },
  {
    name: 'x·sigmoid(x)',
    f: (x) => tf.mul(x, tf.sigmoid(x)),
    d2: (x) => sig(x) * (1 - sig(x)) * (2 + x * (1 - 2 * sig(x))),
    xs: MIXED,
  },
];

/** d²/dx² f(x) elementwise, by nested tf.grad: [n] -> [n]. */
function secondDerivative(f: Case['f'], xs: number[]): Float32Array {
  return tf.tidy(() => {
    const d1 = (x: tf.Tensor): tf.Tensor => tf.grad((y: tf.Tensor) => tf.sum(f(y)))(x);
    return tf.grad((x: tf.Tensor) => tf.sum(d1(x)))(tf.tensor1d(xs)).dataSync() as Float32Array;
  });
}

/** Worst |got - want| / (1 + |want|). */
function worstRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return worst;
}

// ---------------------------------------------------------------------------------------------------------------
// A softmax / logSoftmax Hessian-vector product vs central differences of a float64 analytic gradient.

const LOGITS = [0.4, -1.2, 2.0, 0.1, -0.3];
const WEIGHTS = [0.7, -0.2, 0.5, 1.3, -0.9];
const DIRECTION = [0.3, -0.5, 0.8, 0.1, -0.6];

/** ∇ of f(x) = Σ w·logSoftmax(x) + Σ softmax(x)², in float64: [5] -> [5]. */
function softmaxObjectiveGrad64(x: number[]): number[] {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const z = e.reduce((s, v) => s + v, 0);
  const p = e.map((v) => v / z);
  const wSum = WEIGHTS.reduce((s, v) => s + v, 0);
  const pp = p.reduce((s, v) => s + v * v, 0);
  return p.map((pi, i) => WEIGHTS[i] - pi * wSum + 2 * pi * (pi - pp));
}

/** H·v for the objective above by nested tf.grad: [5]. */
function softmaxHvpTf(): Float32Array {
  return tf.tidy(() => {
    const w = tf.tensor1d(WEIGHTS);
    const v = tf.tensor1d(DIRECTION);
    const f = (x: tf.Tensor): tf.Tensor => tf.add(tf.sum(tf.mul(w, tf.logSoftmax(x))), tf.sum(tf.square(tf.softmax(x))));
    const gv = (x: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.grad(f)(x), v));
    return tf.grad(gv)(tf.tensor1d(LOGITS)).dataSync() as Float32Array;
  });
}

function softmaxHvp64(): number[] {
  const eps = 1e-6;
  const plus = softmaxObjectiveGrad64(LOGITS.map((x, i) => x + eps * DIRECTION[i]));
  const minus = softmaxObjectiveGrad64(LOGITS.map((x, i) => x - eps * DIRECTION[i]));
  return plus.map((p, i) => (p - minus[i]) / (2 * eps));
}

// ---------------------------------------------------------------------------------------------------------------
// MAML on a 3-8-8-2 tanh MLP Gaussian policy with a likelihood-weighted (policy-gradient style) loss.

const SIZES = [3, 8, 8, 2];
const LOG_STD = [-0.3, 0.1];
const ALPHA = 0.3;
const BATCH = 16;

/** Per layer: W [in*out] row-major [in][out], then b [out]; 6 arrays for SIZES. */

interface Batch {
  states: Float64Array; // [BATCH * 3]
  actions: Float64Array; // [BATCH * 2]
  weights: Float64Array; // [BATCH]
}

function initParams(seed: number): Params64 {
  const rng = Rng.fromSeed(seed);
  const params: Params64 = [];
  for (let l = 0; l + 1 < SIZES.length; l++) {
    const [n, m] = [SIZES[l], SIZES[l + 1]];
    params.push(Float64Array.from({ length: n * m }, () => rng.normal(0, 1.2 / Math.sqrt(n))));
    params.push(Float64Array.from({ length: m }, () => rng.normal(0, 0.3)));
  }
  return params;
}

function makeBatch(seed: number): Batch {
  const rng = Rng.fromSeed(seed);
  const draw = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());
  return { states: draw(BATCH * SIZES[0]), actions: draw(BATCH * SIZES[SIZES.length - 1]), weights: draw(BATCH) };
}

/** Layer activations [h0 = states, h1, ..., mean]; hidden layers tanh, output linear. Each [BATCH * size]. */

/** L = mean_i w_i Σ_j −log N(a_ij | μ_ij, σ_j), and dL/dμ [BATCH * 2]. */
function gaussianLoss64(mean: Float64Array, batch: Batch): { loss: number; dMean: Float64Array } {
  const d = SIZES[SIZES.length - 1];
  const dMean = new Float64Array(mean.length);
  let loss = 0;
  for (let i = 0; i < BATCH; i++) {
    for (let j = 0; j < d; j++) {
      const sigma = Math.exp(LOG_STD[j]);
      const r = (mean[i * d + j] - batch.actions[i * d + j]) / sigma;
      loss += (batch.weights[i] * (0.5 * r * r + LOG_STD[j] + 0.5 * Math.log(2 * Math.PI))) / BATCH;
      dMean[i * d + j] = (batch.weights[i] * r) / sigma / BATCH;
    }
  }
  return { loss, dMean };
}

/** Loss and its gradient w.r.t. every parameter, by hand-written backprop in float64. */
function lossAndGrad64(p: Params64, batch: Batch): { loss: number; grad: Params64 } {
  const hs = mlpForward64(p, SIZES, batch.states);
  const { loss, dMean } = gaussianLoss64(hs[hs.length - 1], batch);
  const grad: Params64 = p.map((a) => new Float64Array(a.length));
  let delta = dMean; // dL/dz of the current layer, [BATCH * m]
  for (let l = SIZES.length - 2; l >= 0; l--) {
    const [n, m, w, h] = [SIZES[l], SIZES[l + 1], p[2 * l], hs[l]];
    const below = new Float64Array(BATCH * n);
    for (let i = 0; i < BATCH; i++) {
      for (let j = 0; j < m; j++) {
        grad[2 * l + 1][j] += delta[i * m + j];
        for (let k = 0; k < n; k++) {
          grad[2 * l][k * m + j] += h[i * n + k] * delta[i * m + j];
          below[i * n + k] += w[k * m + j] * delta[i * m + j];
        }
      }
    }
    if (l > 0) for (let q = 0; q < below.length; q++) below[q] *= 1 - h[q] * h[q];
    delta = below;
  }
  return { loss, grad };
}

/** L_B(θ_K), θ_{k+1} = θ_k − α ∇L_A(θ_k), in float64. */
function metaLoss64(p: Params64, a: Batch, b: Batch, steps: number): number {
  let theta = p;
  for (let s = 0; s < steps; s++) {
    const { grad } = lossAndGrad64(theta, a);
    theta = theta.map((t, i) => t.map((v, k) => v - ALPHA * grad[i][k]));
  }
  return lossAndGrad64(theta, b).loss;
}

/** Central differences of metaLoss64 in every parameter (float64, eps 1e-6: error ~1e-9). */
function metaGradFd64(p: Params64, a: Batch, b: Batch, steps: number): number[] {
  const eps = 1e-6;
  const out: number[] = [];
  p.forEach((arr, i) => {
    arr.forEach((v, k) => {
      const at = (x: number): number => metaLoss64(p.map((q, j) => (j === i ? q.map((u, m) => (m === k ? x : u)) : q)), a, b, steps);
      out.push((at(v + eps) - at(v - eps)) / (2 * eps));
    });
  });
  return out;
}

// The same model and loss in TF.js (float32).

interface TfBatch {
  states: tf.Tensor2D; // [BATCH, 3]
  actions: tf.Tensor2D; // [BATCH, 2]
  weights: tf.Tensor1D; // [BATCH]
}

function toTfParams(p: Params64): tf.Tensor[] {
  return p.map((arr, i) => {
    const l = Math.floor(i / 2);
    return i % 2 === 0 ? tf.tensor2d(Float32Array.from(arr), [SIZES[l], SIZES[l + 1]]) : tf.tensor1d(Float32Array.from(arr));
  });
}

function toTfBatch(b: Batch): TfBatch {
  const [n, d] = [SIZES[0], SIZES[SIZES.length - 1]];
  return {
    states: tf.tensor2d(Float32Array.from(b.states), [BATCH, n]),
    actions: tf.tensor2d(Float32Array.from(b.actions), [BATCH, d]),
    weights: tf.tensor1d(Float32Array.from(b.weights)),
  };
}

/** Policy mean [BATCH, 2] from states [BATCH, 3]. */
function mlpTf(params: tf.Tensor[], states: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = states;
  for (let l = 0; 2 * l < params.length; l++) {
    const z = tf.add(tf.matMul(h, params[2 * l] as tf.Tensor2D), params[2 * l + 1]) as tf.Tensor2D;
    h = 2 * l + 2 < params.length ? tf.tanh(z) : z;
  }
  return h;
}

/** Scalar loss, the tf twin of gaussianLoss64. */
function lossTf(params: tf.Tensor[], batch: TfBatch): tf.Scalar {
  const logStd = tf.tensor1d(LOG_STD);
  const r = tf.div(tf.sub(mlpTf(params, batch.states), batch.actions), tf.exp(logStd));
  const nll = tf.add(tf.add(tf.mul(0.5, tf.square(r)), logStd), 0.5 * Math.log(2 * Math.PI));
  return tf.mean(tf.mul(batch.weights, tf.sum(nll, 1)));
}

/** θ after `steps` differentiable SGD steps on batch `a`. */
function adaptTf(params: tf.Tensor[], a: TfBatch, steps: number): tf.Tensor[] {
  let theta = params;
  for (let s = 0; s < steps; s++) {
    const g = tf.grads((...ps: tf.Tensor[]) => lossTf(ps, a))(theta);
    theta = theta.map((t, i) => tf.sub(t, tf.mul(ALPHA, g[i])));
  }
  return theta;
}

/** d L_B(θ_K(θ)) / dθ through the inner steps (second order), flattened. */
function metaGradTf(params: tf.Tensor[], a: TfBatch, b: TfBatch, steps: number): number[] {
  return tf.tidy(() => flat(tf.grads((...ps: tf.Tensor[]) => lossTf(adaptTf(ps, a, steps), b))(params)));
}

/** First-order MAML: ∇L_B at θ_K with θ_K treated as a constant, flattened. */
function firstOrderMetaGradTf(params: tf.Tensor[], a: TfBatch, b: TfBatch, steps: number): number[] {
  return tf.tidy(() => flat(tf.grads((...ps: tf.Tensor[]) => lossTf(ps, b))(adaptTf(params, a, steps))));
}

function flat(ts: tf.Tensor[]): number[] {
  return ts.flatMap((t) => Array.from(t.dataSync()));
}

/** max |got − want| / max |want|: error relative to the gradient's scale. */

/** Run `f` on stock tfjs (fix removed), restoring the fix afterwards. */
async function withoutFix<T>(f: () => T): Promise<T> {
  disableHigherOrderGradients();
  try {
    return f();
  } finally {
    await enableHigherOrderGradients();
  }
}

// float32 through up to three nested passes over a 122-parameter MLP: measured scaled errors are ~3e-7 on cpu and
// wasm (see the diagnostics), float32 rounding (eps 6e-8) times a few accumulations. 1e-4 leaves >100x margin for
// other CPUs and summation orders, while stock tfjs (~1e-1) and first-order MAML (~3e-1) sit >100x above it.
const META_TOL = 1e-4;
const ELEMENTWISE_TOL = 1e-4;

// ---------------------------------------------------------------------------------------------------------------

const params64 = initParams(7);
const batchA = makeBatch(11);
const batchB = makeBatch(12);
const reference = [1, 2].map((steps) => metaGradFd64(params64, batchA, batchB, steps));

before(async () => {
  await initBackend('auto', () => {});
  assert.ok(higherOrderGradientsEnabled());
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`second-order gradients on ${backend}`, () => {
    let params: tf.Tensor[] = [];
    let a: TfBatch;
    let b: TfBatch;
    before(async () => {
      await useBackend(backend);
      assert.equal(tf.getBackend(), backend);
      params = toTfParams(params64);
      [a, b] = [toTfBatch(batchA), toTfBatch(batchB)];
    });
    after(() => tf.dispose([...params, a.states, a.actions, a.weights, b.states, b.actions, b.weights]));

    it('second derivatives of elementwise ops and compositions match analytic values', (t: TestContext) => {
      for (const c of CASES) {
        const err = worstRelError(secondDerivative(c.f, c.xs), c.xs.map(c.d2));
        t.diagnostic(`${c.name}: ${err.toExponential(1)}`);
        assert.ok(err < ELEMENTWISE_TOL, `${c.name}'' off by ${err}`);
      }
    });

    it('softmax/logSoftmax Hessian-vector product matches float64 finite differences', () => {
      const err = worstRelError(softmaxHvpTf(), softmaxHvp64());
      assert.ok(err < ELEMENTWISE_TOL, `HVP off by ${err}`);
    });

    it('stock tfjs loses the second-order path (throws or is wrong) for tanh', async () => {
      const xs = MIXED;
      const stock = await withoutFix(() => {
        try {
          return worstRelError(secondDerivative(tf.tanh, xs), xs.map(CASES[0].d2));
        } catch (e) {
          return String(e);
        }
      });
      assert.ok(typeof stock === 'string' || stock > 0.1, `stock tanh'' unexpectedly right: ${stock}`);
    });

    it('tf first-order gradient agrees with the float64 reference', () => {
      const got = tf.tidy(() => flat(tf.grads((...ps: tf.Tensor[]) => lossTf(ps, a))(params)));
      const want = lossAndGrad64(params64, batchA).grad.flatMap((g) => Array.from(g));
      assert.ok(scaledError(got, want) < 1e-5, `first-order gradient off by ${scaledError(got, want)}`);
    });

    it('first-order gradients are bit-identical with and without the fix', async () => {
      const grad = (): number[] => tf.tidy(() => flat(tf.grads((...ps: tf.Tensor[]) => lossTf(ps, a))(params)));
      const fixed = grad();
      assert.deepEqual(await withoutFix(grad), fixed);
    });

    for (const steps of [1, 2]) {
      it(`MAML meta-gradient through ${steps} inner SGD step(s) matches float64 central differences`, async (t) => {
        const want = reference[steps - 1];
        const err = scaledError(metaGradTf(params, a, b, steps), want);
        const stock = scaledError(await withoutFix(() => metaGradTf(params, a, b, steps)), want);
        const firstOrder = scaledError(firstOrderMetaGradTf(params, a, b, steps), want);
        t.diagnostic(`scale ${Math.max(...want.map(Math.abs)).toFixed(3)}; scaled error: fixed ${err.toExponential(1)}, ` +
          `stock ${stock.toExponential(1)}, first-order MAML ${firstOrder.toExponential(1)}`);
        assert.ok(err < META_TOL, `meta-gradient off by ${err}`);
        assert.ok(stock > 100 * META_TOL, `stock tfjs unexpectedly close: ${stock}`);
        assert.ok(firstOrder > 100 * META_TOL, `first-order MAML unexpectedly close: ${firstOrder}`);
      });
    }

    it('tf.memory().numTensors stays flat over 20 meta-gradients in tf.tidy', () => {
      const start = tf.memory().numTensors;
      const counts = Array.from({ length: 20 }, () => {
        tf.tidy(() => {
          tf.grads((...ps: tf.Tensor[]) => lossTf(adaptTf(ps, a, 1), b))(params);
        });
        return tf.memory().numTensors;
      });
      assert.deepEqual(counts, counts.map(() => start));
    });
  });
}
