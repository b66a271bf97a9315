/**
 * Recurrent cores (agents/recurrent-core.ts): (a) the registry rejects duplicate and unknown names, listing the
 * registered ones, and so does RL2's `core` option; (b) every registered core (the GRU and a toy core defined
 * here) steps T times exactly as it unrolls, resets included, with the shapes it declares; (c) the toy core,
 * registered here and named in RL2's options, trains with the unchanged RL2 learner: a new core needs no change to
 * the rl2 files.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { gruCore } from '../agents/gru-core.js';
import { resolveRl2Options } from '../agents/meta/rl2-options.js';
import { Rl2 } from '../agents/meta/rl2.js';
import { unrollSteps } from '../agents/nets.js';
import { rl2InputDim } from '../agents/policies.js';
import type { RecurrentCore } from '../agents/recurrent-core.js';
import { listRecurrentCores, recurrentCore, registerRecurrentCore } from '../agents/recurrent-cores.js';
import { envSpec, Rng } from '../envs/index.js';
import { actionSpace, observationSpace } from '../envs/task-def.js';
import { maxAbsDiff, normals } from './helpers.js';

/**
 * A leaky integrator s' = 0.5 s + x·W, params `[W: [in, H]]`, whose heads read [s, tanh(s)]: F = 2H differs from
 * S = H, so a mix-up of state and feature sizes anywhere in RL2 fails.
 */
const leakyCore: RecurrentCore = {
  name: 'leaky-test',
  init: (rng, inputDim, hiddenDim) => [tf.tensor2d(normals(rng, inputDim * hiddenDim, 0.3), [inputDim, hiddenDim])],
  stateSize: (params) => params[0].shape[1] as number,
  featureSize: (params) => 2 * (params[0].shape[1] as number),
  features: (_params, state) => tf.concat([state, tf.tanh(state)], 1),
  step: (params, x, state) => tf.add(tf.mul(state, 0.5), tf.matMul(x, params[0] as tf.Tensor2D)),
  unroll: (params, xs, s0, resetMask) => unrollSteps((x, s) => leakyCore.step(params, x, s), xs, s0, resetMask),
};
registerRecurrentCore(leakyCore);

describe('recurrent-core registry', () => {
  it('holds the GRU and registered cores, and rejects duplicates and unknown names listing the registered ones', () => {
    assert.deepEqual(listRecurrentCores(), ['gru', 'leaky-test']);
    assert.equal(recurrentCore('gru'), gruCore);
    assert.equal(recurrentCore('leaky-test'), leakyCore);
    assert.throws(() => registerRecurrentCore({ ...leakyCore }), /'leaky-test' is already registered.*registered: gru, leaky-test/);
    assert.throws(() => recurrentCore('lstm'), /Unknown recurrent core 'lstm'\. Registered cores: gru, leaky-test\./);
  });

  it("RL2's core option defaults to gru and rejects an unknown core, naming the registered ones", () => {
    assert.equal(resolveRl2Options({ envId: 'PointNav-v0' }).core, 'gru');
    assert.equal(resolveRl2Options({ envId: 'PointNav-v0', core: 'leaky-test' }).core, 'leaky-test');
    assert.throws(() => resolveRl2Options({ envId: 'PointNav-v0', core: 'lstm' }), /RL2: core must be a registered recurrent core \(gru, leaky-test\), got 'lstm'/);
  });
});

describe('every registered core', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  // T = 7 steps of B = 3 rows; row 2 starts a new trial (state zeroed) before step 4.
  const T = 7, B = 3, IN = 4, H = 5;
  const reset = Float32Array.from({ length: T * B }, (_, i) => (i === 4 * B + 2 ? 1 : 0));

  for (const name of listRecurrentCores()) {
    it(`${name}: stepping T times equals the unroll (with a reset), in the declared shapes`, () => {
      const core = recurrentCore(name);
      const params = core.init(Rng.fromSeed(1), IN, H);
      const S = core.stateSize(params);
      const xsData = normals(Rng.fromSeed(2), T * B * IN);
      const s0Data = normals(Rng.fromSeed(3), B * S, 0.5);
      tf.tidy(() => {
        const xs = tf.tensor3d(xsData, [T, B, IN]);
        const unrolled = core.unroll(params, xs, tf.tensor2d(s0Data, [B, S]), tf.tensor2d(reset, [T, B]));
        assert.deepEqual(unrolled.shape, [T, B, S]);
        let s = tf.tensor2d(s0Data, [B, S]);
        const stepped = (tf.unstack(xs) as tf.Tensor2D[]).map((x, t) => {
          const keep = tf.tensor2d(Float32Array.from({ length: B }, (_, b) => 1 - reset[t * B + b]), [B, 1]);
          return (s = core.step(params, x, tf.mul(s, keep)));
        });
        assert.ok(maxAbsDiff(unrolled.dataSync(), tf.stack(stepped).dataSync()) < 1e-5, `${name}: step vs unroll`);
        assert.deepEqual(core.features(params, s).shape, [B, core.featureSize(params)]);
      });
      tf.dispose(params);
    });
  }
});

describe('RL2 on a core registered outside the rl2 files', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('trains, acts and round-trips its state with the toy core, sized by its state and feature sizes', async () => {
    const spec = envSpec('PointNav-v0');
    const start = tf.memory().numTensors;
    const options = { envId: 'PointNav-v0', envOptions: { horizon: 4 }, core: 'leaky-test', hiddenDim: 3, epochs: 1, minibatches: 1, seed: 2 };
    const rl2 = await Rl2.create(options);
    const [obsDim, actDim] = [observationSpace(spec.def, {}).dim, actionSpace(spec.def).dim];
    const shapes = rl2.policyParams.map((p) => p.shape);
    assert.deepEqual(shapes, [[rl2InputDim(obsDim, actDim), 3], [6, actDim], [actDim], [actDim]], 'policy [W, wOut: [F = 2H, A], bOut, logStd]');
    const m = await rl2.metaStep(spec.def.tasks.sample(Rng.fromSeed(3), 2), 4);
    assert.equal(m.envSteps, 2 * 2 * 4);
    for (const v of [m.preReturn, m.postReturn, m.kl, m.losses.policy, m.losses.value, m.losses.entropy]) assert.ok(Number.isFinite(v));
    const state = await rl2.getState();
    assert.deepEqual(state.params.value.map((t) => t.shape), [[8, 1], [1]], 'value head on F + 2 = 8 inputs (features, time left in the episode and in the trial)');
    const trial = rl2.trialPolicy(2, 'mean');
    assert.equal(trial.hidden().length, 2 * 3, 'one state row of S = H entries per env');
    const other = await Rl2.create({ ...options, seed: 9 });
    other.setState(state);
    assert.deepEqual(await other.getState(), state);
    const gru = await Rl2.create({ ...options, core: 'gru' });
    assert.throws(() => gru.setState(state), /'policy'/);
    for (const learner of [rl2, other, gru]) learner.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
});
