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
import { learnerRegistration } from '../agents/index.js';
import { gruCore } from '../agents/gru-core.js';
import { resolveRl2Options } from '../agents/meta/rl2-options.js';
import { Rl2 } from '../agents/meta/rl2.js';
import { unrollSteps } from '../agents/nets.js';
import { rl2InputDim } from '../agents/policies.js';
import type { RecurrentCore } from '../agents/recurrent-core.js';
import { listRecurrentCores, recurrentCore, registerRecurrentCore } from '../agents/recurrent-cores.js';
import { envSpec, Rng } from '../envs/index.js';
import { actionSpace, observationSpace } from '../envs/task-def.js';
import { gruCell64, ParamReader, unrollRows64 } from './float64-ops.js';
import { maxAbsDiff, normals } from './helpers.js';
import { checkCoreAgainstFloat64, type CoreReference } from './rl2-core-fixtures.js';

/**
 * A leaky integrator s' = leak · s + x·W, params `[W: [in, H]]`, whose heads read [s, tanh(s)]: F = 2H differs from
 * S = H, so a mix-up of state and feature sizes anywhere in RL2 fails. `leak` is a core option (default 0.5).
 */
function leakyCore(leak: number): RecurrentCore {
  const core: RecurrentCore = {
    name: 'leaky-test',
    options: { leak: { default: 0.5, min: 0, max: 1, doc: 'state kept per step' } },
    configure: (options) => leakyCore(options.leak),
    init: (rng, inputDim, hiddenDim) => [tf.tensor2d(normals(rng, inputDim * hiddenDim, 0.3), [inputDim, hiddenDim])],
    stateSize: (params) => params[0].shape[1] as number,
    featureSize: (params) => 2 * (params[0].shape[1] as number),
    features: (_params, state) => tf.concat([state, tf.tanh(state)], 1),
    step: (params, x, state) => tf.add(tf.mul(state, leak), tf.matMul(x, params[0] as tf.Tensor2D)),
    unroll: (params, xs, s0, resetMask) => unrollSteps((x, s) => core.step(params, x, s), xs, s0, resetMask),
  };
  return core;
}
registerRecurrentCore(leakyCore(0.5));

describe('recurrent-core registry', () => {
  it('holds the GRU and registered cores, and rejects duplicates and unknown names listing the registered ones', () => {
    const names = listRecurrentCores();
    assert.ok(names.includes('gru') && names.includes('leaky-test'), names.join(', '));
    assert.deepEqual(names, [...names].sort());
    assert.equal(recurrentCore('gru'), gruCore);
    assert.equal(recurrentCore('leaky-test').name, 'leaky-test');
    assert.throws(() => registerRecurrentCore(leakyCore(0.1)), new RegExp(`'leaky-test' is already registered.*registered: ${names.join(', ')}`));
    assert.throws(() => recurrentCore('lstm'), new RegExp(`Unknown recurrent core 'lstm'\\. Registered cores: ${names.join(', ')}\\.`));
  });

  it("RL2's core option defaults to gru and rejects an unknown core, naming the registered ones", () => {
    assert.equal(resolveRl2Options({ envId: 'PointNav-v0' }).core, 'gru');
    assert.equal(resolveRl2Options({ envId: 'PointNav-v0', core: 'leaky-test' }).core, 'leaky-test');
    assert.throws(() => resolveRl2Options({ envId: 'PointNav-v0', core: 'lstm' }), new RegExp(`RL2: core must be a registered recurrent core \\(${listRecurrentCores().join(', ')}\\), got 'lstm'`));
  });

  it('labels RL2 results with the core unless it is the GRU', () => {
    const rl2 = learnerRegistration('rl2');
    assert.equal(rl2.label({}), 'RL2-PPO');
    assert.equal(rl2.label({ core: 'gru' }), 'RL2-PPO');
    assert.equal(rl2.label({ core: 'leaky-test' }), 'RL2-PPO (leaky-test)');
  });

  it('configures a core with its own options: defaults filled in, unknown names and out-of-range values rejected in one line', () => {
    assert.deepEqual(resolveRl2Options({ envId: 'PointNav-v0', core: 'leaky-test' }).coreOptions, { leak: 0.5 });
    assert.deepEqual(resolveRl2Options({ envId: 'PointNav-v0', core: 'leaky-test', coreOptions: { leak: 0.25 } }).coreOptions, { leak: 0.25 });
    assert.throws(() => resolveRl2Options({ envId: 'PointNav-v0', core: 'leaky-test', coreOptions: { slots: 4 } }), /^Error: RL2: coreOptions\.slots is not an option of core 'leaky-test' \(it takes leak\); remove it or pick another core\.$/);
    assert.throws(() => resolveRl2Options({ envId: 'PointNav-v0', coreOptions: { leak: 0.2 } }), /coreOptions\.leak is not an option of core 'gru' \(it takes none\)/);
    assert.throws(() => recurrentCore('leaky-test', { leak: 2 }), /RL2: coreOptions\.leak of core 'leaky-test' \(state kept per step\) must be a number in \[0, 1\], got 2\./);
    // The configured core steps with its setting: s' = 0.25 s + x·W from s = 1, x = 0.
    const core = recurrentCore('leaky-test', { leak: 0.25 });
    const params = core.init(Rng.fromSeed(1), 2, 3);
    tf.tidy(() => assert.deepEqual(Array.from(core.step(params, tf.zeros([1, 2]), tf.ones([1, 3])).dataSync()), [0.25, 0.25, 0.25]));
    tf.dispose(params);
  });
});

describe('every registered core', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  // T = 7 steps of B = 3 rows; row 2 starts a new trial (state zeroed) before step 4.
  const T = 7, B = 3, IN = 4, H = 6;
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

describe('GRU core against a float64 reference', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('unroll values and BPTT gradients (12 steps, a reset) match float64 loops and central differences', () => {
    const [IN, H] = [3, 4];
    const reference: CoreReference = (theta, xs, s0, reset) => {
      const p = new ParamReader(theta);
      const [wx, wh, bx, bh] = [p.matrix(IN, 3 * H), p.matrix(H, 3 * H), p.vector(3 * H), p.vector(3 * H)];
      p.done();
      return unrollRows64(12, 2, IN, H, xs, s0, reset, (x, h) => gruCell64(wx, wh, bx, bh, x, h), (h) => h);
    };
    const r = checkCoreAgainstFloat64(gruCore, reference, { T: 12, B: 2, inputDim: IN, hiddenDim: H, resets: [[5, 1]], stateScale: 0.5 });
    console.log(`# GRU vs float64: ${r.parameters} parameters, forward error ${r.forwardError.toExponential(1)}, gradient error ${r.gradientError.toExponential(1)}`);
    assert.ok(r.forwardError < 1e-5, `forward error ${r.forwardError}`);
    assert.ok(r.gradientError < 1e-3, `gradient error ${r.gradientError}`);
  });
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
