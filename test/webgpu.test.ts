/**
 * The webgpu backend (agents/webgpu-backend.ts) computes what the learners need correctly: the policy-gradient
 * (first-order) gradient and the MAML meta-gradient through one and two inner steps (second order, through the
 * higher-order tape fix) against float64 finite differences (test/maml-reference.ts), read back asynchronously.
 * Needs a WebGPU adapter: CI installs Mesa's software Vulkan driver (lavapipe, bookworm-backports) for it, and CI
 * (or METARL_REQUIRE_WEBGPU=1, as bench/gpu/check.sh sets on a GPU machine) fails without one; elsewhere the tests
 * are skipped with the reason.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { registerFastMatMulGradient } from '../agents/matmul-grad.js';
import { disposeTaskData, innerLoss } from '../agents/meta/maml-objective.js';
import { probeWebgpu } from '../agents/webgpu-backend.js';
import { initParams64, makeBatch64, metaGradFd64, outerLoss64, scaledError, vpgGrad64 } from './maml-reference.js';
import { LR, N, SIZES, syntheticTasks, tfMetaGradient, toTfParams, toTfTasks } from './maml-tf-fixtures.js';

const required = process.env.CI === 'true' || process.env.METARL_REQUIRE_WEBGPU === '1';
const probe = await probeWebgpu();
if (!probe.ok && required) throw new Error(`webgpu is required here but unavailable: ${probe.reason} (install mesa-vulkan-drivers from bookworm-backports, as .ci/run does).`);
const skip = probe.ok ? false : `no WebGPU adapter: ${probe.reason}`;

/** Same tolerance as the wasm/cpu meta-gradient checks (maml.test.ts): float32 rounding is ~1e-6 here. */
const TOL = 1e-4;
const params64 = initParams64(3, SIZES);

describe(`webgpu backend (${probe.reason})`, { skip }, () => {
  before(async () => {
    await initBackend('webgpu', (line) => console.log(line));
    await registerFastMatMulGradient();
    assert.equal(tf.getBackend(), 'webgpu');
  });

  it('reads tensors asynchronously; a synchronous read fails in Node (why the hot paths read with await data())', async () => {
    const t = tf.tanh(tf.tensor1d([0, 1, -2]));
    assert.deepEqual([...(await t.data())].map((x) => Math.round(x * 1e6) / 1e6), [0, 0.761594, -0.964028]);
    const fresh = tf.mul(t, 2);
    assert.throws(() => fresh.dataSync(), /OffscreenCanvas/);
    tf.dispose([t, fresh]);
  });

  it('the policy-gradient loss gradient matches the float64 reference', async () => {
    const batch64 = makeBatch64(7, N, SIZES[0], SIZES[2]);
    const params = toTfParams(params64);
    const batch = { obs: tf.tensor2d(Float32Array.from(batch64.obs), [N, SIZES[0]]), actions: tf.tensor2d(Float32Array.from(batch64.actions), [N, SIZES[2]]), advantages: tf.tensor1d(Float32Array.from(batch64.adv)) };
    const grads = tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => innerLoss(ps, batch, 'tanh'))(params));
    const got = (await Promise.all(grads.map((g) => g.data()))).flatMap((g) => Array.from(g));
    tf.dispose([...params, ...grads, batch.obs, batch.actions, batch.advantages]);
    const err = scaledError(got, vpgGrad64(params64, SIZES, batch64).flatMap((a) => Array.from(a)));
    console.log(`# webgpu VPG gradient: scaled error ${err.toExponential(2)}`);
    assert.ok(err < TOL, `scaled error ${err}`);
  });

  for (const steps of [1, 2]) {
    it(`the MAML meta-gradient matches float64 central differences through ${steps} inner step(s); first order does not`, async () => {
      const tasks64 = syntheticTasks(params64, steps);
      const reference = metaGradFd64(params64, SIZES, tasks64, LR);
      const params = toTfParams(params64);
      const tasks = toTfTasks(tasks64);
      const second = await tfMetaGradient(params, tasks, false);
      const first = await tfMetaGradient(params, tasks, true);
      tf.dispose(params);
      disposeTaskData(tasks);
      const err = scaledError(second.grad, reference);
      const foErr = scaledError(first.grad, reference);
      console.log(`# webgpu ${steps} step(s): second-order error ${err.toExponential(2)}, first-order ${foErr.toExponential(2)}`);
      assert.ok(Math.abs(second.value - outerLoss64(params64, SIZES, tasks64, LR)) < 1e-5);
      assert.ok(err < TOL, `second-order scaled error ${err}`);
      assert.ok(foErr > 100 * TOL, `first-order error ${foErr} should be far above ${TOL}`);
    });
  }
});
