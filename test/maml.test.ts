/**
 * MAML (agents/meta/maml*.ts): (a) the meta-gradient through one and two inner steps, and the TRPO KL
 * Hessian-vector product through the inner update, against a float64 reference (test/maml-reference.ts) on cpu
 * and wasm, with first-order MAML clearly different; (b) no tensor leaks over 20 meta-iterations, exact state
 * round trip; (c) adaptation that works on held-out PointNav goals after a short meta-training.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend } from '../agents/backend.js';
import { registerFastMatMulGradient } from '../agents/matmul-grad.js';
import { disposeTaskData, outerKl, type InnerUpdate } from '../agents/meta/maml-objective.js';
import { Maml } from '../agents/meta/maml.js';
import { hessianVectorProduct } from '../agents/trpo.js';
import { envSpec, Rng } from '../envs/index.js';
import { hvpFd64, initParams64, oldPolicies64, outerKl64, scaledError } from './maml-reference.js';
import { LR, metaGradientCheck, SIZES, syntheticTasks, toTfParams, toTfTasks } from './maml-tf-fixtures.js';
import { heldOutAdaptation } from './meta-helpers.js';

// ---------------------------------------------------------------------------------------------------------------
// (a) Meta-gradient on fixed synthetic paths (test/maml-tf-fixtures.ts).

// Measured scaled errors: ~3e-7 on cpu and wasm for one and two inner steps (float32 rounding, eps 6e-8, over
// sums of 16 samples through three nested passes). 1e-4 leaves >100x margin for other CPUs and summation orders;
// first-order MAML misses the second-order terms by ~1e-1, >1000x the tolerance (asserted > 100x).
const META_TOL = 1e-4;
const params64 = initParams64(3, SIZES);

before(async () => {
  await initBackend('auto', () => {});
  await registerFastMatMulGradient(); // as Maml.create does: flag-free backward products on wasm
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`MAML meta-gradient on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
      assert.equal(tf.getBackend(), backend);
    });
    for (const steps of [1, 2]) {
      it(`matches float64 central differences through ${steps} inner step(s); first order does not`, async () => {
        const { secondOrder: err, firstOrder: foErr, valueError, lossError } = await metaGradientCheck(params64, steps);
        assert.ok(valueError < 1e-5 && lossError < 1e-5, `L_out errors ${valueError} / ${lossError}`);
        assert.ok(err < META_TOL, `${backend}, ${steps} step(s): second-order scaled error ${err}`);
        assert.ok(foErr > 100 * META_TOL, `${backend}, ${steps} step(s): first-order error ${foErr} should be far above ${META_TOL}`);
        console.log(`# ${backend} ${steps} step(s): second-order error ${err.toExponential(2)}, first-order ${foErr.toExponential(2)}`);
      });
    }
  });
}

// The TRPO curvature: Fisher-vector products of the mean KL through the inner update (third-order gradients),
// at θ_old (where TRPO uses them) and at a shifted point (where the terms through ∂²θ'/∂θ² do not vanish).
// Measured scaled errors ~1e-6 (float32); the float64 reference is good to ~1e-6 absolute on a scale of ~1.
const HVP_TOL = 1e-4;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`MAML KL Hessian-vector product on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
      assert.equal(tf.getBackend(), backend);
    });
    it('matches float64 differences of the KL gradient, through one inner step', async () => {
      const tasks64 = syntheticTasks(params64, 1);
      const olds = oldPolicies64(params64, SIZES, tasks64, LR);
      const tasks = toTfTasks(tasks64, olds);
      const update: InnerUpdate = { lr: LR, firstOrder: false, activation: 'tanh' };
      const rng = Rng.fromSeed(17);
      for (const shift of [0, 0.3]) {
        const at64 = params64.map((a) => a.map((x) => Math.fround(x + shift * rng.uniform(-1, 1))));
        const v = Float32Array.from({ length: at64.reduce((n, a) => n + a.length, 0) }, () => rng.normal());
        const reference = hvpFd64((p) => outerKl64(p, SIZES, tasks64, LR, olds), at64, v);
        const at = toTfParams(at64);
        const hv = Array.from(await hessianVectorProduct((ps) => outerKl(ps, tasks, update), at)(v));
        tf.dispose(at);
        const err = scaledError(hv, reference);
        console.log(`# ${tf.getBackend()} KL HVP, shift ${shift}: scaled error ${err.toExponential(2)}`);
        assert.ok(err < HVP_TOL, `${backend}, shift ${shift}: scaled error ${err}`);
      }
      disposeTaskData(tasks);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// (b) The learner on PointNav-v0: no tensor leaks, checkpoint state round trip.

const pointNavTasks = envSpec('PointNav-v0').def.tasks;

describe('MAML learner on PointNav-v0', () => {
  before(async () => {
    await useBackend('wasm');
  });

  for (const firstOrder of [false, true]) {
    it(`keeps tf.memory().numTensors flat across 20 meta-iterations (${firstOrder ? 'first order, 2 inner steps' : 'second order'})`, async () => {
      const innerSteps = firstOrder ? 2 : 1;
      const maml = await Maml.create({ envId: 'PointNav-v0', hidden: [16], episodesPerTask: 2, seed: 3, firstOrder, innerSteps });
      const rng = Rng.fromSeed(4);
      const counts: number[] = [];
      for (let i = 0; i < 20; i++) {
        const m = await maml.metaStep(pointNavTasks.sample(rng, 2), i);
        if (i % 5 === 0) await maml.adaptationCurve(pointNavTasks.testTasks(1)[0], { seed: i, episodes: 2, steps: 2 });
        assert.equal(m.iteration, i + 1);
        assert.equal(m.envSteps, 2 * 2 * (innerSteps + 1) * 100);
        assert.ok(Number.isFinite(m.preReturn) && Number.isFinite(m.postReturn) && Number.isFinite(m.losses.outerAfter));
        counts.push(tf.memory().numTensors);
      }
      assert.ok(counts.every((c) => c === counts[0]), `numTensors per iteration: ${counts}`);
      const before = tf.memory().numTensors;
      maml.dispose();
      assert.equal(tf.memory().numTensors, before - maml.policyParams.length);
    });
  }

  it('restores its state exactly and rejects a foreign one; adaptationCurve leaves θ unchanged', async () => {
    const maml = await Maml.create({ envId: 'PointNav-v0', hidden: [8], episodesPerTask: 2, seed: 5 });
    const saved = await maml.getState();
    const { returns: curve, successRates } = await maml.adaptationCurve(pointNavTasks.testTasks(1)[0], { seed: 1, episodes: 3, steps: 2 });
    assert.equal(successRates?.length, 3, 'PointNav defines success: one rate per point');
    assert.equal(curve.length, 3);
    assert.deepEqual(await maml.getState(), saved);
    await maml.metaStep(pointNavTasks.sample(Rng.fromSeed(6), 2), 7);
    assert.notDeepEqual((await maml.getState()).params, saved.params);
    maml.setState(saved);
    assert.deepEqual(await maml.getState(), saved);
    assert.deepEqual((await maml.adaptationCurve(pointNavTasks.testTasks(1)[0], { seed: 1, episodes: 3, steps: 2 })).returns, curve);
    assert.throws(() => maml.setState({ ...saved, name: 'rl2-ppo' }), /learner 'rl2-ppo'/);
    const bad = { ...saved, params: { policy: saved.params.policy.slice(1) } };
    assert.throws(() => maml.setState(bad), /expected 5/);
    maml.dispose();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (c) Learning: after 6 meta-iterations (8 tasks x 8 episodes, one hidden layer of 32), one inner step on
// held-out goals beats the unadapted policy. Measured (policy seeds 1-8, wasm, TRPO curvature on a fifth of the
// samples): mean gain +8.3 to +13.5 return, 5 or 6 of 6 test tasks improved (seed 1: -46.5 -> -33.2); on half the
// samples +11.6 to +15.5, on all +13.4 to +15.5; before meta-training the same inner step changes the return by
// about -4.5. The thresholds (gain > 4, >= 4 of 6 improved) leave room for other backends.

describe('MAML learns to adapt on PointNav-v0', () => {
  it('one inner step on held-out goals clearly beats the unadapted meta-policy', async () => {
    await useBackend('wasm');
    const maml = await Maml.create({ envId: 'PointNav-v0', hidden: [32], episodesPerTask: 8, seed: 1 });
    const rng = Rng.fromSeed(1001);
    for (let i = 0; i < 6; i++) await maml.metaStep(pointNavTasks.sample(rng, 8), 100 + i);
    const { curves, gain, improved, summary } = await heldOutAdaptation(maml, pointNavTasks.testTasks(6), { steps: 1, episodes: 8, seedBase: 7000 });
    maml.dispose();
    console.log(`# PointNav held-out: ${summary}`);
    assert.ok(gain > 4, `mean gain after one inner step ${gain}; curves ${JSON.stringify(curves)}`);
    assert.ok(improved >= 4, `${improved}/6 test tasks improved; curves ${JSON.stringify(curves)}`);
  });
});
