/**
 * The webgpu backend (agents/webgpu-backend.ts) computes what the learners need correctly: the policy-gradient
 * (first-order) gradient and the MAML meta-gradient through one and two inner steps (second order, through the
 * higher-order tape fix) against float64 finite differences (test/maml-reference.ts), read back asynchronously;
 * and `metarl train`'s entry point (trainRun) trains MAML, RL2 and PEARL on it end to end.
 * Needs a WebGPU adapter: CI installs Mesa's software Vulkan driver (lavapipe, bookworm-backports) for it, and CI
 * (or METARL_REQUIRE_WEBGPU=1, as bench/gpu/check.sh sets on a GPU machine) fails without one; elsewhere the tests
 * are skipped with the reason.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendRequest } from '../agents/backend.js';
import { defaultLearnerThreads } from '../agents/learner-pool.js';
import { registerFastMatMulGradient } from '../agents/matmul-grad.js';
import { innerLoss } from '../agents/meta/maml-objective.js';
import { probeWebgpu } from '../agents/webgpu-backend.js';
import { parseConfig } from '../experiments/config.js';
import type { ProgressReporter } from '../experiments/progress.js';
import type { IterationRecord } from '../experiments/results.js';
import { trainRun } from '../experiments/train.js';
import { initParams64, makeBatch64, scaledError, vpgGrad64 } from './maml-reference.js';
import { metaGradientCheck, N, SIZES, toTfParams } from './maml-tf-fixtures.js';

const required = process.env.CI === 'true' || process.env.METARL_REQUIRE_WEBGPU === '1';
const probe = await probeWebgpu();
if (!probe.ok && required) throw new Error(`webgpu is required here but unavailable: ${probe.reason} (install mesa-vulkan-drivers from bookworm-backports, as .ci/run does).`);
const skip = probe.ok ? false : `no WebGPU adapter: ${probe.reason}`;

/** Same tolerance as the wasm/cpu meta-gradient checks (maml.test.ts): float32 rounding is ~1e-6 here. */
const TOL = 1e-4;
const params64 = initParams64(3, SIZES);

/** Tiny runs of the three learner kinds on PointNav-v0 (horizon 10): gradient steps, recurrent, off-policy. */
const RUNS = {
  maml: { iterations: 2, metaBatchSize: 2, algorithm: { name: 'maml', hidden: [8], episodesPerTask: 2, trpo: { cgIterations: 3, maxBacktracks: 3 } } },
  rl2: { iterations: 2, metaBatchSize: 2, algorithm: { name: 'rl2', hiddenDim: 8, episodesPerTrial: 2, epochs: 1, minibatches: 1 } },
  pearl: {
    iterations: 2,
    algorithm: {
      name: 'pearl', numTrainTasks: 3, numTasksSample: 2, latentSize: 2, netSize: 8, netDepth: 1, encoderHidden: [8], metaBatch: 2, batchSize: 8,
      embeddingBatchSize: 4, numInitialSteps: 10, numStepsPrior: 10, numStepsPosterior: 10, numExtraRlStepsPosterior: 10, numTrainStepsPerItr: 3,
    },
  },
} as const;

const quiet: ProgressReporter = { start() {}, update() {}, log() {}, stop() {} };

/** Train `RUNS[kind]` on `backend` as `metarl train` does (trainRun, the config's `backend` field); @returns its records. */
async function train(kind: keyof typeof RUNS, backend: BackendRequest): Promise<IterationRecord[]> {
  const config = parseConfig({ env: 'PointNav-v0', horizon: 10, seed: 0, backend, ...RUNS[kind] }, `webgpu.test.ts ${kind}`);
  const out = mkdtempSync(join(tmpdir(), `metarl-webgpu-${kind}-`));
  try {
    const result = await trainRun({ config, origin: 'test', name: kind }, { progress: quiet, log: () => {}, workers: 1, out });
    assert.equal(tf.getBackend(), backend);
    assert.ok(existsSync(join(out, 'checkpoints', `ckpt-${String(config.iterations).padStart(6, '0')}.json`)), 'the last checkpoint is written');
    return result.records;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every iteration ran its update (none skipped) with finite returns and losses. */
function assertFinite(kind: string, records: readonly IterationRecord[], iterations: number): void {
  assert.equal(records.length, iterations);
  for (const r of records) {
    assert.equal(r.skipped, undefined, `${kind} iteration ${r.iteration}: ${r.skipped}`);
    const numbers = { preReturn: r.preReturn, postReturn: r.postReturn, ...r.losses };
    for (const [name, value] of Object.entries(numbers)) assert.ok(Number.isFinite(value), `${kind} iteration ${r.iteration}: ${name} = ${value}`);
  }
}

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
      const { secondOrder: err, firstOrder: foErr, valueError, lossError } = await metaGradientCheck(params64, steps);
      console.log(`# webgpu ${steps} step(s): second-order error ${err.toExponential(2)}, first-order ${foErr.toExponential(2)}`);
      assert.ok(valueError < 1e-5 && lossError < 1e-5, `L_out errors ${valueError} / ${lossError}`);
      assert.ok(err < TOL, `second-order scaled error ${err}`);
      assert.ok(foErr > 100 * TOL, `first-order error ${foErr} should be far above ${TOL}`);
    });
  }

  it('defaults to one learner thread (every thread would open its own GPU device)', () => {
    assert.equal(defaultLearnerThreads(4), 1);
  });

  // The first iteration samples with the initial parameters, drawn on the JS side from the seed: the same on every
  // backend. MAML and PEARL act in plain JS on a copy of them (mlp-arrays.ts), so the first iteration's
  // pre-adaptation return is exactly the wasm run's. RL2 acts through tensor ops on the backend at every step, whose
  // float32 kernels (GRU gates, matMuls) need not round as wasm's do, so only closeness is asserted (on lavapipe the
  // returns of this tiny run came out equal).
  const firstReturn = { maml: 'equal', rl2: 'close', pearl: 'equal' } as const;
  for (const kind of ['maml', 'rl2', 'pearl'] as const) {
    it(`trains ${kind} end to end through trainRun with backend webgpu: finite metrics, first pre-adaptation return ${firstReturn[kind]} to wasm's`, async () => {
      const start = performance.now();
      const wasm = await train(kind, 'wasm');
      const wasmSeconds = (performance.now() - start) / 1000;
      const webgpu = await train(kind, 'webgpu');
      const webgpuSeconds = (performance.now() - start) / 1000 - wasmSeconds;
      console.log(`# ${kind}: webgpu ${webgpuSeconds.toFixed(1)} s, wasm ${wasmSeconds.toFixed(1)} s; first pre-adaptation return webgpu ${webgpu[0].preReturn}, wasm ${wasm[0].preReturn}`);
      assertFinite(kind, webgpu, RUNS[kind].iterations);
      assertFinite(kind, wasm, RUNS[kind].iterations);
      if (firstReturn[kind] === 'equal') assert.equal(webgpu[0].preReturn, wasm[0].preReturn);
      else assert.ok(Math.abs(webgpu[0].preReturn - wasm[0].preReturn) < 1e-3 * Math.max(1, Math.abs(wasm[0].preReturn)), `${webgpu[0].preReturn} vs ${wasm[0].preReturn}`);
      // The first update's numbers agree with wasm's up to float32 rounding (a kernel webgpu failed to build would
      // leave zeros: RL2's gradient norm once came out 0 from an AddN over more inputs than a shader may bind).
      const updateNumbers = (r: IterationRecord): Record<string, number> => ({ ...r.losses, ...(typeof r.info.gradNorm === 'number' ? { gradNorm: r.info.gradNorm } : {}) });
      const reference = updateNumbers(wasm[0]);
      for (const [name, value] of Object.entries(updateNumbers(webgpu[0]))) {
        assert.ok(Math.abs(value - reference[name]) <= 1e-3 * Math.max(1, Math.abs(reference[name])), `${kind} first-iteration ${name}: webgpu ${value}, wasm ${reference[name]}`);
      }
    });
  }
});
