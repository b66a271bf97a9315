/**
 * The learned LSTM optimizer (agents/lstm-optimizer.ts) and its MAML learner (agents/meta/learned-optimizer.ts):
 * (a) one optimizer step against the float64 reference (test/lstm-optimizer-reference.ts), tiny and zero gradients
 * included; coordinate sharing (permuting the coordinates permutes the updates and the state, nothing else); the
 * parameter count does not depend on the policy; (b) the meta-gradient w.r.t. θ and ω through 1 and 2 inner steps
 * against float64 central differences (second order), and the first-order one against central differences of the
 * objective with the inner gradients held constant; (c) the learner: zero initial update, numTensors flat, exact
 * resume, a frozen θ; (d) learning on PointNav against plain SGD from the same θ.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend } from '../agents/backend.js';
import { lstmOptimizerShapes, lstmOptimizerStep, lstmOptimizerZeroState, type LstmOptimizerConfig } from '../agents/lstm-optimizer.js';
import { registerFastMatMulGradient } from '../agents/matmul-grad.js';
import { LearnedOptimizer } from '../agents/meta/learned-optimizer.js';
import { disposeTaskData } from '../agents/meta/maml-objective.js';
import { Maml } from '../agents/meta/maml.js';
import { envSpec, Rng } from '../envs/index.js';
import { lstmStep64, preprocess64, type LstmRule64 } from './lstm-optimizer-reference.js';
import { adapt64, gradFd64, initParams64, innerGrads64, logProb64, outerLoss64, scaledError, type Params64, type Task64 } from './maml-reference.js';
import { SIZES, syntheticTasks, tfMetaGradient, toTfParams, toTfTasks } from './maml-tf-fixtures.js';
import { assertExactResume, assertTensorsFlat, heldOutAdaptation } from './meta-helpers.js';

const SMALL: LstmOptimizerConfig = { hidden: 4, layers: 2, preprocessP: 10, outputScale: 0.1 };

/** Float32-representable optimizer weights drawn uniformly in ±scale (the output layer too: a nonzero update). */
function randomRule64(seed: number, config: LstmOptimizerConfig, scale = 0.6): LstmRule64 {
  const rng = Rng.fromSeed(seed);
  const weights = lstmOptimizerShapes(config).map((s) => Float64Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => Math.fround(rng.uniform(-scale, scale))));
  return { weights, config };
}

const toTf = (rule: LstmRule64): tf.Tensor[] => rule.weights.map((w, i) => tf.tensor(Float32Array.from(w), lstmOptimizerShapes(rule.config)[i]));

before(async () => {
  await initBackend('auto', () => {});
  await registerFastMatMulGradient();
});

// ---------------------------------------------------------------------------------------------------------------
// (a) One step, coordinate sharing, parameter count.

describe('LSTM optimizer step', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('matches the float64 reference over two steps (state carried), tiny and zero gradients included', async () => {
    const rule = randomRule64(1, SMALL);
    const rng = Rng.fromSeed(2);
    const grads = [0, 1].map(() => Float64Array.from({ length: 12 }, (_, k) => Math.fround(k === 0 ? 0 : k === 1 ? 1e-6 : k === 2 ? -3e-5 : rng.normal(0, 0.5))));
    assert.deepEqual(preprocess64(1e-6, 10), [-1, Math.exp(10) * 1e-6]);
    let state64 = undefined as ReturnType<typeof lstmStep64>['state'] | undefined;
    const weights = toTf(rule);
    let state = lstmOptimizerZeroState(12, SMALL);
    for (const g of grads) {
      const ref = lstmStep64(rule, g, state64);
      state64 = ref.state;
      const [update, ...next] = tf.tidy(() => {
        const out = lstmOptimizerStep(weights, tf.tensor1d(Float32Array.from(g)), state, SMALL);
        return [out.update, ...out.state];
      });
      tf.dispose(state);
      state = next as tf.Tensor2D[];
      const got = await update.data();
      update.dispose();
      assert.ok(scaledError(got, ref.update) < 1e-5, `update error ${scaledError(got, ref.update)}`);
      const h2 = await state[2].data();
      const want = ref.state.flatMap((coordinate) => Array.from(coordinate[1].h));
      assert.ok(scaledError(h2, want) < 1e-5, `layer-2 state error ${scaledError(h2, want)}`);
    }
    tf.dispose([...weights, ...state]);
  });

  it('shares one LSTM across coordinates: permuting them permutes the updates and the state, nothing else', async () => {
    const rule = randomRule64(3, SMALL);
    const weights = toTf(rule);
    const rng = Rng.fromSeed(4);
    const n = 20;
    const g1 = Float32Array.from({ length: n }, () => rng.normal(0, 0.3));
    const g2 = Float32Array.from({ length: n }, () => rng.normal(0, 0.3));
    const perm = Array.from({ length: n }, (_, i) => (i * 7 + 3) % n);
    const permute = (xs: Float32Array) => Float32Array.from(perm, (p) => xs[p]);
    const run = (a: Float32Array, b: Float32Array) =>
      tf.tidy(() => {
        const first = lstmOptimizerStep(weights, tf.tensor1d(a), lstmOptimizerZeroState(n, SMALL), SMALL);
        const second = lstmOptimizerStep(weights, tf.tensor1d(b), first.state, SMALL);
        return [second.update, second.state[3]];
      });
    const [u, c] = run(g1, g2);
    const [up, cp] = run(permute(g1), permute(g2));
    assert.deepEqual(Array.from(await up.data()), Array.from(permute((await u.data()) as Float32Array)));
    const cells = (await c.array()) as number[][];
    assert.deepEqual(await cp.array(), perm.map((p) => cells[p]));
    tf.dispose([u, c, up, cp, ...weights]);
  });

  it('has a parameter count set by its own sizes only (5,141 for the paper\'s two layers of 20), for any policy', async () => {
    const count = (c: LstmOptimizerConfig) => lstmOptimizerShapes(c).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    assert.equal(count({ hidden: 20, layers: 2, preprocessP: 10, outputScale: 0.1 }), 5141);
    const sizes: number[] = [];
    for (const hidden of [[8], [64, 64]]) {
      const learner = await LearnedOptimizer.create({ envId: 'PointNav-v0', hidden, seed: 0 });
      const rho = learner.innerRuleParams as tf.Tensor[];
      sizes.push(rho.reduce((n, t) => n + t.size, 0));
      learner.dispose();
    }
    assert.deepEqual(sizes, [5141, 5141]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (b) Meta-gradients on the MAML fixtures' synthetic tasks (obs 2, 8 tanh units, 2 actions: P = 44), ω of the
// small optimizer (261 values).

const TOL = 1e-4;

/** L_out with every task's inner gradients held at `fixed` (first order): θ' = θ + Σ_j m_ω(g_j), no inner batch. */
function firstOrderLoss64(theta: Params64, rule: LstmRule64, tasks: Task64[], fixed: Params64[][]): number {
  let total = 0;
  tasks.forEach((task, t) => {
    const logp = logProb64(adapt64(theta, SIZES, [], rule, fixed[t]), SIZES, task.outer);
    const o = task.outer;
    total += -logp.reduce((s, lp, i) => s + Math.exp(lp - (o.logpOld as Float64Array)[i]) * o.adv[i], 0) / logp.length;
  });
  return total / tasks.length;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`LSTM optimizer meta-gradients on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });
    for (const steps of [1, 2]) {
      it(`θ and ω gradients match float64 central differences through ${steps} inner step(s), second and first order`, async () => {
        const theta64 = initParams64(3, SIZES);
        const rule = randomRule64(7, SMALL);
        const P = theta64.reduce((n, a) => n + a.length, 0);
        const tasks64 = syntheticTasks(theta64, steps, rule);
        const exact = (p: Params64, w: Params64) => outerLoss64(p, SIZES, tasks64, { ...rule, weights: w });
        const fixed = tasks64.map((task) => innerGrads64(theta64, SIZES, task.inner, rule));
        const fo = (p: Params64, w: Params64) => firstOrderLoss64(p, { ...rule, weights: w }, tasks64, fixed);
        const ref = {
          theta: gradFd64((p) => exact(p, rule.weights), theta64),
          omega: gradFd64((w) => exact(theta64, w), rule.weights),
          foTheta: gradFd64((p) => fo(p, rule.weights), theta64),
          foOmega: gradFd64((w) => fo(theta64, w), rule.weights),
        };
        const [params, omega, tasks] = [toTfParams(theta64), toTf(rule), toTfTasks(tasks64)];
        const lstm = { kind: 'lstm', lstm: SMALL } as const;
        const second = await tfMetaGradient(params, tasks, false, omega, lstm);
        const first = await tfMetaGradient(params, tasks, true, omega, lstm);
        tf.dispose([...params, ...omega]);
        disposeTaskData(tasks);
        const value64 = exact(theta64, rule.weights);
        assert.ok(Math.abs(second.value - value64) < 1e-5, `L_out ${second.value} vs ${value64}`);
        const errs = {
          theta: scaledError(second.grad.slice(0, P), ref.theta),
          omega: scaledError(second.grad.slice(P), ref.omega),
          firstTheta: scaledError(first.grad.slice(0, P), ref.foTheta),
          firstOmega: scaledError(first.grad.slice(P), ref.foOmega),
          firstThetaVsExact: scaledError(first.grad.slice(0, P), ref.theta),
          firstOmegaVsExact: scaledError(first.grad.slice(P), ref.omega),
        };
        console.log(`# ${backend} ${steps} step(s): scaled errors ${Object.entries(errs).map(([k, e]) => `${k} ${e.toExponential(2)}`).join(', ')}`);
        for (const key of ['theta', 'omega', 'firstTheta', 'firstOmega'] as const) assert.ok(errs[key] < TOL, `${key}: scaled error ${errs[key]}`);
        // First order drops ∂∇L_in/∂θ: the θ gradient misses those terms at any k. One step: the optimizer's input
        // ∇L_in(θ) does not depend on ω, so first order is exact for ω; from the second step on it does (through
        // θ^{(1)}). Those terms are small (measured 3.4e-4 scaled: the preprocessed input log|g|/p, sign g moves
        // little with g), yet well above the float32 error of the exact gradient (~1e-6).
        assert.ok(errs.firstThetaVsExact > 30 * errs.theta, `first order should miss the θ terms through ∇L_in; error ${errs.firstThetaVsExact}`);
        if (steps === 1) assert.ok(errs.firstOmegaVsExact < TOL, `one step: the first-order ω gradient is exact; error ${errs.firstOmegaVsExact}`);
        else assert.ok(errs.firstOmegaVsExact > 30 * errs.omega, `two steps: first order should miss the ω terms through ∇L_in; error ${errs.firstOmegaVsExact}`);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// (c) The learner on PointNav-v0.

const pointNavTasks = envSpec('PointNav-v0').def.tasks;
const small = { envId: 'PointNav-v0', hidden: [8], episodesPerTask: 2, seed: 5, lstmHidden: 6 };

const flat = async (params: readonly tf.Tensor[]): Promise<number[]> => (await Promise.all(params.map((p) => p.data()))).flatMap((d) => Array.from(d));

describe('LSTM-optimizer learner on PointNav-v0', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('starts as the identity update, learns ω, keeps numTensors flat (first and second order)', async () => {
    for (const firstOrder of [true, false]) {
      const learner = await LearnedOptimizer.create({ ...small, firstOrder, innerSteps: 2 });
      assert.equal(learner.name, firstOrder ? 'lstm-optimizer-trpo' : 'so-lstm-optimizer-trpo');
      const omega = learner.innerRuleParams as tf.Tensor[];
      const initial = await flat(omega);
      const config = { ...SMALL, hidden: small.lstmHidden };
      const update = tf.tidy(() => lstmOptimizerStep(omega, tf.tensor1d([0.3, -2, 1e-7, 0]), lstmOptimizerZeroState(4, config), config).update);
      assert.deepEqual(Array.from(await update.data()), [0, 0, 0, 0], 'the untrained optimizer leaves θ unchanged');
      update.dispose();
      const rng = Rng.fromSeed(4);
      await assertTensorsFlat(learner, () => pointNavTasks.sample(rng, 2), pointNavTasks.testTasks(1)[0], 4);
      const after = await flat(omega);
      assert.ok(after.some((x, i) => x !== initial[i]), `${firstOrder ? 'first' : 'second'} order: ω never moved`);
      const before = tf.memory().numTensors;
      learner.dispose();
      assert.equal(tf.memory().numTensors, before - learner.policyParams.length - omega.length);
    }
  });

  it('resumes exactly from getState/setState (θ and ω), and rejects a state without ω', async () => {
    const tasks = (i: number) => pointNavTasks.sample(Rng.fromSeed(40 + i), 2);
    const create = (seed = small.seed) => LearnedOptimizer.create({ ...small, seed });
    const { a, b, saved } = await assertExactResume(create, tasks, pointNavTasks.testTasks(1)[0], 3);
    assert.deepEqual(Object.keys(saved.params), ['policy', 'lstmOptimizer']);
    assert.throws(() => b.setState({ ...saved, params: { policy: saved.params.policy } }), /expected parameter groups \[policy, lstmOptimizer\]/);
    [a, b].forEach((l) => l.dispose());
  });

  it("demo runs θ_0..θ_k with the optimizer's state carried, the same curve as adaptationCurve", async () => {
    const learner = await LearnedOptimizer.create(small);
    await learner.metaStep(pointNavTasks.sample(Rng.fromSeed(3), 2), 0);
    const task = pointNavTasks.testTasks(1)[0];
    const options = { seed: 5, episodes: 2, steps: 3 };
    const before = tf.memory().numTensors;
    const demo = await learner.demo(task, options);
    assert.equal(tf.memory().numTensors, before, 'the demo keeps no tensors');
    assert.deepEqual(demo.runs.map((r) => r.labels[0]), ['before adaptation', 'after 1 step', 'after 2 steps', 'after 3 steps']);
    assert.deepEqual(demo.curve.returns, (await learner.adaptationCurve(task, options)).returns);
    learner.dispose();
  });

  it('with freezePolicy meta-trains ω alone: θ stays bit-identical', async () => {
    const learner = await LearnedOptimizer.create({ ...small, freezePolicy: true });
    const theta = await flat(learner.policyParams);
    const omega = await flat(learner.innerRuleParams as tf.Tensor[]);
    const rng = Rng.fromSeed(8);
    for (let i = 0; i < 3; i++) await learner.metaStep(pointNavTasks.sample(rng, 2), i);
    assert.deepEqual(await flat(learner.policyParams), theta);
    assert.ok((await flat(learner.innerRuleParams as tf.Tensor[])).some((x, i) => x !== omega[i]), 'ω never moved');
    learner.dispose();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (d) Learning: after 6 meta-iterations (8 tasks x 8 episodes, one hidden layer of 32, k = 1, first order), one
// learned step on held-out goals against plain SGD (α = innerLr = 0.1) from the same meta-trained θ. Measured (wasm,
// the test's seeds): mean held-out return -56.7 before adaptation, -32.6 after one learned step, -46.5 after one
// plain SGD step. The control: with a broken optimizer (no update) the learned step would gain nothing.

describe('the LSTM optimizer learns to adapt on PointNav-v0', () => {
  it('one learned step adapts on held-out goals, beyond one plain SGD step from the same θ', async () => {
    await useBackend('wasm');
    const options = { envId: 'PointNav-v0', hidden: [32], episodesPerTask: 8, seed: 1 };
    const learner = await LearnedOptimizer.create(options);
    const rng = Rng.fromSeed(1001);
    for (let i = 0; i < 6; i++) await learner.metaStep(pointNavTasks.sample(rng, 8), 100 + i);
    const held = pointNavTasks.testTasks(6);
    const eval0 = { steps: 1, episodes: 8, seedBase: 7000 };
    const learned = await heldOutAdaptation(learner, held, eval0);
    const plain = await Maml.create(options);
    plain.setPolicy((await learner.policyForSgdControl()) ?? []);
    const sgd = await heldOutAdaptation(plain, held, eval0);
    learner.dispose();
    plain.dispose();
    console.log(`# LSTM optimizer held-out: ${learned.summary}; plain SGD from the same θ: ${sgd.summary}`);
    assert.ok(learned.gain > 10 && learned.improved >= 5, `one learned step: gain ${learned.gain}, ${learned.improved}/6 improved`);
    assert.ok(learned.gain > sgd.gain + 5, `learned step gain ${learned.gain} vs plain SGD ${sgd.gain}`);
  });
});
