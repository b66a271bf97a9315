/**
 * The `metanet` core (agents/metanet-core.ts, metanet-fast-weights.ts, metanet-memory.ts): (a) its unroll and BPTT
 * gradients against an independent float64 reference, for the default options and a non-default setting; (b) the
 * closed-form base-loss gradient against tf.grad and float64 central differences of ½δ²; fast weights from one
 * forward pass of G (G's output layer zeroed: W* = 0 and φ is the slow layer; otherwise the reward of a transition
 * changes the fast weights and φ); G's size independent of the base layer's; (c) through Rl2TrialPolicy, fast weights
 * of episode 1 carried across the episode boundary and cleared by startTrial; (d) no tensor leaks in RL2 with this
 * core; (e) learning: RL2 with the core on PointNav (20-step episodes, E = 2) adapts in episode 2 on held-out goals.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { baseLossGradient, type BaseLearner } from '../agents/metanet-fast-weights.js';
import { COSINE_EPSILON } from '../agents/metanet-memory.js';
import { Rl2TrialPolicy } from '../agents/meta/rl2-policy.js';
import { paramCount, type Params } from '../agents/nets.js';
import { recurrentPolicyInit, recurrentUnroll, rl2Input, rl2InputDim } from '../agents/policies.js';
import type { RecurrentCore } from '../agents/recurrent-core.js';
import { recurrentCore } from '../agents/recurrent-cores.js';
import type { StepContext } from '../agents/sampler.js';
import { registerEnv, robotEnv, Rng } from '../envs/index.js';
import { pointNav } from '../envs/point-nav.js';
import { affine, concat, gruCell64, map, ParamReader, unrollRows64, type Matrix } from './float64-ops.js';
import { maxAbsDiff, normals } from './helpers.js';
import { assertEpisodeTwoBeatsOne, assertRl2TensorsFlat, checkCoreAgainstFloat64, rl2PointNavAdaptation, type CoreReference } from './rl2-core-fixtures.js';

/** The core's options (agents/metanet-core.ts). */
interface MetaNetSettings {
  memorySlots: number;
  keyDim: number;
  metaHidden: number;
  baseDiscount: number;
  attentionSharpness: number;
  summaryDim: number;
}

const DEFAULTS: MetaNetSettings = { memorySlots: 4, keyDim: 8, metaHidden: 8, baseDiscount: 0.9, attentionSharpness: 5, summaryDim: 64 };

/** Offsets of a state row `[h: summaryDim | pointer: K | last input: in | K slots of [written, key: dk, W̄*: (in + 1)·D]]`. */
function rowLayout(s: MetaNetSettings, IN: number, D: number) {
  const slot = 1 + s.keyDim + (IN + 1) * D;
  const firstSlot = s.summaryDim + s.memorySlots + IN;
  return { slot, firstSlot, S: firstSlot + s.memorySlots * slot, F: D + s.summaryDim };
}

/** The core named `metanet`, configured with `settings`. */
const metanet = (settings: MetaNetSettings = DEFAULTS): RecurrentCore => recurrentCore('metanet', { ...settings });

// ---------------------------------------------------------------------------------------------------------------
// (a) The float64 reference: one row's step and features in plain loops, written from the equations in the
// TSDoc of agents/metanet-*.ts.

/** The core's parameters read from the flat vector, in its order. */
interface Weights64 {
  ws: Matrix;
  bs: Float64Array;
  u: Float64Array;
  wk: Matrix;
  bk: Float64Array;
  g1: Matrix;
  gb1: Float64Array;
  g2: Matrix;
  gb2: Float64Array;
  /** The summary GRU `[wx, wh, bx, bh]` (summaryDim > 0). */
  summary?: [Matrix, Matrix, Float64Array, Float64Array];
}

function readWeights(s: MetaNetSettings, IN: number, D: number, theta: Float64Array): Weights64 {
  const p = new ParamReader(theta);
  const h = s.metaHidden;
  const w: Weights64 = { ws: p.matrix(IN, D), bs: p.vector(D), u: p.vector(D), wk: p.matrix(IN, s.keyDim), bk: p.vector(s.keyDim), g1: p.matrix(2, h), gb1: p.vector(h), g2: p.matrix(h, 1), gb2: p.vector(1) };
  const Hs = s.summaryDim;
  if (Hs > 0) w.summary = [p.matrix(IN, 3 * Hs), p.matrix(Hs, 3 * Hs), p.vector(3 * Hs), p.vector(3 * Hs)];
  p.done();
  return w;
}

/** A row's state: pointer [K], last input [in], per slot the written flag, key [dk] and fast weights [(in + 1)·D]. */
interface Row64 {
  pointer: Float64Array;
  last: Float64Array;
  written: Float64Array;
  keys: Float64Array[];
  values: Float64Array[];
}

function parseRow(K: number, IN: number, dk: number, D: number, state: Float64Array): Row64 {
  let at = 0;
  const take = (n: number) => state.slice(at, (at += n));
  const pointer = take(K), last = take(IN);
  const slots = Array.from({ length: K }, () => ({ written: take(1)[0], key: take(dk), value: take((IN + 1) * D) }));
  return { pointer, last, written: Float64Array.from(slots, (s) => s.written), keys: slots.map((s) => s.key), values: slots.map((s) => s.value) };
}

function flattenRow(r: Row64): Float64Array {
  return Float64Array.from([...r.pointer, ...r.last, ...r.keys.flatMap((k, i) => [r.written[i], ...k, ...r.values[i]])]);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const slow64 = (w: Weights64, x: ArrayLike<number>) => map(affine(x, w.ws, w.bs), Math.tanh);
const key64 = (w: Weights64, x: ArrayLike<number>) => map(affine(x, w.wk, w.bk), Math.tanh);

/** G on one gradient entry g of a transition with TD error δ: the [2, h, 1] tanh MLP on (g, δ). */
function metaLearner64(w: Weights64, g: number, delta: number): number {
  return affine(map(affine([g, delta], w.g1, w.gb1), Math.tanh), w.g2, w.gb2)[0];
}

/** δ = r + γ_b (1 − start) v(φ(x)) − v(φ(xPrev)) and ∂(½δ²)/∂[W_s; b_s] = −δ [xPrev, 1] ⊗ (u ⊙ (1 − φ(xPrev)²)) [(in + 1)·D]. */
function baseGradient64(w: Weights64, gamma: number, xPrev: ArrayLike<number>, x: ArrayLike<number>): { delta: number; grad: Float64Array } {
  const IN = x.length;
  const phiPrev = slow64(w, xPrev);
  const delta = x[IN - 2] + gamma * (1 - x[IN - 1]) * dot(slow64(w, x), w.u) - dot(phiPrev, w.u);
  const D = phiPrev.length;
  const grad = Float64Array.from({ length: (IN + 1) * D }, (_, k) => {
    const [i, j] = [Math.floor(k / D), k % D];
    return -delta * (i < IN ? xPrev[i] : 1) * w.u[j] * (1 - phiPrev[j] ** 2);
  });
  return { delta, grad };
}

/** One row's step: G's fast weights of the transition (last -> x) and last's key written where the pointer says, the pointer moved on. */
function step64(s: MetaNetSettings, w: Weights64, x: Float64Array, r: Row64): Row64 {
  const K = s.memorySlots;
  const { delta, grad } = baseGradient64(w, s.baseDiscount, r.last, x);
  const fast = map(grad, (g) => metaLearner64(w, g, delta));
  const key = key64(w, r.last);
  const started = r.pointer.reduce((a, b) => a + b, 0);
  const move = (old: Float64Array, entry: Float64Array, k: number) => map(old, (v, i) => v + r.pointer[k] * (entry[i] - v));
  return {
    pointer: Float64Array.from({ length: K }, (_, k) => (k === 0 ? r.pointer[K - 1] + 1 - started : r.pointer[k - 1])),
    last: x,
    written: map(r.written, (f, k) => f + r.pointer[k] * (1 - f)),
    keys: r.keys.map((old, k) => move(old, key, k)),
    values: r.values.map((old, k) => move(old, fast, k)),
  };
}

/** φ of a row: the slow layer of its last input x plus tanh([x, 1] · W̄*), W̄* read by masked cosine attention. */
function features64(s: MetaNetSettings, w: Weights64, r: Row64): Float64Array {
  const x = r.last;
  const [IN, D] = [x.length, w.bs.length];
  const q = key64(w, x);
  const norm = (v: ArrayLike<number>) => Math.sqrt(dot(v, v) + COSINE_EPSILON);
  const mask = map(r.written, (f) => Math.min(1, Math.max(0, f)));
  const scores = r.keys.map((k, i) => mask[i] * Math.exp(s.attentionSharpness * (dot(q, k) / (norm(q) * norm(k)) - 1)));
  const denominator = scores.reduce((a, b) => a + b, 0) + 1 - Math.max(...mask);
  const fast = new Float64Array((IN + 1) * D);
  r.values.forEach((v, k) => v.forEach((value, i) => (fast[i] += (scores[k] / denominator) * value)));
  const withOne = concat(x, [1]);
  return map(slow64(w, x), (phi, j) => phi + Math.tanh(withOne.reduce((acc, xi, i) => acc + xi * fast[i * D + j], 0)));
}

/** The core in float64: the summary GRU on h, the fast-weight layer on the memory row; features [φ, h]. */
function reference(s: MetaNetSettings, T: number, B: number, IN: number, D: number): CoreReference {
  const Hs = s.summaryDim;
  return (theta, xs, s0, reset) => {
    const w = readWeights(s, IN, D, theta);
    const parse = (state: Float64Array) => parseRow(s.memorySlots, IN, s.keyDim, D, state.subarray(Hs));
    const summary = (x: Float64Array, h: Float64Array) => (w.summary ? gruCell64(...w.summary, x, h) : h);
    const step = (x: Float64Array, state: Float64Array) => concat(summary(x, state.subarray(0, Hs)), flattenRow(step64(s, w, x, parse(state))));
    return unrollRows64(T, B, IN, rowLayout(s, IN, D).S, xs, s0, reset, step, (state) => concat(features64(s, w, parse(state)), state.subarray(0, Hs)));
  };
}

describe('metanet core against a float64 reference', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  const [T, B, IN, H] = [8, 2, 5, 4];
  const settings: [string, MetaNetSettings][] = [
    ['default memory and G, a summary GRU of 6 units', { ...DEFAULTS, summaryDim: 6 }],
    ['2 slots (wrapping), dk 3, G with 3 units, γ_b 0.5, β 2, no summary', { memorySlots: 2, keyDim: 3, metaHidden: 3, baseDiscount: 0.5, attentionSharpness: 2, summaryDim: 0 }],
  ];
  for (const [label, s] of settings) {
    it(`${label}: unroll values and BPTT gradients (T = ${T}, a reset, non-zero initial state) match float64 loops and central differences`, () => {
      const r = checkCoreAgainstFloat64(metanet(s), reference(s, T, B, IN, H), { T, B, inputDim: IN, hiddenDim: H, resets: [[4, 1]], stateScale: 0.5 });
      console.log(`# metanet (${label}) vs float64: ${r.parameters} parameters, forward error ${r.forwardError.toExponential(1)}, gradient error ${r.gradientError.toExponential(1)}`);
      assert.ok(r.forwardError < 1e-5, `forward error ${r.forwardError}`);
      assert.ok(r.gradientError < 1e-3, `gradient error ${r.gradientError}`);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// (b) Meta information, one-pass fast weights, G's size.

/** Seeded base learner tensors and a batch of transitions (row 1 starts an episode). */
function baseSetup(IN: number, D: number, B: number) {
  const rng = Rng.fromSeed(11);
  const [ws, bs, u] = [normals(rng, IN * D, 0.6), normals(rng, D, 0.3), normals(rng, D, 0.5)];
  const xPrev = normals(rng, B * IN);
  const x = normals(rng, B * IN);
  for (let b = 0; b < B; b++) x[b * IN + IN - 1] = b === 1 ? 1 : 0;
  return { ws, bs, u, xPrev, x };
}

describe('metanet meta information: the closed-form base-loss gradient', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  const [IN, D, B, gamma] = [5, 4, 3, 0.9];
  const data = baseSetup(IN, D, B);
  const closedForm = () => tf.tidy(() => {
    const base: BaseLearner = { ws: tf.tensor2d(data.ws, [IN, D]), bs: tf.tensor1d(data.bs), u: tf.tensor2d(data.u, [D, 1]) };
    const out = baseLossGradient(base, tf.tensor2d(data.xPrev, [B, IN]), tf.tensor2d(data.x, [B, IN]), gamma);
    return { delta: out.delta.dataSync(), grad: out.grad.dataSync() };
  });
  /** Float64 weights from the flat [W_s; b_s] [(in + 1)·D]. */
  const weights64 = (wsBs: ArrayLike<number>): Weights64 => ({
    ws: { rows: IN, cols: D, data: Float64Array.from(wsBs).subarray(0, IN * D) },
    bs: Float64Array.from(wsBs).subarray(IN * D),
    u: Float64Array.from(data.u),
  }) as Weights64;
  const wsBs = Float64Array.from([...data.ws, ...data.bs]);
  const row = (a: Float32Array, b: number) => Float64Array.from(a.subarray(b * IN, (b + 1) * IN));
  const perRow = (IN + 1) * D;

  it('equals tf.grad of ½δ² with respect to [W_s; b_s], row by row (TD target held constant)', () => {
    const { delta, grad } = closedForm();
    for (let b = 0; b < B; b++) {
      const autodiff = tf.tidy(() => {
        const [xPrev, x] = [tf.tensor2d(data.xPrev.subarray(b * IN, (b + 1) * IN), [1, IN]), tf.tensor2d(data.x.subarray(b * IN, (b + 1) * IN), [1, IN])];
        const u = tf.tensor2d(data.u, [D, 1]);
        const value = (input: tf.Tensor2D, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.matMul(tf.tanh(tf.add(tf.matMul(input, ws as tf.Tensor2D), bs)), u));
        const [reward, start] = [tf.slice(x, [0, IN - 2], [1, 1]), tf.slice(x, [0, IN - 1], [1, 1])];
        const target = tf.sum(tf.add(reward, tf.mul(tf.mul(tf.sub(1, start), gamma), value(x, tf.tensor2d(data.ws, [IN, D]), tf.tensor1d(data.bs))))).dataSync()[0];
        const halfSquaredTd = (ws: tf.Tensor, bs: tf.Tensor) => tf.mul(0.5, tf.square(tf.sub(target, value(xPrev, ws, bs)))) as tf.Scalar;
        const [gWs, gBs] = tf.grads(halfSquaredTd)([tf.tensor2d(data.ws, [IN, D]), tf.tensor1d(data.bs)]);
        return Float32Array.from([...gWs.dataSync(), ...gBs.dataSync()]);
      });
      const mine = grad.subarray(b * perRow, (b + 1) * perRow);
      assert.ok(maxAbsDiff(mine, autodiff) < 1e-6, `row ${b}: closed form vs tf.grad ${maxAbsDiff(mine, autodiff)}`);
      assert.ok(mine.some((g) => Math.abs(g) > 1e-3), `row ${b}: a non-trivial gradient`);
    }
    assert.ok(delta.every(Number.isFinite));
  });

  it('matches float64 central differences of ½δ², and the float64 δ (the start flag drops the bootstrap)', () => {
    const { delta, grad } = closedForm();
    const eps = 1e-6;
    let gradError = 0;
    let deltaError = 0;
    for (let b = 0; b < B; b++) {
      const [xPrev, x] = [row(data.xPrev, b), row(data.x, b)];
      const exact = baseGradient64(weights64(wsBs), gamma, xPrev, x);
      const target = exact.delta + dot(slow64(weights64(wsBs), xPrev), data.u);
      const loss = (weights: Float64Array) => 0.5 * (target - dot(slow64(weights64(weights), xPrev), data.u)) ** 2;
      for (let k = 0; k < perRow; k++) {
        const [plus, minus] = [Float64Array.from(wsBs), Float64Array.from(wsBs)];
        plus[k] += eps;
        minus[k] -= eps;
        const fd = (loss(plus) - loss(minus)) / (2 * eps);
        assert.ok(Math.abs(fd - exact.grad[k]) < 1e-8, `float64 closed form vs central difference at ${k}`);
        gradError = Math.max(gradError, Math.abs(fd - grad[b * perRow + k]));
      }
      deltaError = Math.max(deltaError, Math.abs(exact.delta - delta[b]));
    }
    // Row 1 starts an episode: δ = r − v(φ(xPrev)) exactly.
    const terminal = row(data.x, 1)[IN - 2] - dot(slow64(weights64(wsBs), row(data.xPrev, 1)), data.u);
    console.log(`# metanet base-loss gradient: float32 closed form vs float64 central differences ${gradError.toExponential(1)}, δ error ${deltaError.toExponential(1)}`);
    assert.ok(gradError < 1e-5 && deltaError < 1e-5, `gradient error ${gradError}, δ error ${deltaError}`);
    assert.ok(Math.abs(delta[1] - terminal) < 1e-5, `terminal δ ${delta[1]} vs ${terminal}`);
  });
});

describe('metanet fast weights come from one forward pass of G', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  const [T, B, IN, D] = [6, 2, 5, 4];
  const xsData = normals(Rng.fromSeed(21), T * B * IN);
  const core = metanet();
  const { slot, firstSlot, S, F } = rowLayout(DEFAULTS, IN, D);
  /** Fast weights of every slot of every state [T*B][K][(in + 1)·D]. */
  const fastOf = (states: Float32Array) => Array.from({ length: T * B }, (_, r) => Array.from({ length: DEFAULTS.memorySlots }, (_, k) => {
    const at = r * S + firstSlot + k * slot + 1 + DEFAULTS.keyDim;
    return states.subarray(at, at + (IN + 1) * D);
  }));
  /** The states [T*B*S] and φ, the first D features of every row, [T*B][D]. */
  const run = (params: Params, xs: Float32Array) => tf.tidy(() => {
    const states = core.unroll(params, tf.tensor3d(xs, [T, B, IN]), tf.zeros([B, S]));
    const features = core.features(params, tf.reshape(states, [T * B, S])).dataSync();
    return { states: states.dataSync() as Float32Array, phi: Array.from({ length: T * B }, (_, r) => features.slice(r * F, r * F + D)) };
  });
  /** φ of the slow layer alone for every input row, float64, [T*B][D]. */
  const slowOnly = (params: Params) => {
    const w = { ws: { rows: IN, cols: D, data: Float64Array.from(params[0].dataSync()) }, bs: Float64Array.from(params[1].dataSync()) } as Weights64;
    return Array.from({ length: T * B }, (_, r) => slow64(w, xsData.subarray(r * IN, (r + 1) * IN)));
  };
  /** The parameters with G's output layer `[w2: [h, 1], b2: [1]]` replaced. */
  const withOutputLayer = (params: Params, w2: tf.Tensor, b2: tf.Tensor) => [...params.slice(0, 7), w2, b2, ...params.slice(9)];
  const allZero = (slots: Float32Array[][]) => slots.every((row) => row.every((w) => w.every((v) => v === 0)));

  it("with G's output layer zeroed, W* stays 0 and φ is the slow layer's closed form", () => {
    const params = core.init(Rng.fromSeed(3), IN, D);
    const extra = [tf.zeros([DEFAULTS.metaHidden, 1]), tf.zeros([1])];
    const { states, phi } = run(withOutputLayer(params, extra[0], extra[1]), xsData);
    assert.ok(allZero(fastOf(states)), 'every fast weight is 0');
    const error = Math.max(...phi.map((p, r) => maxAbsDiff(p, slowOnly(params)[r])));
    assert.ok(error < 1e-6, `φ vs tanh(x·W_s + b_s): ${error}`);
    tf.dispose([...params, ...extra]);
  });

  it('otherwise a transition writes non-zero fast weights that depend on its reward and change φ; the first step writes none', () => {
    const params = core.init(Rng.fromSeed(3), IN, D);
    const extra = [tf.tensor2d(normals(Rng.fromSeed(4), DEFAULTS.metaHidden), [DEFAULTS.metaHidden, 1]), tf.tensor1d([0.1])];
    const generating = withOutputLayer(params, extra[0], extra[1]);
    const { states, phi } = run(generating, xsData);
    const fast = fastOf(states);
    const slow = slowOnly(params);
    assert.ok(allZero(fast.slice(0, B)), 'step 1 from the empty memory writes nothing');
    assert.ok(maxAbsDiff(phi[0], slow[0]) < 1e-6 && maxAbsDiff(phi[1], slow[1]) < 1e-6, 'step 1: φ is the slow layer');
    assert.ok(fast[B][0].some((v) => Math.abs(v) > 1e-2), 'step 2 writes slot 0');
    const changed = Math.max(...phi.slice(B).map((p, r) => maxAbsDiff(p, slow[B + r])));
    assert.ok(changed > 1e-2, `fast weights change φ after step 1: ${changed}`);
    // Another reward r_1 (seen in x_2, row 0) changes what step 2 writes.
    const other = Float32Array.from(xsData);
    other[B * IN + IN - 2] += 3;
    const difference = maxAbsDiff(fastOf(run(generating, other).states)[B][0], fast[B][0]);
    assert.ok(difference > 1e-2, `the reward changes the fast weights: ${difference}`);
    tf.dispose([...params, ...extra]);
  });

  it("has a generator G whose parameter count does not depend on the base layer's size", () => {
    const small = core.init(Rng.fromSeed(1), 5, 4);
    const large = core.init(Rng.fromSeed(1), 9, 32);
    const generator = (ps: Params) => paramCount(ps.slice(5, 9));
    assert.equal(generator(small), 4 * DEFAULTS.metaHidden + 1);
    assert.equal(generator(large), generator(small));
    assert.ok(paramCount(large) > paramCount(small));
    tf.dispose([...small, ...large]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (c) Memory through the trial policy.

describe('metanet through Rl2TrialPolicy', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  const [OBS, ACT, H] = [4, 2, 5];
  const IN = rl2InputDim(OBS, ACT);
  const { slot, firstSlot, S } = rowLayout(DEFAULTS, IN, H);
  /** Slot k of env b in a hidden-state copy: [written, key, W*]. */
  const slotOf = (hidden: Float32Array, b: number, k: number) => hidden.subarray(b * S + firstSlot + k * slot, b * S + firstSlot + (k + 1) * slot);

  it("carries episode 1's fast weights across the episode boundary and clears them at startTrial", async () => {
    const core = metanet();
    const initial = recurrentPolicyInit(core, Rng.fromSeed(1), OBS, ACT, H, { outputGain: 1 });
    // A generator with a non-zero output layer (G's w2 is parameter 7), so that the fast weights are non-zero.
    const params = [...initial.slice(0, 7), tf.tensor2d(normals(Rng.fromSeed(4), DEFAULTS.metaHidden), [DEFAULTS.metaHidden, 1]), ...initial.slice(8)];
    const rng = Rng.fromSeed(2);
    // Env 0 starts its second episode at step 2, env 1 at step 3; neither is reset.
    const starts = [[1, 1], [0, 0], [1, 0], [0, 1], [0, 0]];
    const steps = starts.map((s) => {
      const obs = normals(rng, 2 * OBS);
      const ctx: StepContext = { episodeStart: Uint8Array.from(s), prevReward: normals(rng, 2), prevAction: normals(rng, 2 * ACT) };
      return { obs, ctx };
    });
    const policy = new Rl2TrialPolicy(core, params, 2, 'mean');
    const hs: Float32Array[] = [];
    const actions: Float32Array[] = [];
    for (const { obs, ctx } of steps) {
      actions.push(await policy.act(obs, ctx));
      hs.push(policy.hidden());
    }
    const xs = steps.map(({ obs, ctx }) => rl2Input(obs, ctx.prevAction, ctx.prevReward, ctx.episodeStart, 2));
    const ref = tf.tidy(() => {
      const out = recurrentUnroll(core, params, tf.tensor3d(Float32Array.from(xs.flatMap((x) => [...x])), [5, 2, IN]), tf.zeros([2, S]));
      return { hs: out.states.dataSync(), mean: out.mean.dataSync() };
    });
    hs.forEach((h, t) => assert.ok(maxAbsDiff(h, ref.hs.subarray(t * 2 * S, (t + 1) * 2 * S)) < 1e-5, `state after step ${t} vs one unroll over the trial`));
    actions.forEach((a, t) => assert.ok(maxAbsDiff(a, ref.mean.subarray(t * 2 * ACT, (t + 1) * 2 * ACT)) < 1e-5, `action at step ${t}`));
    // Env 0: slot 0 was written at step 1 (episode 1); the boundary step 2 writes slot 1 and leaves slot 0 as it was.
    const episode1 = slotOf(hs[1], 0, 0);
    assert.equal(episode1[0], 1, 'slot 0 written in episode 1');
    assert.ok(episode1.subarray(1 + DEFAULTS.keyDim).some((v) => Math.abs(v) > 1e-2), 'with non-zero fast weights');
    assert.deepEqual(slotOf(hs[2], 0, 0), episode1, 'slot 0 unchanged across the boundary');
    assert.equal(slotOf(hs[2], 0, 1)[0], 1, 'the boundary step writes slot 1');
    // φ at the boundary with the carried slots vs the same state with its slots emptied.
    const emptied = hs[2].slice(0, S).fill(0, firstSlot);
    const phi = (state: Float32Array) => tf.tidy(() => core.features(params.slice(0, -3), tf.tensor2d(state, [1, S])).dataSync().slice(0, H));
    assert.ok(maxAbsDiff(phi(hs[2].slice(0, S)), phi(emptied)) > 1e-2, "at the boundary φ reads episode 1's fast weights");
    policy.startTrial();
    assert.deepEqual(policy.hidden(), new Float32Array(2 * S));
    assert.ok(maxAbsDiff(await policy.act(steps[0].obs, steps[0].ctx), actions[0]) === 0, 'first action of a new trial as the first of the first trial');
    tf.dispose([...initial, params[7]]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (d) No tensor leaks in RL2.

registerEnv(robotEnv({ ...pointNav, id: 'PointNavMetaNetTiny-v0', horizon: 3 }));

describe('RL2 with the metanet core', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('keeps tf.memory().numTensors flat across meta-iterations and frees everything on dispose', async () => {
    await assertRl2TensorsFlat({ envId: 'PointNavMetaNetTiny-v0', core: 'metanet', coreOptions: { memorySlots: 2 }, hiddenDim: 8, seed: 1 }, 5);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (e) Learning. PointNav with 20-step episodes, trials of E = 2, 20 tasks per meta-iteration, RL2's defaults but
// D = hiddenDim = 8 (the fast-weight layer; the summary GRU has its default 64 units), core options at their defaults
// (K = 4 slots, dk = 8, G with 8 units, γ_b = 0.9, β = 5). Measured on held-out goals (10 test tasks x 5 trials,
// stochastic policy, wasm, machine shared): after 160 iterations (0.8-1.0 s each) the gain of episode 2 over
// episode 1 was +1.71 (8/10 improved), +1.12 (9/10), +2.08 (10/10) for policy seeds 0, 1, 2. With G's output layer
// zeroed after training (no fast weights) the episodes lose 0 to 1.8 return (seed 0: -5.72 -> -4.01 becomes
// -7.54 -> -5.74; seeds 1, 2: at most 0.24): the fast weights raise returns in both episodes for some seeds, while
// the gain of episode 2 is about unchanged, i.e. the summary GRU carries the adaptation across episodes.
// Without the summary GRU (summaryDim 0, D = 32) nothing was learnt in 160 iterations (seed 0: -8.26 -> -8.27).

describe('RL2 with the metanet core learns to adapt on PointNav (20-step episodes, E = 2)', () => {
  it('episode 2 of a trial clearly beats episode 1 on held-out goals after meta-training (carried by the summary GRU: see above)', async () => {
    await initBackend('wasm', () => {});
    const t0 = performance.now();
    const r = await rl2PointNavAdaptation({ core: 'metanet', hiddenDim: 8, seed: 2 }, 160);
    console.log(`# metanet RL2 PointNav held-out, ${r.summary}; ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
    assertEpisodeTwoBeatsOne(r);
  });
});
