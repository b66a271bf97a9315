/**
 * The MANN core (agents/mann-core.ts, agents/mann-memory.ts): (a) its unroll and BPTT gradients against an
 * independent float64 reference, for the default settings and a non-default one; (b) hand-worked addressing cases:
 * least-used selection and its ties, clearing and writing the least-used slot, usage, reading back a written
 * vector, uniform finite reads of the empty memory; (c) through Rl2TrialPolicy, memory carried across an episode
 * boundary and zeroed by startTrial; (d) no tensor leaks in RL2 with this core; (e) learning: RL2 with the MANN on
 * PointNav (20-step episodes, E = 2) adapts in episode 2 on held-out goals.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { COSINE_EPSILON, leastUsedWeights } from '../agents/mann-memory.js';
import type { MannSettings } from '../agents/mann-core.js';
import { resolveRl2Options } from '../agents/meta/rl2-options.js';
import { Rl2TrialPolicy } from '../agents/meta/rl2-policy.js';
import type { Params } from '../agents/nets.js';
import { recurrentPolicyInit, recurrentUnroll, rl2Input, rl2InputDim } from '../agents/policies.js';
import type { RecurrentCore } from '../agents/recurrent-core.js';
import { recurrentCore } from '../agents/recurrent-cores.js';
import type { StepContext } from '../agents/sampler.js';
import { envSpec, Rng } from '../envs/index.js';
import { affine, concat, gruCell64, map, ParamReader, sigmoid, softmax, softplus, unrollRows64, type Matrix } from './float64-ops.js';
import { maxAbsDiff } from './helpers.js';
import { assertEpisodeTwoBeatsOne, assertRl2TensorsFlat, checkCoreAgainstFloat64, rl2PointNavAdaptation, type CoreReference } from './rl2-core-fixtures.js';

const DEFAULTS: MannSettings = { memorySlots: 16, memoryWidth: 16, readHeads: 1, usageDecay: 0.95 };

/** The core named `mann`, configured with `settings`. */
const mann = (settings: MannSettings): RecurrentCore => recurrentCore('mann', { ...settings });

// ---------------------------------------------------------------------------------------------------------------
// (a) The float64 reference: one row's step in plain loops, written from the equations of agents/mann-core.ts.

/** A row's state, each part a plain array: h [H], reads [R][M], memory [N][M], usage [N], readWeights [R][N]. */
interface Row64 {
  h: Float64Array;
  reads: Float64Array[];
  memory: Float64Array[];
  usage: Float64Array;
  readWeights: Float64Array[];
}

/** Rows of `width` entries cut from `flat` at `offset`. */
function rows(flat: Float64Array, offset: number, count: number, width: number): Float64Array[] {
  return Array.from({ length: count }, (_, i) => flat.slice(offset + i * width, offset + (i + 1) * width));
}

function parseRow(s: MannSettings, H: number, state: Float64Array): Row64 {
  const { memorySlots: N, memoryWidth: M, readHeads: R } = s;
  const at = [H, H + R * M, H + R * M + N * M, H + R * M + N * M + N];
  return { h: state.slice(0, H), reads: rows(state, at[0], R, M), memory: rows(state, at[1], N, M), usage: state.slice(at[2], at[3]), readWeights: rows(state, at[3], R, N) };
}

function flattenRow(r: Row64): Float64Array {
  return concat(r.h, ...r.reads, ...r.memory, r.usage, ...r.readWeights);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const smoothNorm64 = (v: ArrayLike<number>) => Math.sqrt(dot(v, v) + COSINE_EPSILON);

/** Slots sorted by usage, ties to the lower index, and the smallest non-zero gap between the first R + 1 of them. */
function leastUsed64(usage: Float64Array, R: number): { slots: number[]; margin: number } {
  const order = Array.from(usage.keys()).sort((a, b) => usage[a] - usage[b] || a - b);
  let margin = Infinity;
  for (let k = 0; k < Math.min(R, usage.length - 1); k++) {
    const gap = usage[order[k + 1]] - usage[order[k]];
    if (gap > 0) margin = Math.min(margin, gap);
  }
  return { slots: order.slice(0, R), margin };
}

/** What one reference run saw: the least-used slots of every step (as text) and their smallest margin. */
interface SelectionLog {
  slots: string[];
  margin: number;
}

/**
 * The MANN step of one row in float64: GRU on [x, r], heads, least-used clearing and writes, cosine reads, usage.
 * Appends the step's least-used slots to `log`.
 */
function mannStep64(s: MannSettings, p: { gru: [Matrix, Matrix, Float64Array, Float64Array]; wHeads: Matrix; bHeads: Float64Array }, x: Float64Array, state: Float64Array, log: SelectionLog): Float64Array {
  const { memorySlots: N, memoryWidth: M, readHeads: R, usageDecay: gamma } = s;
  const H = p.gru[1].rows;
  const prev = parseRow(s, H, state);
  const h = gruCell64(...p.gru, concat(x, ...prev.reads), prev.h);
  const out = affine(h, p.wHeads, p.bHeads);
  const keys = rows(map(out.slice(0, R * M), Math.tanh), 0, R, M);
  const strengths = map(out.slice(R * M, R * M + R), (v) => 1 + softplus(v));
  const writeVectors = rows(map(out.slice(R * M + R, 2 * R * M + R), Math.tanh), 0, R, M);
  const gates = map(out.slice(2 * R * M + R), sigmoid);
  const { slots, margin } = leastUsed64(prev.usage, R);
  log.slots.push(slots.join(','));
  log.margin = Math.min(log.margin, margin);
  const memory = prev.memory.map((row, j) => (slots.includes(j) ? new Float64Array(M) : row.slice()));
  const writes = Array.from({ length: R }, (_, i) => map(prev.readWeights[i], (w, j) => gates[i] * w + (1 - gates[i]) * (j === slots[i] ? 1 : 0)));
  for (let j = 0; j < N; j++) for (let i = 0; i < R; i++) for (let k = 0; k < M; k++) memory[j][k] += writes[i][j] * writeVectors[i][k];
  const readWeights = keys.map((key, i) => softmax(memory.map((row) => (strengths[i] * dot(key, row)) / (smoothNorm64(key) * smoothNorm64(row)))));
  const reads = readWeights.map((w) => Float64Array.from({ length: M }, (_, k) => memory.reduce((acc, row, j) => acc + w[j] * row[k], 0)));
  const usage = map(prev.usage, (u, j) => gamma * u + readWeights.reduce((acc, w, i) => acc + w[j] + writes[i][j], 0));
  return flattenRow({ h, reads, memory, usage, readWeights });
}

/** A {@link CoreReference} of the MANN with `s` (T steps of B rows), logging every run's selections in `logs`. */
function mannReference(s: MannSettings, T: number, B: number, IN: number, H: number, logs: SelectionLog[]): CoreReference {
  const { memorySlots: N, memoryWidth: M, readHeads: R } = s;
  const S = H + R * M + N * M + N + R * N;
  return (theta, xs, s0, reset) => {
    const r = new ParamReader(theta);
    const gru: [Matrix, Matrix, Float64Array, Float64Array] = [r.matrix(IN + R * M, 3 * H), r.matrix(H, 3 * H), r.vector(3 * H), r.vector(3 * H)];
    const params = { gru, wHeads: r.matrix(H, R * (2 * M + 2)), bHeads: r.vector(R * (2 * M + 2)) };
    r.done();
    const log: SelectionLog = { slots: [], margin: Infinity };
    logs.push(log);
    return unrollRows64(T, B, IN, S, xs, s0, reset, (x, state) => mannStep64(s, params, x, state, log), (state) => state.slice(0, H + R * M));
  };
}

describe('MANN core against a float64 reference', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  // T = 10 steps of B = 2 rows from random (non-zero) states; row 1 starts a new trial (zero state) before step 4.
  const setups: [string, MannSettings][] = [
    ['defaults (N = 16, M = 16, R = 1, γ = 0.95)', DEFAULTS],
    ['N = 5, M = 3, R = 2, γ = 0.7', { memorySlots: 5, memoryWidth: 3, readHeads: 2, usageDecay: 0.7 }],
  ];
  for (const [label, settings] of setups) {
    it(`${label}: unroll values and BPTT gradients match float64 loops and central differences`, () => {
      const [T, B, IN, H] = [10, 2, 3, 4];
      const logs: SelectionLog[] = [];
      const r = checkCoreAgainstFloat64(mann(settings), mannReference(settings, T, B, IN, H, logs), { T, B, inputDim: IN, hiddenDim: H, resets: [[4, 1]], stateScale: 0.5, seed: 7 });
      console.log(`# MANN ${label} vs float64: ${r.parameters} parameters, forward error ${r.forwardError.toExponential(1)}, gradient error ${r.gradientError.toExponential(1)}; least-used margin ${logs[0].margin.toExponential(1)}`);
      // The least-used selection is piecewise constant: the comparison is only valid where neither a perturbation
      // nor float32 rounding flips it. Every central-difference run must pick the slots the unperturbed run picked,
      // and the unperturbed run's smallest gap at the selection boundary (exact ties excluded: they are between
      // slots with identical histories, which stay identical under any perturbation and in float32, and go to the
      // lower index on both sides) must dwarf the float32 error of the usage (features: ~1e-7; usage sums <= T
      // such terms).
      assert.equal(logs.length, 1 + 2 * r.parameters);
      assert.ok(logs.every((log) => log.slots.join(';') === logs[0].slots.join(';')), 'a perturbation changed a least-used selection');
      assert.ok(logs[0].margin > 1e-4, `least-used margin ${logs[0].margin}`);
      assert.ok(new Set(logs[0].slots).size > 1, 'the selection changes over the unroll');
      assert.ok(r.forwardError < 1e-5, `forward error ${r.forwardError}`);
      assert.ok(r.gradientError < 1e-3, `gradient error ${r.gradientError}`);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// (b) Hand-worked addressing: the heads' weights are zero, so their outputs are set by the biases alone.

/** One head's outputs: key k [M], strength β > 1, write vector a [M], gate α in (0, 1). */
interface HandHead {
  key: number[];
  strength: number;
  write: number[];
  gate: number;
}

/** The bias `bHeads` whose heads output `heads` when `wHeads` = 0 (inverses of tanh, 1 + softplus, tanh, σ). */
function headBias(heads: HandHead[]): Float32Array {
  return Float32Array.from([
    ...heads.flatMap((h) => h.key.map(Math.atanh)),
    ...heads.map((h) => Math.log(Math.expm1(h.strength - 1))),
    ...heads.flatMap((h) => h.write.map(Math.atanh)),
    ...heads.map((h) => Math.log(h.gate / (1 - h.gate))),
  ]);
}

const HAND_IN = 2, HAND_H = 3;

/** Core params (seeded GRU) whose heads output `heads` whatever h_t is. */
function handParams(core: RecurrentCore, heads: HandHead[]): Params {
  const params = core.init(Rng.fromSeed(3), HAND_IN, HAND_H);
  tf.dispose(params.splice(4, 2, tf.zerosLike(params[4]), tf.tensor1d(headBias(heads))));
  return params;
}

/** A state row: h = 0, reads = 0, and the given memory [N][M], usage [N] and previous read weights [R][N]. */
function handState(s: MannSettings, memory: number[][], usage: number[], readWeights: number[][]): Float32Array {
  return Float32Array.from([...new Array(HAND_H + s.readHeads * s.memoryWidth).fill(0), ...memory.flat(), ...usage, ...readWeights.flat()]);
}

/** One step of one row from `state`, its parts as arrays. */
function stepRow(core: RecurrentCore, s: MannSettings, params: Params, state: Float32Array): { memory: number[][]; usage: number[]; readWeights: number[][]; reads: number[][] } {
  const x = Float32Array.from({ length: HAND_IN }, (_, i) => 0.3 - 0.5 * i);
  const next = tf.tidy(() => core.step(params, tf.tensor2d(x, [1, HAND_IN]), tf.tensor2d(state, [1, state.length])).dataSync());
  const parts = parseRow(s, HAND_H, Float64Array.from(next));
  const plain = (rs: Float64Array[]) => rs.map((r) => Array.from(r));
  return { memory: plain(parts.memory), usage: Array.from(parts.usage), readWeights: plain(parts.readWeights), reads: plain(parts.reads) };
}

function assertNear(actual: number[], expected: number[], tol: number, what: string): void {
  assert.ok(maxAbsDiff(actual, expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

describe('MANN addressing, hand-worked', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('declares its options with their defaults, and needs a slot per head', () => {
    assert.deepEqual(resolveRl2Options({ envId: 'PointNav-v0', core: 'mann' }).coreOptions, { ...DEFAULTS });
    assert.throws(() => recurrentCore('mann', { memorySlots: 2, readHeads: 3 }), /readHeads of core 'mann' \(R\) must be at most memorySlots \(N = 2\), got 3/);
    assert.throws(() => recurrentCore('mann', { usageDecay: 1.5 }), /usageDecay of core 'mann'.*must be a number in \[0, 1\], got 1\.5/);
    const core = mann({ memorySlots: 5, memoryWidth: 3, readHeads: 2, usageDecay: 0.5 });
    const params = core.init(Rng.fromSeed(1), 4, 6);
    assert.deepEqual(params.map((p) => p.shape), [[4 + 6, 18], [6, 18], [18], [18], [6, 2 * (2 * 3 + 2)], [2 * (2 * 3 + 2)]]);
    assert.deepEqual([core.stateSize(params), core.featureSize(params)], [6 + 6 + 15 + 5 + 10, 6 + 6]);
    tf.dispose(params);
  });

  it('picks the i-th least-used slot for head i, ties to the lower index, with no gradient to the usage', () => {
    tf.tidy(() => {
      const usage = tf.tensor2d([[0.3, 0.1, 0.1, 0.9], [0, 0, 0, 0], [0.4, 0.2, 0.7, 0.05]]);
      assert.deepEqual(leastUsedWeights(usage, 2).arraySync(), [
        [[0, 1, 0, 0], [0, 0, 1, 0]],
        [[1, 0, 0, 0], [0, 1, 0, 0]],
        [[0, 0, 0, 1], [0, 1, 0, 0]],
      ]);
      const grad = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(leastUsedWeights(u as tf.Tensor2D, 2), tf.reshape(tf.range(1, 25), [3, 2, 4]))))(usage);
      assert.deepEqual(Array.from(grad.dataSync()), new Array(12).fill(0));
    });
  });

  it('clears the least-used slot, then writes α w^r_{t−1} + (1 − α) w^lu; usage is γ u + w^r + w^w', () => {
    const s: MannSettings = { memorySlots: 4, memoryWidth: 2, readHeads: 1, usageDecay: 0.8 };
    const core = mann(s);
    const params = handParams(core, [{ key: [0.5, 0.5], strength: 2, write: [0.5, -0.25], gate: 0.25 }]);
    const usage = [0.5, 0.1, 0.9, 0.7];
    const previousReads = [0.1, 0.2, 0.3, 0.4];
    const out = stepRow(core, s, params, handState(s, [[1, 0], [0, 1], [-1, 0], [0, -1]], usage, [previousReads]));
    // Slot 1 is least used: w^w = 0.25 [0.1, 0.2, 0.3, 0.4] + 0.75 [0, 1, 0, 0] = [0.025, 0.8, 0.075, 0.1], and
    // slot 1's old [0, 1] is gone: 0.8 a = [0.4, −0.2] (not [0.4, 0.8]).
    const writes = [0.025, 0.8, 0.075, 0.1];
    assertNear(out.memory.flat(), [1.0125, -0.00625, 0.4, -0.2, -0.9625, -0.01875, 0.05, -1.025], 1e-6, 'memory');
    assertNear([out.readWeights[0].reduce((a, b) => a + b)], [1], 1e-6, 'read weights sum');
    assertNear(out.usage, usage.map((u, j) => 0.8 * u + out.readWeights[0][j] + writes[j]), 1e-6, 'usage');
    assertNear(out.reads[0], [0, 1].map((k) => out.memory.reduce((acc, row, j) => acc + out.readWeights[0][j] * row[k], 0)), 1e-6, 'reads');
    tf.dispose(params);
  });

  it('with two heads, writes each head\'s vector to its own least-used slot (a tie goes to the lower index)', () => {
    const s: MannSettings = { memorySlots: 4, memoryWidth: 2, readHeads: 2, usageDecay: 0.95 };
    const core = mann(s);
    const params = handParams(core, [{ key: [0.5, 0], strength: 2, write: [0.5, 0], gate: 0.5 }, { key: [0, 0.5], strength: 2, write: [0, -0.5], gate: 0.5 }]);
    const ones = [[1, 1], [1, 1], [1, 1], [1, 1]];
    const out = stepRow(core, s, params, handState(s, ones, [0.3, 0.1, 0.1, 0.9], [[0, 0, 0, 0], [0, 0, 0, 0]]));
    assertNear(out.memory.flat(), [1, 1, 0.25, 0, 0, -0.25, 1, 1], 1e-6, 'memory');
    tf.dispose(params);
  });

  it('reads back the vector just written when the key matches it (large β)', () => {
    const s: MannSettings = { memorySlots: 4, memoryWidth: 2, readHeads: 1, usageDecay: 0.95 };
    const core = mann(s);
    const params = handParams(core, [{ key: [0.6, 0], strength: 60, write: [0.6, 0], gate: 1e-12 }]);
    const out = stepRow(core, s, params, handState(s, [[0, 1], [0, -1], [-1, 0], [0, 0.5]], [0.3, 0.2, 0.6, 0.1], [[0.25, 0.25, 0.25, 0.25]]));
    // Slot 3 (least used) now holds a = [0.6, 0]; cos(k, a) ≈ 1, the others 0 or −1: β = 60 puts ~all weight on it.
    assertNear(out.memory[3], [0.6, 0], 1e-6, 'written slot');
    assert.ok(out.readWeights[0][3] > 1 - 1e-6, `read weight on the written slot ${out.readWeights[0][3]}`);
    assertNear(out.reads[0], [0.6, 0], 1e-6, 'read vector');
    tf.dispose(params);
  });

  it('reads the all-zero memory uniformly, with finite values and gradients', () => {
    const s: MannSettings = { memorySlots: 4, memoryWidth: 2, readHeads: 1, usageDecay: 0.95 };
    const core = mann(s);
    const params = handParams(core, [{ key: [0.5, -0.3], strength: 5, write: [0, 0], gate: 0.5 }]);
    const S = core.stateSize(params);
    const out = stepRow(core, s, params, new Float32Array(S));
    assert.deepEqual(out.memory.flat(), new Array(8).fill(0));
    assertNear(out.readWeights[0], [0.25, 0.25, 0.25, 0.25], 1e-7, 'read weights');
    assert.deepEqual(out.reads[0], [0, 0]);
    // The gradient of the features of two steps from a zero state (the memory still empty when read) is finite.
    const grads = tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => {
      const states = core.unroll(ps, tf.ones([2, 1, HAND_IN]), tf.zeros([1, S]));
      return tf.sum(core.features(ps, tf.reshape(states, [2, S])));
    })(params).map((g) => Array.from(g.dataSync())));
    assert.ok(grads.flat().every(Number.isFinite), 'finite gradients');
    assert.ok(grads[5].some((v) => v !== 0), 'the heads receive gradient');
    tf.dispose(params);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (c) The trial policy: the memory lives in the core state, carried across episodes and zeroed between trials.

describe('MANN in the RL2 trial policy', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('keeps the memory across an episode boundary and zeroes it at startTrial', async () => {
    const [OBS, ACT, H] = [4, 2, 5];
    const s: MannSettings = { memorySlots: 4, memoryWidth: 3, readHeads: 1, usageDecay: 0.95 };
    const core = mann(s);
    const params = recurrentPolicyInit(core, Rng.fromSeed(1), OBS, ACT, H, { outputGain: 1 });
    const S = core.stateSize(params.slice(0, -3));
    const memoryOf = (hidden: Float32Array, env: number) => hidden.slice(env * S + H + s.memoryWidth, env * S + H + s.memoryWidth + s.memorySlots * s.memoryWidth);
    const filledSlots = (memory: Float32Array) => Array.from({ length: s.memorySlots }, (_, j) => memory.subarray(j * s.memoryWidth, (j + 1) * s.memoryWidth).some((v) => v !== 0)).filter(Boolean).length;
    // env 0 starts its second episode at step 2, env 1 at step 3: only the done flag of the input says so.
    const rng = Rng.fromSeed(2);
    const steps = [[1, 1], [0, 0], [1, 0], [0, 1], [0, 0]].map((starts) => {
      const ctx: StepContext = {
        episodeStart: Uint8Array.from(starts),
        prevReward: Float32Array.from(starts, () => rng.normal()),
        prevAction: Float32Array.from({ length: 2 * ACT }, () => rng.normal()),
      };
      return { obs: Float32Array.from({ length: 2 * OBS }, () => rng.normal()), ctx };
    });
    const policy = new Rl2TrialPolicy(core, params, 2, 'mean');
    assert.deepEqual(policy.hidden(), new Float32Array(2 * S));
    const hidden: Float32Array[] = [];
    for (const { obs, ctx } of steps) {
      await policy.act(obs, ctx);
      hidden.push(policy.hidden());
    }
    // The whole trial as one unroll with no resets rebuilds every state.
    const xs = steps.map(({ obs, ctx }) => rl2Input(obs, ctx.prevAction, ctx.prevReward, ctx.episodeStart, 2));
    const unrolled = tf.tidy(() => recurrentUnroll(core, params, tf.tensor3d(Float32Array.from(xs.flatMap((x) => Array.from(x))), [5, 2, rl2InputDim(OBS, ACT)]), tf.zeros([2, S])).states.dataSync());
    assert.ok(maxAbsDiff(hidden.flatMap((h) => Array.from(h)), unrolled) < 1e-5, 'trial policy states vs unroll without resets');
    // One step from a zero state writes only the least-used slot (w^r_{t−1} = 0); across the boundary the memory
    // written in episode 1 is still there.
    const fresh = new Rl2TrialPolicy(core, params, 2, 'mean');
    await fresh.act(steps[2].obs, steps[2].ctx);
    assert.equal(filledSlots(memoryOf(fresh.hidden(), 0)), 1, 'a zero state fills one slot in one step');
    assert.equal(filledSlots(memoryOf(hidden[1], 0)), s.memorySlots, 'episode 1 filled every slot of env 0');
    assert.equal(filledSlots(memoryOf(hidden[2], 0)), s.memorySlots, 'after the boundary env 0 still has every slot filled');
    assert.ok(maxAbsDiff(memoryOf(hidden[2], 0), memoryOf(fresh.hidden(), 0)) > 1e-3, 'not the memory of a fresh trial');
    policy.startTrial();
    assert.deepEqual(policy.hidden(), new Float32Array(2 * S));
    tf.dispose(params);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (d) RL2 with the MANN: no tensor leaks.

describe('RL2 learner with the MANN core', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('keeps tf.memory().numTensors flat across meta-iterations and frees everything on dispose', async () => {
    const options = { envId: 'PointNav-v0', envOptions: { horizon: 4 }, core: 'mann', coreOptions: { memorySlots: 4, memoryWidth: 3, readHeads: 2 }, hiddenDim: 6, seed: 1 };
    await assertRl2TensorsFlat(options, 5, async (rl2) => {
      assert.equal((await rl2.adaptationCurve(envSpec('PointNav-v0').def.tasks.testTasks(1)[0], { seed: 1, episodes: 2, trials: 2 })).returns.length, 2);
      assert.equal(rl2.trialPolicy(3, 'mean').hidden().length, 3 * (6 + 2 * 3 + 4 * 3 + 4 + 2 * 4), 'S = H + R·M + N·M + N + R·N per env');
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (e) Learning. PointNav with 20-step episodes, trials of E = 2 episodes, 20 tasks per meta-iteration, RL2's
// defaults (H = 64, PPO 4 epochs x 2 minibatches) with the MANN's default memory (N = 16, M = 16, R = 1) and Adam
// at 6e-3 instead of 3e-3: a MANN iteration costs ~4x a GRU iteration here (its step is ~4x the kernels; wasm time
// is kernel launches at these sizes), so it gets 60 iterations instead of the GRU's 160. Measured (seed 1, wasm):
// Adam 3e-3: 50 iterations gain +0.08 (6/10 improved), 100 iterations gain +1.45 (9/10); Adam 8e-3, 45 iterations:
// gain +1.14 (7/10); Adam 6e-3, 60 iterations: -7.85 -> -5.72, gain +2.13 (8/10).

describe('RL2 with the MANN learns to adapt on PointNav (20-step episodes, E = 2)', () => {
  it('episode 2 of a trial clearly beats episode 1 on held-out goals after meta-training', async () => {
    await initBackend('wasm', () => {});
    const t0 = performance.now();
    const r = await rl2PointNavAdaptation({ core: 'mann', coreOptions: { ...DEFAULTS }, learningRate: 6e-3, seed: 1 }, 60);
    console.log(`# RL2 + MANN PointNav held-out, ${r.summary}; ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
    assertEpisodeTwoBeatsOne(r);
  });
});
