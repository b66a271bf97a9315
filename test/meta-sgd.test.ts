/**
 * Meta-SGD (agents/meta/meta-sgd.ts): (a) the gradient w.r.t. θ and the per-parameter step sizes α through one
 * and two inner steps against float64 central differences (test/maml-reference.ts with per-parameter steps), and
 * the first-order variant against its closed form; (b) α starts at innerLr, no tensor leaks, exact resume through
 * getState/setState; (c) adaptation on held-out PointNav goals after a short meta-training, compared with plain
 * SGD (α = innerLr) from the same meta-trained θ. The 1/2/3-thread check is in test/learner-threads.test.ts.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend } from '../agents/backend.js';
import { registerFastMatMulGradient } from '../agents/matmul-grad.js';
import { disposeTaskData } from '../agents/meta/maml-objective.js';
import { Maml } from '../agents/meta/maml.js';
import { MetaSgd } from '../agents/meta/meta-sgd.js';
import { envSpec, Rng } from '../envs/index.js';
import { adapt64, gradFd64, initParams64, innerGrads64, outerLoss64, scaledError, shapes64, surrogateGrad64, type Params64 } from './maml-reference.js';
import { LR, SIZES, syntheticTasks, tfMetaGradient, toTfParams, toTfTasks } from './maml-tf-fixtures.js';
import { assertExactResume, assertTensorsFlat, heldOutAdaptation, mean } from './meta-helpers.js';

// ---------------------------------------------------------------------------------------------------------------
// (a) Gradients on fixed synthetic paths (test/maml-tf-fixtures.ts), α drawn around LR so that every entry differs.

// Same tolerance as MAML's meta-gradient test (float32 against float64 central differences, see maml.test.ts).
const TOL = 1e-4;
const theta64 = initParams64(3, SIZES);
const alphaRng = Rng.fromSeed(11);
const alpha64: Params64 = shapes64(SIZES).map((s) => Float64Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => Math.fround(LR * alphaRng.uniform(0.5, 1.5))));
const P = theta64.reduce((n, a) => n + a.length, 0);

/** The first-order (θ, α) gradient in closed form: mean_i [∇_{θ'}L_i, −Σ_j g_ij ⊙ ∇_{θ'}L_i], flat [2P]. */
function firstOrderGrad64(tasks: ReturnType<typeof syntheticTasks>): number[] {
  const sum = new Float64Array(2 * P);
  for (const task of tasks) {
    const outer = surrogateGrad64(adapt64(theta64, SIZES, task.inner, alpha64), SIZES, task.outer).flatMap((a) => Array.from(a));
    const inner = innerGrads64(theta64, SIZES, task.inner, alpha64).map((g) => g.flatMap((a) => Array.from(a)));
    outer.forEach((o, k) => {
      sum[k] += o;
      sum[P + k] -= inner.reduce((s, g) => s + g[k], 0) * o;
    });
  }
  return Array.from(sum, (x) => x / tasks.length);
}

before(async () => {
  await initBackend('auto', () => {});
  await registerFastMatMulGradient();
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`Meta-SGD gradients on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });
    for (const steps of [1, 2]) {
      it(`θ and α gradients match float64 central differences through ${steps} inner step(s); first order matches its closed form`, async () => {
        const tasks64 = syntheticTasks(theta64, steps, alpha64);
        const refTheta = gradFd64((p) => outerLoss64(p, SIZES, tasks64, alpha64), theta64);
        const refAlpha = gradFd64((a) => outerLoss64(theta64, SIZES, tasks64, a), alpha64);
        const refFirst = firstOrderGrad64(tasks64);
        const [params, alpha, tasks] = [toTfParams(theta64), toTfParams(alpha64), toTfTasks(tasks64)];
        const second = await tfMetaGradient(params, tasks, false, alpha);
        const first = await tfMetaGradient(params, tasks, true, alpha);
        tf.dispose([...params, ...alpha]);
        disposeTaskData(tasks);
        const value64 = outerLoss64(theta64, SIZES, tasks64, alpha64);
        assert.ok(Math.abs(second.value - value64) < 1e-5, `L_out ${second.value} vs ${value64}`);
        const errs = {
          theta: scaledError(second.grad.slice(0, P), refTheta),
          alpha: scaledError(second.grad.slice(P), refAlpha),
          firstTheta: scaledError(first.grad.slice(0, P), refFirst.slice(0, P)),
          firstAlpha: scaledError(first.grad.slice(P), refFirst.slice(P)),
          firstThetaVsFd: scaledError(first.grad.slice(0, P), refTheta),
          firstAlphaVsFd: scaledError(first.grad.slice(P), refAlpha),
        };
        console.log(`# ${backend} ${steps} step(s): scaled errors ${Object.entries(errs).map(([k, e]) => `${k} ${e.toExponential(2)}`).join(', ')}`);
        for (const key of ['theta', 'alpha', 'firstTheta', 'firstAlpha'] as const) assert.ok(errs[key] < TOL, `${key}: scaled error ${errs[key]}`);
        assert.ok(errs.firstThetaVsFd > 100 * TOL, `the first-order θ gradient should miss the second-order terms; error ${errs.firstThetaVsFd}`);
        // One step: θ' = θ − α ⊙ ∇L_in(θ) and ∇L_in(θ) does not depend on α, so the first-order α gradient is exact;
        // from the second step on ∇L_in(θ^{(1)}) depends on α through θ^{(1)}, which first order drops.
        if (steps === 1) assert.ok(errs.firstAlphaVsFd < TOL, `one step: the first-order α gradient is exact; error ${errs.firstAlphaVsFd}`);
        else assert.ok(errs.firstAlphaVsFd > 100 * TOL, `two steps: the first-order α gradient should miss the second-order terms; error ${errs.firstAlphaVsFd}`);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// (b) The learner on PointNav-v0.

const pointNavTasks = envSpec('PointNav-v0').def.tasks;
const small = { envId: 'PointNav-v0', hidden: [8], episodesPerTask: 2, seed: 5, innerLr: 0.07 };

describe('Meta-SGD learner on PointNav-v0', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('starts with α = innerLr everywhere, learns α, keeps numTensors flat (second and first order)', async () => {
    for (const firstOrder of [false, true]) {
      const learner = await MetaSgd.create({ ...small, firstOrder, innerSteps: 2 });
      assert.equal(learner.name, firstOrder ? 'fo-meta-sgd-trpo' : 'meta-sgd-trpo');
      const alpha = learner.innerStepSizes as tf.Tensor[];
      assert.deepEqual(alpha.map((a) => a.shape), learner.policyParams.map((p) => p.shape));
      for (const a of alpha) assert.ok(Array.from(a.dataSync()).every((x) => x === Math.fround(0.07)));
      const rng = Rng.fromSeed(4);
      await assertTensorsFlat(learner, () => pointNavTasks.sample(rng, 2), pointNavTasks.testTasks(1)[0], 3);
      const moved = alpha.some((a) => Array.from(a.dataSync()).some((x) => x !== Math.fround(0.07)));
      assert.ok(moved, `${firstOrder ? 'first' : 'second'} order: α never left innerLr`);
      const before = tf.memory().numTensors;
      learner.dispose();
      assert.equal(tf.memory().numTensors, before - 2 * learner.policyParams.length);
    }
  });

  it('resumes exactly from getState/setState (θ and α), and rejects a MAML state', async () => {
    const tasks = (i: number) => pointNavTasks.sample(Rng.fromSeed(40 + i), 2);
    const create = (seed = small.seed) => MetaSgd.create({ ...small, seed });
    const { a, b, saved } = await assertExactResume(create, tasks, pointNavTasks.testTasks(1)[0], 2);
    assert.deepEqual(Object.keys(saved.params), ['policy', 'stepSizes']);
    const maml = await Maml.create(small);
    const mamlState = await maml.getState();
    assert.throws(() => b.setState({ ...mamlState, name: b.name }), /expected parameter groups \[policy, stepSizes\]/);
    [a, b, maml].forEach((l) => l.dispose());
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (c) Learning: after 6 meta-iterations (8 tasks x 8 episodes, one hidden layer of 32), one and two inner steps
// with the learned α on held-out goals, against plain SGD (α = innerLr) from the same meta-trained θ.
// Measured (wasm, policy seed 1, the test's seeds): mean held-out return -43.8 before adaptation; learned α
// -26.6 after one step and -29.5 after two (5/6 tasks improved); plain SGD from the same θ -42.1 and -40.7. The
// learned α (mean 0.125, range -0.16 .. 2.83) takes far larger steps along some coordinates than innerLr = 0.1.

describe('Meta-SGD learns to adapt on PointNav-v0', () => {
  it('adapts on held-out goals, at least as well as plain SGD from the same θ', async () => {
    await useBackend('wasm');
    const options = { envId: 'PointNav-v0', hidden: [32], episodesPerTask: 8, seed: 1 };
    const learner = await MetaSgd.create(options);
    const rng = Rng.fromSeed(1001);
    for (let i = 0; i < 6; i++) await learner.metaStep(pointNavTasks.sample(rng, 8), 100 + i);
    const held = pointNavTasks.testTasks(6);
    const eval0 = { steps: 2, episodes: 8, seedBase: 7000 };
    const learned = await heldOutAdaptation(learner, held, eval0);
    const state = await learner.getState();
    const plain = await Maml.create(options);
    plain.setState({ ...state, name: plain.name, params: { policy: state.params.policy } });
    const sgd = await heldOutAdaptation(plain, held, eval0);
    const alpha = (learner.innerStepSizes as tf.Tensor[]).flatMap((a) => Array.from(a.dataSync()));
    learner.dispose();
    plain.dispose();
    const at = (c: number[][], k: number) => mean(c.map((x) => x[k]));
    console.log(`# Meta-SGD held-out: ${learned.summary} (k = 2); k = 0/1/2 ${[0, 1, 2].map((k) => at(learned.curves, k).toFixed(1)).join(' / ')}`);
    console.log(`# plain SGD (α = 0.1) from the same θ: k = 0/1/2 ${[0, 1, 2].map((k) => at(sgd.curves, k).toFixed(1)).join(' / ')}`);
    console.log(`# α: mean ${mean(alpha).toFixed(4)}, min ${Math.min(...alpha).toFixed(4)}, max ${Math.max(...alpha).toFixed(4)}`);
    assert.ok(at(learned.curves, 1) - at(learned.curves, 0) > 4, `one learned step: gain ${at(learned.curves, 1) - at(learned.curves, 0)}`);
    assert.ok(learned.gain > 4 && learned.improved >= 4, `two learned steps: gain ${learned.gain}, ${learned.improved}/6 improved`);
    for (const k of [1, 2]) assert.ok(at(learned.curves, k) >= at(sgd.curves, k), `k = ${k}: learned α ${at(learned.curves, k)} vs plain SGD ${at(sgd.curves, k)}`);
  });
});
