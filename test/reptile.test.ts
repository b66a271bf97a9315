/**
 * Reptile (agents/meta/reptile*.ts): (a) the outer update θ + ε·mean_i(θ_i − θ) and its annealing, as pure
 * functions, through the learner with injected adapted parameters, and wired to the real inner loop;
 * (b) no tensor leaks over 10 meta-iterations, exact state round trip (SGD and Adam outer steps);
 * (c) adaptation that works on held-out PointNav goals after a short meta-training.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend } from '../agents/backend.js';
import { annealedStepSize, reptileDirection, reptileUpdate } from '../agents/meta/reptile-update.js';
import { Reptile, type ReptileOptions } from '../agents/meta/reptile.js';
import { disposeParams, flattenParams, type Params } from '../agents/nets.js';
import { envSpec, Rng } from '../envs/index.js';
import { maxAbsDiff } from './helpers.js';

const pointNavTasks = envSpec('PointNav-v0').def.tasks;
const SMALL: ReptileOptions = { envId: 'PointNav-v0', hidden: [8], episodesPerTask: 2, innerSteps: 2, seed: 5 };

before(async () => {
  await initBackend('auto', () => {});
  await useBackend('wasm');
});

/** θ + ε·mean_i(θ_i − θ) in float64 on flat vectors. */
function expectedUpdate(theta: Float32Array, adapted: Float32Array[], eps: number): number[] {
  return Array.from(theta, (t, k) => t + (eps * adapted.reduce((s, a) => s + (a[k] - t), 0)) / adapted.length);
}

describe('Reptile outer update (pure functions)', () => {
  it('θ + ε·mean(θ_i − θ) on hand-computed values, per tensor', () => {
    const theta = [tf.tensor1d([1, 2]), tf.tensor2d([[0, -1]])];
    const a1 = [tf.tensor1d([3, 2]), tf.tensor2d([[1, 1]])];
    const a2 = [tf.tensor1d([1, 6]), tf.tensor2d([[-3, -1]])];
    const [d, u] = tf.tidy(() => [reptileDirection(theta, [a1, a2]), reptileUpdate(theta, [a1, a2], 0.5)].map((ps) => ps.map((p) => Array.from(p.dataSync()))));
    assert.deepEqual(d, [[1, 2], [-1, 1]]); // mean(θ_i) = [2, 4], [[-1, 0]]
    assert.deepEqual(u, [[1.5, 3], [-0.5, -0.5]]);
    assert.throws(() => reptileDirection(theta, [[a1[0]]]), /do not match θ's shapes/);
    assert.throws(() => reptileDirection(theta, []), /at least one task/);
    tf.dispose([...theta, ...a1, ...a2]);
  });

  it('anneals ε linearly from ε_0 to ε_final over T iterations, then holds it', () => {
    const schedule = { initial: 1, final: 0.2, iterations: 4 };
    const got = [0, 1, 2, 4, 9].map((t) => annealedStepSize(schedule, t));
    [1, 0.8, 0.6, 0.2, 0.2].forEach((want, i) => assert.ok(Math.abs(got[i] - want) < 1e-12, `t=${i}: ${got[i]}`));
    assert.equal(annealedStepSize({ initial: 0.3, final: 0.3, iterations: 0 }, 50), 0.3);
  });

  it('rejects inconsistent options with a message naming the fix', async () => {
    await assert.rejects(Reptile.create({ ...SMALL, outerStepSizeFinal: 0.1 }), /set annealIterations > 0/);
    await assert.rejects(Reptile.create({ ...SMALL, innerSteps: 0 }), /innerSteps must be an integer >= 1/);
  });
});

describe('Reptile learner: outer update with known inner results', () => {
  it('applyOuterUpdate moves θ by ε·mean(θ_i − θ) for injected θ_i, with the annealed ε', async () => {
    const r = await Reptile.create({ ...SMALL, outerStepSize: 0.8, outerStepSizeFinal: 0.2, annealIterations: 3 });
    const theta = await flattenParams(r.policyParams);
    const rng = Rng.fromSeed(9);
    const adapted: Params[] = [0, 1, 2].map(() => r.policyParams.map((p) => tf.tidy(() => tf.add(p, tf.randomNormal(p.shape, 0, 0.1, 'float32', rng.seed())))));
    const flat = await Promise.all(adapted.map(flattenParams));
    const displacement = await r.applyOuterUpdate(adapted);
    assert.ok(maxAbsDiff(await flattenParams(r.policyParams), expectedUpdate(theta, flat, 0.8)) < 1e-6);
    const direction = expectedUpdate(theta, flat, 1).map((x, k) => x - theta[k]);
    assert.ok(Math.abs(displacement - Math.hypot(...direction)) < 1e-5, `|Δ| = ${displacement}`);
    adapted.forEach(disposeParams);
    r.dispose();
  });

  for (const outerOptimizer of ['sgd', 'adam'] as const) {
    it(`metaStep applies the ${outerOptimizer} outer step to exactly the θ_i its inner loop computes`, async () => {
      const eps = outerOptimizer === 'sgd' ? 0.7 : 0.01;
      const r = await Reptile.create({ ...SMALL, outerOptimizer, outerStepSize: eps });
      const tasks = pointNavTasks.sample(Rng.fromSeed(11), 3);
      const theta = await flattenParams(r.policyParams);
      const inner = await r.adaptTasks(tasks, 42);
      const flat = await Promise.all(inner.adapted.map(flattenParams));
      inner.adapted.forEach(disposeParams);
      assert.deepEqual(await flattenParams(r.policyParams), theta, 'adaptTasks must not change θ');
      const m = await r.metaStep(tasks, 42);
      const after = await flattenParams(r.policyParams);
      const direction = expectedUpdate(theta, flat, 1).map((x, k) => x - theta[k]);
      // Adam's first step from zero moments is ε·Δ/(|Δ| + 1e-8): ε·sign(Δ) wherever |Δ| ≫ 1e-8.
      const want = outerOptimizer === 'sgd' ? expectedUpdate(theta, flat, eps) : direction.map((d, k) => theta[k] + (eps * d) / (Math.abs(d) + 1e-8));
      assert.ok(maxAbsDiff(after, want) < 1e-6, `max |θ − expected| = ${maxAbsDiff(after, want)}`);
      assert.deepEqual([m.preReturn, m.postReturn], [inner.returns[0], inner.returns[1]]);
      assert.equal(m.envSteps, 3 * 2 * 2 * 100);
      assert.equal(m.info.stepSize, eps);
      r.dispose();
    });
  }
});

describe('Reptile learner on PointNav-v0: memory and state', () => {
  it('keeps tf.memory().numTensors flat across 10 meta-iterations (with adaptation curves)', async () => {
    const r = await Reptile.create({ ...SMALL, innerSteps: 3, outerOptimizer: 'adam', outerStepSize: 0.01 });
    const rng = Rng.fromSeed(4);
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const m = await r.metaStep(pointNavTasks.sample(rng, 2), i);
      if (i % 3 === 0) await r.adaptationCurve(pointNavTasks.testTasks(1)[0], { seed: i, episodes: 2, steps: 2 });
      assert.equal(m.iteration, i + 1);
      assert.ok(Number.isFinite(m.preReturn) && Number.isFinite(m.postReturn) && Number.isFinite(m.losses.inner));
      assert.ok(m.timings.total >= m.timings.sampling + m.timings.inner + m.timings.outer);
      counts.push(tf.memory().numTensors);
    }
    assert.ok(counts.every((c) => c === counts[0]), `numTensors per iteration: ${counts}`);
    const before = tf.memory().numTensors;
    r.dispose();
    assert.equal(tf.memory().numTensors, before - 3 * r.policyParams.length); // θ, Adam's m and v
  });

  for (const outerOptimizer of ['sgd', 'adam'] as const) {
    it(`restores params, ${outerOptimizer} optimizer state and iteration exactly; rejects foreign states`, async () => {
      const opts: ReptileOptions = { ...SMALL, outerOptimizer, outerStepSize: outerOptimizer === 'sgd' ? 0.5 : 0.01, outerStepSizeFinal: 0.001, annealIterations: 4 };
      const r = await Reptile.create(opts);
      const tasks = pointNavTasks.sample(Rng.fromSeed(6), 2);
      await r.metaStep(tasks, 1);
      const saved = await r.getState();
      assert.equal(saved.optimizer.length, outerOptimizer === 'sgd' ? 0 : 2 * r.policyParams.length + 1);
      const curve = (await r.adaptationCurve(pointNavTasks.testTasks(1)[0], { seed: 1, episodes: 3, steps: 2 })).returns;
      assert.equal(curve.length, 3);
      assert.deepEqual(await r.getState(), saved, 'adaptationCurve must not change the learner');
      await r.metaStep(tasks, 2);
      const next = await r.getState();
      assert.notDeepEqual(next.params, saved.params);
      r.setState(saved);
      assert.deepEqual(await r.getState(), saved);
      assert.deepEqual((await r.adaptationCurve(pointNavTasks.testTasks(1)[0], { seed: 1, episodes: 3, steps: 2 })).returns, curve);
      await r.metaStep(tasks, 2);
      assert.deepEqual(await r.getState(), next, 'the step after a restore must repeat the step after the save');
      assert.throws(() => r.setState({ ...saved, name: 'maml-trpo' }), /learner 'maml-trpo'/);
      assert.throws(() => r.setState({ ...saved, params: { policy: saved.params.policy.slice(1) } }), /expected 5/);
      const foreignSlots = outerOptimizer === 'sgd' ? [{ shape: [1], data: Float32Array.of(1) }] : [];
      assert.throws(() => r.setState({ ...saved, optimizer: foreignSlots }), /optimizer slots|expected \d+ slots/);
      r.dispose();
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// (c) Learning: 30 meta-iterations (8 tasks x 8 episodes, 3 inner VPG steps with α = 0.5, ε annealed 0.7 -> 0.3,
// one hidden layer of 32), then 3 inner steps on 6 held-out goals. Measured on wasm (cpu gives the same returns to
// 0.1): mean return -40.1 -> -27.2 -> -21.4 -> -21.3 (gain +18.8, 6/6 tasks improved); the untrained init with the
// same 3 steps: -69.4 -> -60.6 (+8.8). Other policy/task seeds (1-4): gain +18 to +22, 6/6 improved.
// Thresholds: gain > 10, ≥ 5 of 6 improved, gain > untrained gain + 5, adapted return > untrained adapted + 20.

describe('Reptile learns to adapt on PointNav-v0', () => {
  it('three inner steps on held-out goals clearly beat the unadapted meta-policy and the untrained init', async () => {
    const steps = 3;
    const r = await Reptile.create({
      envId: 'PointNav-v0', hidden: [32], episodesPerTask: 8, innerSteps: 3, innerLr: 0.5, outerStepSize: 0.7, outerStepSizeFinal: 0.3, annealIterations: 30, seed: 1,
    });
    const testTasks = pointNavTasks.testTasks(6);
    const curves = async (): Promise<number[][]> => {
      const out: number[][] = [];
      for (const [i, task] of testTasks.entries()) out.push((await r.adaptationCurve(task, { seed: 7000 + i, episodes: 8, steps })).returns);
      return out;
    };
    const untrained = await curves();
    const rng = Rng.fromSeed(1001);
    for (let i = 0; i < 30; i++) await r.metaStep(pointNavTasks.sample(rng, 8), 100 + i);
    const trained = await curves();
    r.dispose();
    const [before, after, initBefore, initAfter] = [mean(trained.map((c) => c[0])), mean(trained.map((c) => c[steps])), mean(untrained.map((c) => c[0])), mean(untrained.map((c) => c[steps]))];
    const improved = trained.filter((c) => c[steps] > c[0]).length;
    console.log(`# PointNav held-out: meta-trained ${before.toFixed(1)} -> ${after.toFixed(1)} (${improved}/6 improved); untrained ${initBefore.toFixed(1)} -> ${initAfter.toFixed(1)}`);
    const detail = `trained ${JSON.stringify(trained)}; untrained ${JSON.stringify(untrained)}`;
    assert.ok(after - before > 10, `mean gain after ${steps} inner steps ${after - before}; ${detail}`);
    assert.ok(improved >= 5, `${improved}/6 test tasks improved; ${detail}`);
    assert.ok(after - before > initAfter - initBefore + 5, `gain ${after - before} vs untrained gain ${initAfter - initBefore}; ${detail}`);
    assert.ok(after > initAfter + 20, `adapted return ${after} vs untrained adapted ${initAfter}; ${detail}`);
  });
});

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
