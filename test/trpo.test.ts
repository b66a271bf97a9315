import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../envs/rng.js';
import { disableHigherOrderGradients, enableHigherOrderGradients } from '../agents/higher-order-grad.js';
import { ratioSurrogateLoss } from '../agents/pg.js';
import { flattenParams, paramShapes, tidyFlat, unflattenParams } from '../agents/nets.js';
import { conjugateGradient, hessianVectorProduct, restrictToTail, trpoUpdate, type FlatTrpoProblem, type ParamFn } from '../agents/trpo.js';
import { maxAbsDiff } from './helpers.js';

// ---------- small dense linear algebra in float64 (test references) ----------

type Matrix = number[][];

function matVec(a: Matrix, v: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (row) => row.reduce((s, x, j) => s + x * v[j], 0));
}

/** Gaussian elimination with partial pivoting: the exact solution of a x = b. */
function solve(a: Matrix, b: ArrayLike<number>): Float64Array {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    const p = m.reduce((best, row, r) => (r >= c && Math.abs(row[c]) > Math.abs(m[best][c]) ? r : best), c);
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

/** A 5x5 SPD matrix B Bᵀ + I (eigenvalues in [1, ~10]) from a seeded stream. */
function spdMatrix(seed: number, n = 5): Matrix {
  const rng = Rng.fromSeed(seed);
  const b = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.uniform(-1, 1)));
  return b.map((ri, i) => b.map((rj, j) => ri.reduce((s, x, k) => s + x * rj[k], 0) + (i === j ? 1 : 0)));
}

// ---------- a diagonal-Gaussian policy with a linear mean: params [W [D, A], b [A], sigma [A]] ----------
// Built only from matMul, add, sub, mul, div, square, log, sum, mean: ops whose stock tfjs gradients use their
// inputs, so double backprop is exact without the higher-order fix. sigma is a parameter itself (no exp).

const D = 3;
const A = 2;
const N = 32;

interface Batch {
  x: tf.Tensor2D; // [N, D]
  actions: tf.Tensor2D; // [N, A]
  adv: tf.Tensor1D; // [N]
}

function initParams(seed: number): tf.Tensor[] {
  const rng = Rng.fromSeed(seed);
  return [
    tf.tensor2d(Array.from({ length: D * A }, () => rng.normal(0, 0.5)), [D, A]),
    tf.tensor1d(Array.from({ length: A }, () => rng.normal(0, 0.1))),
    tf.tensor1d(Array.from({ length: A }, () => rng.uniform(0.6, 1.2))),
  ];
}

function makeBatch(seed: number): Batch {
  const rng = Rng.fromSeed(seed);
  const draw = (n: number): number[] => Array.from({ length: n }, () => rng.normal());
  return { x: tf.tensor2d(draw(N * D), [N, D]), actions: tf.tensor2d(draw(N * A), [N, A]), adv: tf.tensor1d(draw(N)) };
}

function policyMean(params: tf.Tensor[], x: tf.Tensor2D): tf.Tensor {
  return tf.add(tf.matMul(x, params[0] as tf.Tensor2D), params[1]);
}

/** log π(a|s), [N]. */
function logProb(params: tf.Tensor[], batch: Batch): tf.Tensor {
  const sigma = params[2];
  const z = tf.div(tf.sub(batch.actions, policyMean(params, batch.x)), sigma);
  const perDim = tf.sub(tf.mul(-0.5, tf.square(z)), tf.log(sigma));
  return tf.sub(tf.sum(perDim, 1), 0.5 * A * Math.log(2 * Math.PI));
}

/** Mean over the batch of KL(N(μ0, σ0²) ‖ N(μ, σ²)), summed over action dims. */
function meanKl(oldMu: tf.Tensor, oldSigma: tf.Tensor, params: tf.Tensor[], x: tf.Tensor2D): tf.Scalar {
  const sigma = params[2];
  const num = tf.add(tf.square(oldSigma), tf.square(tf.sub(oldMu, policyMean(params, x))));
  const perDim = tf.add(tf.sub(tf.log(sigma), tf.log(oldSigma)), tf.sub(tf.div(num, tf.mul(2, tf.square(sigma))), 0.5));
  return tf.mean(tf.sum(perDim, 1));
}

/** Everything a TRPO update at `params` needs; `dispose` frees the old-policy constants. */
function gaussianProblem(params: tf.Tensor[], batch: Batch): { loss: ParamFn; kl: ParamFn; dispose: () => void } {
  const [logpOld, oldMu] = tf.tidy(() => [logProb(params, batch), policyMean(params, batch.x)]);
  const oldSigma = params[2].clone();
  return {
    loss: (ps) => ratioSurrogateLoss(logProb(ps, batch), logpOld, batch.adv),
    kl: (ps) => meanKl(oldMu, oldSigma, ps, batch.x),
    dispose: () => tf.dispose([logpOld, oldMu, oldSigma]),
  };
}

function scalar(f: ParamFn, params: tf.Tensor[]): number {
  return tf.tidy(() => f(params).dataSync()[0]);
}

function flatGrad(f: ParamFn, theta: Float32Array, like: tf.Tensor[]): Promise<Float32Array> {
  return tidyFlat(() => {
    const ps = unflattenParams(theta, paramShapes(like));
    return tf.grads((...xs: tf.Tensor[]) => f(xs))(ps);
  });
}

describe('TRPO building blocks', () => {
  before(async () => {
    await tf.setBackend('cpu');
    // Register tfjs-core's gradients, then take the tape-order fix back out: everything here must work with
    // stock tfjs second-order gradients (the HVP test also runs once with the fix installed).
    await enableHigherOrderGradients();
    disableHigherOrderGradients();
  });

  describe('conjugate gradient', () => {
    const a = spdMatrix(7);
    const b = Float32Array.from([1, -2, 0.5, 3, -1]);
    const hvp = async (v: Float32Array): Promise<Float32Array> => Float32Array.from(matVec(a, v));

    it('solves a 5x5 SPD system to 1e-5 in at most 5 iterations', async () => {
      const { x, iterations, residualNorm } = await conjugateGradient(hvp, b, { iterations: 50, residualTol: 1e-6 });
      const exact = solve(a, b);
      assert.ok(iterations <= 5, `iterations ${iterations}`);
      assert.ok(maxAbsDiff(x, exact) < 1e-5, `error ${maxAbsDiff(x, exact)}`);
      assert.ok(residualNorm <= 1e-6);
    });

    it('solves the damped system (H + λI)x = b', async () => {
      const damping = 0.7;
      const { x, iterations } = await conjugateGradient(hvp, b, { iterations: 5, damping });
      const exact = solve(a.map((row, i) => row.map((v, j) => v + (i === j ? damping : 0))), b);
      assert.equal(iterations, 5);
      assert.ok(maxAbsDiff(x, exact) < 1e-5, `error ${maxAbsDiff(x, exact)}`);
    });

    it('stops on the residual tolerance (one step for a multiple of the identity)', async () => {
      const { x, iterations } = await conjugateGradient(async (v) => v.map((e) => 2 * e), b, { iterations: 10, residualTol: 1e-8 });
      assert.equal(iterations, 1);
      assert.ok(maxAbsDiff(x, b.map((e) => e / 2)) < 1e-7);
    });
  });

  describe('Hessian-vector product', () => {
    for (const mode of ['stock tfjs', 'with the higher-order fix'] as const) {
      it(`matches central finite differences of the gradient (Gaussian KL, linear mean; ${mode})`, async () => {
        if (mode !== 'stock tfjs') await enableHigherOrderGradients();
        const old = initParams(1);
        const batch = makeBatch(2);
        const problem = gaussianProblem(old, batch);
        const rng = Rng.fromSeed(3);
        const theta0 = await flattenParams(old);
        // Evaluate away from θ_old too, where the Hessian is not just the Fisher.
        for (const shift of [0, 0.3]) {
          const theta = theta0.map((t) => t + shift * rng.uniform(-1, 1));
          const at = unflattenParams(theta, paramShapes(old));
          const v = Float32Array.from(theta, () => rng.normal());
          const hv = await hessianVectorProduct(problem.kl, at)(v);
          // Fourth-order central differences of the float32 gradient,
          //   Hv ≈ (8(g(θ+εv) − g(θ−εv)) − (g(θ+2εv) − g(θ−2εv))) / 12ε,
          // truncation O(ε⁴) and rounding ≈ 1.5·δg/ε ≈ 1e-4 at ε = 1e-2 (δg ~ 1e-6: float32
          // gradients of O(1) summed over 32 samples). The plain 2-point formula is truncation-bound here
          // (≈ 2e-3 at ε = 1e-2, shrinking as ε²), because the 1/σ² terms have large third derivatives.
          const eps = 1e-2;
          const g = (k: number): Promise<Float32Array> => flatGrad(problem.kl, theta.map((t, i) => t + k * eps * v[i]), old);
          const [gp1, gm1, gp2, gm2] = [await g(1), await g(-1), await g(2), await g(-2)];
          const fd = gp1.map((_, i) => (8 * (gp1[i] - gm1[i]) - (gp2[i] - gm2[i])) / (12 * eps));
          const scale = Math.max(1, ...Array.from(fd, Math.abs));
          const err = maxAbsDiff(hv, fd);
          assert.ok(err < 2e-4 * scale, `shift ${shift}: max error ${err} (scale ${scale}) hv ${hv} fd ${fd}`);
          tf.dispose(at);
        }
        problem.dispose();
        tf.dispose([...old, batch.x, batch.actions, batch.adv]);
        disableHigherOrderGradients();
      });
    }

    it('is exact for a quadratic and gives zeros for parameters the function ignores', async () => {
      const a = spdMatrix(11, 3);
      const x = tf.tensor1d([0.5, -1, 2]);
      const unused = tf.tensor2d([[1, 2]]);
      const aT = tf.tensor2d(a);
      const quad: ParamFn = (ps) => tf.mul(0.5, tf.sum(tf.mul(ps[0], tf.squeeze(tf.matMul(aT, tf.reshape(ps[0], [3, 1]))))));
      const v = Float32Array.from([0.3, -0.2, 1, 5, 6]);
      const hv = await hessianVectorProduct(quad, [x, unused])(v);
      const exact = matVec(a, v.subarray(0, 3));
      assert.ok(maxAbsDiff(hv.subarray(0, 3), exact) < 1e-5, `hv ${hv} exact ${exact}`);
      assert.deepEqual(Array.from(hv.subarray(3)), [0, 0]);
      await assert.rejects(hessianVectorProduct(quad, [x, unused])(new Float32Array(4)), /expected the parameter count 5/);
      tf.dispose([x, unused, aT]);
    });
  });

  describe('TRPO update', () => {
    it('improves the surrogate of a Gaussian policy within the KL bound', async () => {
      const params = initParams(4);
      const batch = makeBatch(5);
      const problem = gaussianProblem(params, batch);
      const { params: next, diagnostics: d } = await trpoUpdate({ params, loss: problem.loss, kl: problem.kl }, { maxKl: 0.01 });
      assert.ok(d.accepted, JSON.stringify(d));
      assert.ok(d.lossAfter < d.lossBefore, JSON.stringify(d));
      assert.ok(d.kl > 0 && d.kl <= 0.01, JSON.stringify(d));
      // The reported numbers are those of the returned params.
      assert.ok(Math.abs(scalar(problem.kl, next) - d.kl) < 1e-7);
      assert.ok(Math.abs(scalar(problem.loss, next) - d.lossAfter) < 1e-7);
      assert.ok(d.expectedImprovement > 0);
      problem.dispose();
      tf.dispose([...params, ...next, batch.x, batch.actions, batch.adv]);
    });

    it('backtracks until the KL bound holds when the full step violates it', async () => {
      // kl = ½‖x‖² + 100 Σx⁴ has Hessian I at 0, so the quadratic model puts the full step exactly on the
      // bound and the quartic term pushes it over; the loss −w·x improves along the whole ray.
      const w = tf.tensor1d([1, 0.5, -0.3, 0.2]);
      const loss: ParamFn = (ps) => tf.neg(tf.sum(tf.mul(w, ps[0])));
      const kl: ParamFn = (ps) => tf.add(tf.mul(0.5, tf.sum(tf.square(ps[0]))), tf.mul(100, tf.sum(tf.square(tf.square(ps[0])))));
      const params = [tf.zeros([4])];
      const maxKl = 0.01;
      const { params: next, diagnostics: d } = await trpoUpdate({ params, loss, kl }, { maxKl, cgDamping: 0 });
      const fullStep = Float32Array.from([1, 0.5, -0.3, 0.2], (wi) => wi * d.stepSize);
      const fullKl = tf.tidy(() => kl([tf.tensor1d(fullStep)]).dataSync()[0]);
      assert.ok(fullKl > maxKl, `full-step KL ${fullKl}`);
      assert.ok(Math.abs(d.stepSize - Math.sqrt((2 * maxKl) / 1.38)) < 1e-6, `step size ${d.stepSize}`);
      assert.ok(d.accepted && d.backtracks >= 1, JSON.stringify(d));
      assert.ok(d.kl <= maxKl, JSON.stringify(d));
      assert.ok(scalar(kl, next) <= maxKl);
      tf.dispose([w, ...params, ...next]);
    });

    it('keeps the old parameters when no step improves the surrogate', async () => {
      // loss = −w·x + 1e6‖x‖² only improves for ‖x‖ < 1e-6·‖w‖, shorter than the 15th halving of the step.
      const w = tf.tensor1d([1, 0.5, -0.3, 0.2]);
      const loss: ParamFn = (ps) => tf.add(tf.neg(tf.sum(tf.mul(w, ps[0]))), tf.mul(1e6, tf.sum(tf.square(ps[0]))));
      const kl: ParamFn = (ps) => tf.mul(0.5, tf.sum(tf.square(ps[0])));
      const params = [tf.tensor1d([0, 0, 0, 0])];
      const { params: next, diagnostics: d } = await trpoUpdate({ params, loss, kl }, { maxKl: 0.01, maxBacktracks: 15 });
      assert.equal(d.accepted, false);
      assert.equal(d.backtracks, 15);
      assert.equal(d.kl, 0);
      assert.equal(d.lossAfter, d.lossBefore);
      assert.notEqual(next[0], params[0]);
      assert.deepEqual(Array.from(next[0].dataSync()), [0, 0, 0, 0]);
      tf.dispose([w, ...params, ...next]);
      assert.equal(next[0].isDisposed, true);
    });

    it('keeps tf.memory().numTensors flat across 20 updates', async () => {
      const batch = makeBatch(6);
      let params = initParams(7);
      const counts: number[] = [];
      let accepted = 0;
      for (let i = 0; i < 20; i++) {
        counts.push(tf.memory().numTensors);
        const problem = gaussianProblem(params, batch);
        const result = await trpoUpdate({ params, loss: problem.loss, kl: problem.kl }, { maxKl: 0.01 });
        problem.dispose();
        tf.dispose(params);
        params = result.params;
        if (result.diagnostics.accepted) accepted++;
      }
      counts.push(tf.memory().numTensors);
      assert.ok(counts.every((c) => c === counts[0]), `numTensors per iteration: ${counts}`);
      assert.ok(accepted >= 15, `accepted ${accepted}/20`);
      tf.dispose([...params, batch.x, batch.actions, batch.adv]);
    });
  });
});

describe('restrictToTail', () => {
  // A quadratic problem over 4 parameters: loss gᵀx + ½xᵀHx, KL ½(x−θ)ᵀF(x−θ), written out by hand.
  const H = [
    [4, 1, 0, 2],
    [1, 3, 1, 0],
    [0, 1, 5, 1],
    [2, 0, 1, 6],
  ];
  const g = [1, -2, 0.5, 3];
  const theta = Float32Array.from([0.1, 0.2, -0.3, 0.4]);
  const mul = (m: number[][], v: ArrayLike<number>) => m.map((row) => row.reduce((s, h, j) => s + h * v[j], 0));
  const full: FlatTrpoProblem = {
    theta,
    lossAndGradient: async () => ({ value: 0, grad: Float32Array.from(g) }),
    fisherVectorProduct: async (v) => Float32Array.from(mul(H, v)),
    lossAndKl: async (x) => ({ loss: x.reduce((s, xi, i) => s + g[i] * xi, 0), kl: x[0] + 10 * x[1] + 100 * x[2] + 1000 * x[3] }),
  };

  it('is the tail block: gradient tail, Hessian tail block, trials at [head of θ_old, tail]', async () => {
    const tail = restrictToTail(full, 2);
    assert.deepEqual(Array.from(tail.theta), [Math.fround(-0.3), Math.fround(0.4)]);
    assert.deepEqual(Array.from((await tail.lossAndGradient()).grad), [0.5, 3]);
    assert.deepEqual(Array.from(await tail.fisherVectorProduct(Float32Array.from([1, 2]))), [5 + 2, 1 + 12]);
    assert.deepEqual(Array.from(tail.expand(Float32Array.from([7, 8]))), [Math.fround(0.1), Math.fround(0.2), 7, 8]);
    const trial = await tail.lossAndKl(Float32Array.from([7, 8]));
    assert.equal(trial.kl, Math.fround(0.1) + 10 * Math.fround(0.2) + 700 + 8000);
  });
});
