/**
 * The learner's core tensor work on each TF.js backend side by side: one policy-gradient step of the learners'
 * Gaussian MLP policy (forward, log-likelihood surrogate, backward; CheetahVel's sizes: obs 17, [64, 64] tanh,
 * 6 actions) at several batch sizes, timed per backend with the results read back asynchronously (WebGPU cannot
 * read synchronously in Node). `node --import tsx bench/learner-backends.ts --backends wasm,webgpu` prints a
 * table; `metarl bench` and bench/gpu-check.sh use {@link measureLearnerBackends}.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend, type BackendName } from '../agents/backend.js';
import { disposeParams, type Params } from '../agents/nets.js';
import { gaussianDistParams, gaussianLogProb, gaussianPolicyInit } from '../agents/policies.js';
import { Rng } from '../envs/rng.js';
import { median } from './measure.js';

/** One backend at one batch size: milliseconds per policy-gradient step (median over repeats). */
export interface LearnerBackendRow {
  backend: BackendName;
  batch: number;
  msPerStep: number;
  /** Samples (transitions) per second through forward + backward. */
  samplesPerSecond: number;
}

const OBS = 17;
const ACT = 6;
const HIDDEN = [64, 64];

/** One forward + backward of the VPG surrogate on a batch; resolves once the gradients are read back. */
async function gradientStep(params: Params, obs: tf.Tensor2D, actions: tf.Tensor2D, adv: tf.Tensor1D): Promise<void> {
  const grads = tf.tidy(() => {
    const loss = (...ps: tf.Tensor[]) => {
      const { mean, logStd } = gaussianDistParams(ps, obs);
      return tf.neg(tf.mean(tf.mul(gaussianLogProb(mean, logStd, actions), adv))) as tf.Scalar;
    };
    return tf.grads(loss)(params);
  });
  await Promise.all(grads.map((g) => g.data()));
  tf.dispose(grads);
}

/** Time {@link gradientStep} at each batch size on the active backend. */
async function measureActive(backend: BackendName, batches: readonly number[], repeats: number): Promise<LearnerBackendRow[]> {
  const rng = Rng.fromSeed(1);
  const params = gaussianPolicyInit(rng, OBS, ACT, { hidden: HIDDEN });
  const rows: LearnerBackendRow[] = [];
  for (const batch of batches) {
    const obs = tf.randomNormal([batch, OBS], 0, 1, 'float32', 2) as tf.Tensor2D;
    const actions = tf.randomNormal([batch, ACT], 0, 1, 'float32', 3) as tf.Tensor2D;
    const adv = tf.randomNormal([batch], 0, 1, 'float32', 4) as tf.Tensor1D;
    for (let w = 0; w < 3; w++) await gradientStep(params, obs, actions, adv);
    const ms: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await gradientStep(params, obs, actions, adv);
      ms.push(performance.now() - t0);
    }
    const msPerStep = median(ms);
    rows.push({ backend, batch, msPerStep, samplesPerSecond: batch / (msPerStep / 1000) });
    tf.dispose([obs, actions, adv]);
  }
  disposeParams(params);
  return rows;
}

/**
 * Rows for every backend of `backends` that starts (a backend that is not available is skipped, and named in
 * `skipped` with the reason). Leaves the wasm backend active.
 */
export async function measureLearnerBackends(backends: readonly BackendName[], batches: readonly number[], repeats = 5): Promise<{ rows: LearnerBackendRow[]; skipped: string[] }> {
  const rows: LearnerBackendRow[] = [];
  const skipped: string[] = [];
  for (const backend of backends) {
    try {
      await initBackend(backend, () => {});
    } catch (e) {
      skipped.push(`${backend}: ${(e as Error).message.split('. ')[0]}`);
      continue;
    }
    rows.push(...(await measureActive(backend, batches, repeats)));
  }
  await useBackend('wasm');
  return { rows, skipped };
}

/** The rows as a table with each backend's speed-up over the first backend at the same batch size. */
export function formatLearnerBackends(rows: readonly LearnerBackendRow[]): string {
  const base = new Map(rows.filter((r) => r.backend === rows[0]?.backend).map((r) => [r.batch, r.msPerStep]));
  const lines = ['backend   batch   ms/step   samples/s   speed-up'];
  for (const r of rows) {
    const speedup = base.has(r.batch) ? `${((base.get(r.batch) as number) / r.msPerStep).toFixed(2)}x` : '-';
    lines.push(`${r.backend.padEnd(8)}  ${String(r.batch).padStart(5)}  ${r.msPerStep.toFixed(2).padStart(8)}  ${Math.round(r.samplesPerSecond).toString().padStart(10)}   ${speedup}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { backends: { type: 'string', default: 'wasm,webgpu' }, batches: { type: 'string', default: '256,1024,4096,16384' }, repeats: { type: 'string', default: '5' } } });
  const { rows, skipped } = await measureLearnerBackends(values.backends.split(',') as BackendName[], values.batches.split(',').map(Number), Number(values.repeats));
  console.log(formatLearnerBackends(rows));
  for (const s of skipped) console.log(`skipped ${s}`);
}
