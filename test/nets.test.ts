import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../envs/rng.js';
import { enableHigherOrderGradients } from '../agents/higher-order-grad.js';
import { useBackend } from '../agents/backend.js';
import {
  concatFlat,
  flattenParams,
  gruInit,
  gruStep,
  gruUnroll,
  mlpForward,
  mlpInit,
  paramCount,
  paramShapes,
  splitFlat,
  tidyFlat,
  unflattenParams,
  type Params,
} from '../agents/nets.js';
import { normals, maxAbsDiff } from './helpers.js';

/** Seeded Float32Array of `n` standard normals. */

// GRU gradient-check problem: T = 24 steps, B = 2, in = 3, H = 4, a trial reset for row 1 at t = 12.
const T = 24, B = 2, IN = 3, H = 4;
const xsData = normals(Rng.fromSeed(11), T * B * IN);
const h0Data = normals(Rng.fromSeed(12), B * H, 0.5);
const weightData = normals(Rng.fromSeed(13), T * B * H);
const resetData = Float32Array.from({ length: T * B }, (_, i) => (i === 12 * B + 1 ? 1 : 0));

/** Scalar loss Σ c ⊙ GRU(xs) over all T steps: every step's output feeds it, so gradients flow through BPTT. */
function gruLoss(params: Params): tf.Scalar {
  const hs = gruUnroll(params, tf.tensor3d(xsData, [T, B, IN]), tf.tensor2d(h0Data, [B, H]), tf.tensor2d(resetData, [T, B]));
  return tf.sum(tf.mul(hs, tf.tensor3d(weightData, [T, B, H])));
}

function gruGradients(params: Params): Float32Array[] {
  return tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => gruLoss(ps))(params)).map((g) => {
    const data = Float32Array.from(g.dataSync());
    g.dispose();
    return data;
  });
}

describe('nets', () => {
  before(async () => {
    await enableHigherOrderGradients(); // tfjs-core alone registers no gradients in Node
    await useBackend('cpu');
  });

  it('mlpForward matches a hand computation', () => {
    const out = tf.tidy(() => {
      const params = [tf.tensor2d([[1, -1], [0.5, 2]]), tf.tensor1d([0.1, -0.2]), tf.tensor2d([[2], [-3]]), tf.tensor1d([0.5])];
      return mlpForward(params, tf.tensor2d([[0.3, -0.7], [1, 2]])).dataSync();
    });
    // Row [x1, x2]: h = tanh([x1 + 0.5 x2 + 0.1, −x1 + 2 x2 − 0.2]); y = 2 h1 − 3 h2 + 0.5.
    const hand = [[0.3, -0.7], [1, 2]].map(([x1, x2]) => 2 * Math.tanh(x1 + 0.5 * x2 + 0.1) - 3 * Math.tanh(-x1 + 2 * x2 - 0.2) + 0.5);
    assert.ok(maxAbsDiff(out, hand) < 1e-6, `${out} vs ${hand}`);
  });

  it('init is seeded: same seed, identical params; another seed differs; biases are zero', async () => {
    const flat = async (seed: number) => {
      const ps = [...mlpInit(Rng.fromSeed(seed), [4, 8, 2]), ...gruInit(Rng.fromSeed(seed), 4, 6)];
      const f = await flattenParams(ps);
      tf.dispose(ps);
      return f;
    };
    assert.deepEqual(await flat(5), await flat(5));
    assert.notDeepEqual(await flat(5), await flat(6));
    const ps = mlpInit(Rng.fromSeed(5), [4, 8, 2]);
    assert.ok(ps[1].dataSync().every((v) => v === 0) && ps[3].dataSync().every((v) => v === 0));
    tf.dispose(ps);
  });

  it('orthogonal init gives orthonormal columns (tall) or rows (wide), times the gain', () => {
    const params = mlpInit(Rng.fromSeed(9), [6, 3, 5], { scheme: 'orthogonal', gain: 2 });
    const [tall, , wide] = params;
    const gramTall = tf.tidy(() => tf.matMul(tall, tall, true, false).dataSync()); // [3, 3]
    const gramWide = tf.tidy(() => tf.matMul(wide, wide, false, true).dataSync()); // [3, 3]
    const fourI = Array.from({ length: 9 }, (_, i) => (i % 4 === 0 ? 4 : 0));
    assert.ok(maxAbsDiff(gramTall, fourI) < 1e-5 && maxAbsDiff(gramWide, fourI) < 1e-5);
    tf.dispose(params);
  });

  it('flatten/unflatten and concatFlat/splitFlat round-trip', async () => {
    const params = gruInit(Rng.fromSeed(1), 3, 5);
    const flat = await flattenParams(params);
    assert.equal(flat.length, paramCount(params));
    assert.equal(paramCount(params), 3 * 15 + 5 * 15 + 15 + 15);
    const back = unflattenParams(flat, paramShapes(params));
    assert.deepEqual(paramShapes(back), paramShapes(params));
    assert.deepEqual(await flattenParams(back), flat);
    const split = await tidyFlat(() => splitFlat(concatFlat(params), paramShapes(params)));
    assert.deepEqual(split, flat);
    tf.dispose([...params, ...back]);
  });

  it('gruUnroll equals repeated gruStep bit for bit, and a reset zeroes the carried state', () => {
    const params = gruInit(Rng.fromSeed(2), IN, H);
    tf.tidy(() => {
      const xs = tf.unstack(tf.tensor3d(xsData, [T, B, IN])) as tf.Tensor2D[];
      let h = tf.tensor2d(h0Data, [B, H]);
      const keep = tf.tensor2d([[1], [0]]);
      const stepped = xs.map((x, t) => (h = gruStep(params, x, t === 12 ? tf.mul(h, keep) : h)));
      const unrolled = gruUnroll(params, tf.tensor3d(xsData, [T, B, IN]), tf.tensor2d(h0Data, [B, H]), tf.tensor2d(resetData, [T, B]));
      // The sequence kernel steps the same cell with the same kernels as gruStep (gru-cell.ts): equal, not close.
      assert.deepEqual(unrolled.dataSync(), tf.stack(stepped).dataSync());
      // Row 1 after its reset at t = 12 equals a fresh run from zeros over steps 12.. .
      const tail = gruUnroll(params, tf.slice(tf.tensor3d(xsData, [T, B, IN]), [12, 1, 0], [T - 12, 1, IN]), tf.zeros([1, H]));
      const row1 = tf.slice(unrolled, [12, 1, 0], [T - 12, 1, H]);
      assert.ok(maxAbsDiff(row1.dataSync(), tail.dataSync()) < 1e-6);
    });
    tf.dispose(params);
  });

  it("gruUnroll's hand-written BPTT equals autodiff through the stepped cell for the inputs, the initial state and every parameter", () => {
    // The same loss two ways: the fused op (gru-sequence.ts) and tf.js autodiff through T gruStep calls with the reset
    // applied as a multiply, as before the fused op existed. Gradients with respect to xs and h0 are checked too
    // (the finite-difference test below covers the parameters only).
    const params = gruInit(Rng.fromSeed(3), IN, H, { gain: 1.5 });
    const xs = tf.tensor3d(xsData, [T, B, IN]);
    const h0 = tf.tensor2d(h0Data, [B, H]);
    const weights = tf.tensor3d(weightData, [T, B, H]);
    const keep = tf.tensor2d([[1], [0]]);
    const stepped = (x: tf.Tensor, h: tf.Tensor, ...ps: tf.Tensor[]): tf.Scalar => {
      let state = h as tf.Tensor2D;
      const states = (tf.unstack(x) as tf.Tensor2D[]).map((xt, t) => (state = gruStep(ps, xt, t === 12 ? (tf.mul(state, keep) as tf.Tensor2D) : state)));
      return tf.sum(tf.mul(tf.stack(states), weights));
    };
    const fused = (x: tf.Tensor, h: tf.Tensor, ...ps: tf.Tensor[]): tf.Scalar =>
      tf.sum(tf.mul(gruUnroll(ps, x as tf.Tensor3D, h as tf.Tensor2D, tf.tensor2d(resetData, [T, B])), weights));
    const [want, got] = [stepped, fused].map((f) => tf.tidy(() => tf.grads(f)([xs, h0, ...params]).map((g) => Float32Array.from(g.dataSync()))));
    ['xs', 'h0', 'wx', 'wh', 'bx', 'bh'].forEach((name, i) => {
      const scale = Math.max(1, ...Array.from(want[i], Math.abs));
      assert.ok(maxAbsDiff(got[i], want[i]) < 1e-5 * scale, `${name}: max |fused − autodiff| ${maxAbsDiff(got[i], want[i])} (scale ${scale})`);
    });
    tf.dispose([xs, h0, weights, keep, ...params]);
  });

  it('GRU BPTT gradients (24 steps) match central finite differences for every parameter', async () => {
    const params = gruInit(Rng.fromSeed(21), IN, H, { gain: 1.5 });
    const shapes = paramShapes(params);
    const flat = await flattenParams(params);
    const grads = gruGradients(params);
    const analytic = new Float32Array(flat.length);
    grads.reduce((offset, g) => (analytic.set(g, offset), offset + g.length), 0);
    // float32 forward: the loss (|L| ≈ 3.5, a sum of 192 terms) carries rounding noise ~1e-6, so a central
    // difference has rounding error ~1e-6/eps and truncation error ~eps²·|L'''|/6. Measured max relative error:
    // 1.1e-2 at eps = 1e-3 (rounding-bound), 3.6e-3 at 3e-3, 2.6e-3 at 1e-2, 2.1e-2 at 3e-2 (truncation-bound);
    // eps = 1e-2 with tolerance 1e-2 leaves ~4x margin, while a wrong BPTT term gives errors of order 1.
    // Gradients here span 0.007..7.7; the relative error's denominator is floored at 0.05 (absolute 5e-4).
    const eps = 1e-2;
    const lossAt = (v: Float32Array) => tf.tidy(() => gruLoss(unflattenParams(v, shapes)).dataSync()[0]);
    let worst = 0;
    for (let i = 0; i < flat.length; i++) {
      const plus = Float32Array.from(flat);
      const minus = Float32Array.from(flat);
      plus[i] += eps;
      minus[i] -= eps;
      const fd = (lossAt(plus) - lossAt(minus)) / (2 * eps);
      worst = Math.max(worst, Math.abs(fd - analytic[i]) / Math.max(0.05, Math.abs(fd), Math.abs(analytic[i])));
    }
    console.log(`GRU gradient check: ${flat.length} parameters, max relative error ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-2, `max relative error ${worst}`);
    tf.dispose(params);
  });

  it('tensor count stays flat over repeated forward/backward in tidy', () => {
    const mlp = mlpInit(Rng.fromSeed(4), [3, 16, 2]);
    const gru = gruInit(Rng.fromSeed(5), IN, H);
    const x = tf.tensor2d(normals(Rng.fromSeed(6), 8 * 3), [8, 3]);
    const iterate = () =>
      tf.tidy(() => {
        tf.grads((...ps: tf.Tensor[]) => tf.sum(tf.square(mlpForward(ps, x))))(mlp);
        tf.grads((...ps: tf.Tensor[]) => gruLoss(ps))(gru);
      });
    iterate();
    const start = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) iterate();
    assert.equal(tf.memory().numTensors, start);
    tf.dispose([...mlp, ...gru, x]);
  });

  it("the GRU sequence kernels free their intermediates: the backend's buffers stay flat (cpu and wasm)", async () => {
    // The forward and backward loops call backend kernels directly (kernel-scope.ts), outside the engine's tracking:
    // a leak there shows only in the backend's own count of data buffers.
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const gru = gruInit(Rng.fromSeed(5), IN, H);
      gruGradients(gru);
      const start = tf.engine().backend.numDataIds();
      for (let i = 0; i < 3; i++) gruGradients(gru);
      assert.equal(tf.engine().backend.numDataIds(), start, backend);
      tf.dispose(gru);
    }
    await useBackend('cpu');
  });

  it('on wasm, MLP and GRU gradients compute and agree with cpu', async () => {
    const run = () => {
      const mlp = mlpInit(Rng.fromSeed(7), [3, 16, 2]);
      const gru = gruInit(Rng.fromSeed(8), IN, H);
      const x = normals(Rng.fromSeed(9), 8 * 3);
      const mlpGrads = tf.tidy(() =>
        tf.grads((...ps: tf.Tensor[]) => tf.sum(tf.square(mlpForward(ps, tf.tensor2d(x, [8, 3])))))(mlp).map((g) => Array.from(g.dataSync())),
      );
      const out = [...mlpGrads.flat(), ...gruGradients(gru).flatMap((g) => Array.from(g))];
      tf.dispose([...mlp, ...gru]);
      return out;
    };
    const onCpu = run();
    await useBackend('wasm');
    try {
      assert.ok(maxAbsDiff(run(), onCpu) < 1e-4);
    } finally {
      await useBackend('cpu');
    }
  });
});
