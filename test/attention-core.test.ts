/**
 * The causal self-attention core (agents/attention-core.ts, registered as `attention`):
 * (a) unroll and features against an independent float64 reference in the textbook form (keys, values and queries at
 *     every position; the core folds them into the newest query), forward values and gradients, with the default and
 *     a non-default setting (W = 5 < T, L = 2, 4 heads);
 * (b) causality and the window bound, invalid slots ignored, the closed form of a single valid token, option checks;
 * (c) the history of episode 1 in the state after the episode boundary, cleared by startTrial (Rl2TrialPolicy);
 * (d) no tensor leaks over RL2 meta-iterations; (e) learning: episode 2 beats episode 1 on held-out PointNav goals.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { Rl2TrialPolicy } from '../agents/meta/rl2-policy.js';
import { disposeParams, type Params } from '../agents/nets.js';
import { recurrentPolicyInit, recurrentUnroll, rl2Input, rl2InputDim } from '../agents/policies.js';
import type { RecurrentCore } from '../agents/recurrent-core.js';
import { recurrentCore } from '../agents/recurrent-cores.js';
import type { StepContext } from '../agents/sampler.js';
import { BLOCK_TENSORS } from '../agents/transformer-block.js';
import { Rng } from '../envs/index.js';
import { affine, concat, map, ParamReader, softmax, unrollRows64, type Matrix } from './float64-ops.js';
import { maxAbsDiff, normals } from './helpers.js';
import { assertEpisodeTwoBeatsOne, assertRl2TensorsFlat, checkCoreAgainstFloat64, rl2PointNavAdaptation, type CoreReference } from './rl2-core-fixtures.js';

/** Settings of the attention core (its `coreOptions`). */
interface Setting {
  contextWindow: number;
  layers: number;
  heads: number;
}
const DEFAULTS: Setting = { contextWindow: 64, layers: 1, heads: 2 };

// ---------------------------------------------------------------------------------------------------------------
// Float64 reference: plain loops over tokens, every position's keys, values and queries.

interface Block64 {
  norm1: [Float64Array, Float64Array];
  wq: Matrix; bq: Float64Array; wk: Matrix; wv: Matrix; wo: Matrix; bo: Float64Array;
  norm2: [Float64Array, Float64Array];
  w1: Matrix; b1: Float64Array; w2: Matrix; b2: Float64Array;
}

interface Model64 {
  inputDim: number;
  window: number;
  heads: number;
  embed: Matrix;
  /** Row a: the embedding of age a (0 = newest). */
  ages: Matrix;
  blocks: Block64[];
  final: [Float64Array, Float64Array];
}

function readModel(theta: Float64Array, inputDim: number, width: number, s: Setting): Model64 {
  const p = new ParamReader(theta);
  const embed = p.matrix(inputDim, width);
  const ages = p.matrix(s.contextWindow, width);
  const norm = (): [Float64Array, Float64Array] => [p.vector(width), p.vector(width)];
  const blocks = Array.from({ length: s.layers }, (): Block64 => ({
    norm1: norm(),
    wq: p.matrix(width, width), bq: p.vector(width), wk: p.matrix(width, width), wv: p.matrix(width, width), wo: p.matrix(width, width), bo: p.vector(width),
    norm2: norm(),
    w1: p.matrix(width, 2 * width), b1: p.vector(2 * width), w2: p.matrix(2 * width, width), b2: p.vector(width),
  }));
  const final = norm();
  p.done();
  return { inputDim, window: s.contextWindow, heads: s.heads, embed, ages, blocks, final };
}

function layerNorm64(x: Float64Array, [gain, bias]: [Float64Array, Float64Array]): Float64Array {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
  return map(x, (v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * gain[i] + bias[i]);
}

const add = (a: Float64Array, b: ArrayLike<number>): Float64Array => map(a, (v, i) => v + b[i]);
const row = (m: Matrix, r: number): Float64Array => m.data.subarray(r * m.cols, (r + 1) * m.cols);

/** h + MLP(LN2(h)), the MLP with a ReLU. */
function mlpResidual64(b: Block64, h: Float64Array): Float64Array {
  const hidden = map(affine(layerNorm64(h, b.norm2), b.w1, b.b1), (v) => Math.max(v, 0));
  return add(h, affine(hidden, b.w2, b.b2));
}

/** One block at every valid position i: softmax over valid keys j <= i per head, then the MLP sublayer. */
function block64(b: Block64, h: Float64Array[], valid: boolean[], heads: number): Float64Array[] {
  const width = h[0].length;
  const headWidth = width / heads;
  const a = h.map((t) => layerNorm64(t, b.norm1));
  const [q, k, v] = [a.map((t) => affine(t, b.wq, b.bq)), a.map((t) => affine(t, b.wk)), a.map((t) => affine(t, b.wv))];
  return h.map((hi, i) => {
    if (!valid[i]) return hi;
    const keys = [...Array(i + 1).keys()].filter((j) => valid[j]);
    const context = new Float64Array(width);
    for (let head = 0; head < heads; head++) {
      const cols = [...Array(headWidth).keys()].map((d) => head * headWidth + d);
      const p = softmax(keys.map((j) => cols.reduce((s, c) => s + q[i][c] * k[j][c], 0) / Math.sqrt(headWidth)));
      keys.forEach((j, m) => cols.forEach((c) => (context[c] += p[m] * v[j][c])));
    }
    return mlpResidual64(b, add(hi, affine(context, b.wo, b.bo)));
  });
}

/** Features of one state [W·(in + 1)]: invalid slots zeroed, embedded with their age, the blocks, the final LN of the newest. */
function features64(m: Model64, state: Float64Array): Float64Array {
  const slot = m.inputDim + 1;
  const valid = [...Array(m.window).keys()].map((j) => state[j * slot + m.inputDim] > 0.5);
  let h = valid.map((ok, j) => add(affine(ok ? state.subarray(j * slot, j * slot + m.inputDim) : new Float64Array(m.inputDim), m.embed), row(m.ages, m.window - 1 - j)));
  for (const b of m.blocks) h = block64(b, h, valid, m.heads);
  return layerNorm64(h[m.window - 1], m.final);
}

function attentionReference(T: number, B: number, inputDim: number, width: number, s: Setting): CoreReference {
  const size = s.contextWindow * (inputDim + 1);
  return (theta, xs, s0, reset) => {
    const m = readModel(theta, inputDim, width, s);
    const step = (x: Float64Array, state: Float64Array) => concat(state.subarray(inputDim + 1), x, [1]);
    return unrollRows64(T, B, inputDim, size, xs, s0, reset, step, (state) => features64(m, state));
  };
}

/** Features [T, F] of one env's inputs xs [T*in] from the zero state (unroll, then features of every state). */
function featuresOver(core: RecurrentCore, params: Params, xs: Float32Array, T: number, inputDim: number): Float32Array {
  return tf.tidy(() => {
    const states = core.unroll(params, tf.tensor3d(xs, [T, 1, inputDim]), tf.zeros([1, core.stateSize(params)]));
    return core.features(params, tf.reshape(states, [T, -1]) as tf.Tensor2D).dataSync() as Float32Array;
  });
}

// ---------------------------------------------------------------------------------------------------------------

describe('attention core against a float64 reference', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  const cases: { what: string; setting: Setting; T: number; width: number; resets: [number, number][] }[] = [
    { what: 'defaults (W = 64, L = 1, 2 heads)', setting: DEFAULTS, T: 10, width: 4, resets: [[4, 1]] },
    { what: 'W = 5 < T, L = 2, 4 heads', setting: { contextWindow: 5, layers: 2, heads: 4 }, T: 12, width: 8, resets: [[6, 0]] },
  ];
  for (const { what, setting, T, width, resets } of cases) {
    it(`${what}: unroll features and BPTT gradients match float64 loops and central differences`, () => {
      const [B, IN] = [2, 3];
      const core = recurrentCore('attention', { ...setting });
      // stateScale 1: random initial windows, about a third of their slots valid (flag > 0.5), interleaved.
      const r = checkCoreAgainstFloat64(core, attentionReference(T, B, IN, width, setting), { T, B, inputDim: IN, hiddenDim: width, resets, stateScale: 1 });
      console.log(`# attention ${what} vs float64: ${r.parameters} parameters, forward error ${r.forwardError.toExponential(1)}, gradient error ${r.gradientError.toExponential(1)}`);
      assert.ok(r.forwardError < 1e-5, `forward error ${r.forwardError}`);
      assert.ok(r.gradientError < 1e-3, `gradient error ${r.gradientError}`);
    });
  }
});

describe('attention core behaviour', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });
  const [IN, D] = [3, 8];

  for (const layers of [1, 2]) {
    it(`L = ${layers}: an input changes the features of exactly the W steps whose window holds it`, () => {
      const [W, T, changed] = [4, 12, 3];
      const core = recurrentCore('attention', { contextWindow: W, layers });
      const params = core.init(Rng.fromSeed(1), IN, D);
      const xs = normals(Rng.fromSeed(2), T * IN);
      const other = Float32Array.from(xs);
      for (let i = 0; i < IN; i++) other[changed * IN + i] += 1;
      const [f, g] = [featuresOver(core, params, xs, T, IN), featuresOver(core, params, other, T, IN)];
      for (let t = 0; t < T; t++) {
        const diff = maxAbsDiff(f.subarray(t * D, (t + 1) * D), g.subarray(t * D, (t + 1) * D));
        if (t < changed) assert.equal(diff, 0, `step ${t} precedes the change`);
        else if (t < changed + W) assert.ok(diff > 1e-3, `step ${t}: the changed input is in the window (diff ${diff})`);
        else assert.equal(diff, 0, `step ${t}: the changed input is older than W = ${W}`);
      }
      disposeParams(params);
    });
  }

  it('ignores invalid slots: garbage under flag 0, or other age embeddings there, give exactly the same features (L = 2)', () => {
    const W = 8;
    const core = recurrentCore('attention', { contextWindow: W, layers: 2 });
    const params = core.init(Rng.fromSeed(3), IN, D);
    const rng = Rng.fromSeed(4);
    // After 3 steps from zero the 5 oldest slots are invalid (all zeros).
    const clean = tf.tidy(() => {
      const states = core.unroll(params, tf.tensor3d(normals(rng, 3 * IN), [3, 1, IN]), tf.zeros([1, W * (IN + 1)]));
      return tf.reshape(tf.slice(states, [2, 0, 0], [1, 1, W * (IN + 1)]), [-1]).dataSync() as Float32Array;
    });
    const garbage = Float32Array.from(clean);
    for (let j = 0; j < 5; j++) garbage.set(normals(rng, IN, 100), j * (IN + 1));
    assert.ok(clean.subarray(0, 5 * (IN + 1)).every((v) => v === 0) && garbage[0] !== 0);
    const featuresOf = (ps: Params, s: Float32Array) => tf.tidy(() => core.features(ps, tf.tensor2d(s, [1, s.length])).dataSync());
    const f = featuresOf(params, clean);
    assert.equal(maxAbsDiff(f, featuresOf(params, garbage)), 0);
    // Masked out of the keys, not merely zeroed: the age embeddings of the empty slots (ages 3..7) do not count either.
    const ages = tf.concat([tf.slice(params[1], [0, 0], [3, D]), tf.randomNormal([5, D], 0, 1, 'float32', 5)]);
    assert.equal(maxAbsDiff(f, featuresOf([params[0], ages, ...params.slice(2)], clean)), 0);
    ages.dispose();
    disposeParams(params);
  });

  /** The closed form of one valid token x (age 0): attention over one key returns its value projection. */
  function singleToken64(m: Model64, x: Float64Array): Float64Array {
    let h = add(affine(x, m.embed), row(m.ages, 0));
    for (const b of m.blocks) h = mlpResidual64(b, add(h, affine(affine(layerNorm64(h, b.norm1), b.wv), b.wo, b.bo)));
    return layerNorm64(h, m.final);
  }

  const singleCases: { what: string; setting: Setting }[] = [
    { what: 'one valid token in the default window of 64', setting: DEFAULTS },
    { what: 'W = 1, L = 2', setting: { contextWindow: 1, layers: 2, heads: 2 } },
  ];
  for (const { what, setting } of singleCases) {
    it(`${what}: features are the closed form LN(h + MLP) of h = e + (LN(e)·Wv)·Wo + bo, independent of Wq, Wk`, () => {
      const core = recurrentCore('attention', { ...setting });
      const params = core.init(Rng.fromSeed(5), IN, D);
      const x = normals(Rng.fromSeed(6), IN);
      const featuresAfterOneStep = (ps: Params) => tf.tidy(() => core.features(ps, core.step(ps, tf.tensor2d(x, [1, IN]), tf.zeros([1, core.stateSize(ps)]))).dataSync());
      const theta = Float64Array.from(tf.tidy(() => tf.concat(params.map((p) => tf.reshape(p, [-1]))).dataSync()));
      const expected = singleToken64(readModel(theta, IN, D, setting), Float64Array.from(x));
      const actual = featuresAfterOneStep(params);
      assert.ok(maxAbsDiff(actual, expected) < 1e-5, `max error ${maxAbsDiff(actual, expected)}`);
      // Queries and keys only weigh the single key: redrawing them (block tensors 2-4: wq, bq, wk) changes nothing.
      const isQueryOrKey = (i: number) => i >= 2 && i < params.length - 2 && [2, 3, 4].includes((i - 2) % BLOCK_TENSORS);
      const redrawn = params.map((p, i) => (isQueryOrKey(i) ? tf.randomNormal(p.shape, 0, 1, 'float32', 9) : p));
      assert.equal(maxAbsDiff(featuresAfterOneStep(redrawn), actual), 0);
      tf.dispose(redrawn.filter((p, i) => p !== params[i]));
      disposeParams(params);
    });
  }

  it('declares its options and rejects a width not divisible by the heads, naming both', () => {
    assert.equal(recurrentCore('attention').name, 'attention');
    assert.throws(() => recurrentCore('attention', { contextWindow: 0 }), /coreOptions\.contextWindow of core 'attention'.*\[1, 1024\], got 0/);
    assert.throws(() => recurrentCore('attention', { heads: 9 }), /coreOptions\.heads of core 'attention'.*\[1, 8\], got 9/);
    assert.throws(() => recurrentCore('attention', { heads: 3 }).init(Rng.fromSeed(1), IN, 8), /^Error: attention core: hiddenDim 8 must be divisible by heads 3; change hiddenDim or coreOptions\.heads\.$/);
    const params = recurrentCore('attention', { contextWindow: 6 }).init(Rng.fromSeed(1), IN, D);
    assert.equal(recurrentCore('attention', { contextWindow: 6 }).stateSize(params), 6 * (IN + 1));
    disposeParams(params);
  });
});

describe('attention core through Rl2TrialPolicy', () => {
  const [OBS, ACT, H, W] = [4, 2, 8, 8];
  const IN = rl2InputDim(OBS, ACT);
  let core: RecurrentCore;
  let params: Params;
  before(async () => {
    await initBackend('wasm', () => {});
    core = recurrentCore('attention', { contextWindow: W });
    params = recurrentPolicyInit(core, Rng.fromSeed(1), OBS, ACT, H, { outputGain: 1 });
  });

  /** A step of 2 envs with seeded observations; `starts[b]` = 1 where env b starts an episode. */
  function randomStep(rng: Rng, starts: number[]): { obs: Float32Array; ctx: StepContext } {
    const obs = normals(rng, 2 * OBS);
    const ctx: StepContext = {
      episodeStart: Uint8Array.from(starts),
      prevReward: Float32Array.from(starts, (s) => (s ? 0 : rng.normal())),
      prevAction: Float32Array.from({ length: 2 * ACT }, (_, k) => (starts[Math.floor(k / ACT)] ? 0 : rng.normal())),
    };
    return { obs, ctx };
  }

  it('holds the inputs of episode 1 in the state after the episode boundary; startTrial clears it', async () => {
    const policy = new Rl2TrialPolicy(core, params, 2, 'mean');
    // env 0 starts its second episode at step 2, env 1 at step 3; neither is reset.
    const starts = [[1, 1], [0, 0], [1, 0], [0, 1], [0, 0]];
    const rng = Rng.fromSeed(2);
    const steps = starts.map((s) => randomStep(rng, s));
    const rows = steps.map(({ obs, ctx }) => rl2Input(obs, ctx.prevAction, ctx.prevReward, ctx.episodeStart, 2));
    const S = W * (IN + 1);
    const actions: Float32Array[] = [];
    for (const [t, { obs, ctx }] of steps.entries()) {
      actions.push(await policy.act(obs, ctx));
      const state = policy.hidden();
      for (let b = 0; b < 2; b++) {
        // Slot W − 1 − age holds the input of step t − age with flag 1; slots before the trial are empty.
        for (let age = 0; age < W; age++) {
          const slot = state.subarray(b * S + (W - 1 - age) * (IN + 1), b * S + (W - age) * (IN + 1));
          const expected = age <= t ? concat(rows[t - age].subarray(b * IN, (b + 1) * IN), [1]) : new Float64Array(IN + 1);
          assert.deepEqual(Array.from(slot), Array.from(expected), `env ${b} after step ${t}, age ${age}`);
        }
      }
    }
    // Acting matches one unroll over the whole trial (the episode-start flag is an input, not a reset).
    const mean = tf.tidy(() => recurrentUnroll(core, params, tf.tensor3d(Float32Array.from(concat(...rows)), [5, 2, IN]), tf.zeros([2, S])).mean.dataSync());
    assert.ok(maxAbsDiff(concat(...actions), mean) < 1e-5, 'acting vs unroll');
    policy.startTrial();
    assert.deepEqual(policy.hidden(), new Float32Array(2 * S));
    assert.deepEqual(await policy.act(steps[0].obs, steps[0].ctx), actions[0], 'first action of a new trial');
    const fresh = new Rl2TrialPolicy(core, params, 2, 'mean');
    const boundary = await fresh.act(steps[2].obs, steps[2].ctx);
    assert.ok(Math.abs(boundary[0] - actions[2][0]) > 1e-4, 'at the boundary env 0 acts on episode 1 too, not on an empty window');
  });
});

describe('RL2 with the attention core', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('keeps tf.memory().numTensors flat across meta-iterations and frees everything on dispose', async () => {
    const options = { envId: 'PointNav-v0', envOptions: { horizon: 4 }, core: 'attention', coreOptions: { contextWindow: 4, layers: 2 }, hiddenDim: 8, epochs: 1, minibatches: 1, seed: 2 };
    await assertRl2TensorsFlat(options, 3, (rl2) => {
      const inputDim = rl2.policyParams[0].shape[0];
      assert.equal(rl2.trialPolicy(2, 'mean').hidden().length, 2 * 4 * (inputDim + 1), 'one window of W = 4 slots per env');
    });
  });

  it('learns to adapt on PointNav: episode 2 of a trial clearly beats episode 1 on held-out goals', async () => {
    const t0 = performance.now();
    // W = 40 holds the whole trial (2 episodes of 20 steps); width 32 keeps an iteration as fast as the GRU's at 64.
    const r = await rl2PointNavAdaptation({ core: 'attention', coreOptions: { contextWindow: 40 }, hiddenDim: 32, seed: 1 }, 120);
    console.log(`# RL2 attention PointNav held-out, ${r.summary}; ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
    assertEpisodeTwoBeatsOne(r);
  });
});
