/**
 * TRPO's Fisher-vector products on a subsample (agents/meta/policy-curvature.ts): the subsampled copy of a MAML
 * task keeps θ'(θ_old), so its KL and KL gradient vanish at θ_old; keeping every row reproduces the full
 * products; a real subsample estimates them.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { registerFastMatMulGradient } from '../agents/matmul-grad.js';
import { adaptParams, disposeTaskData, taskOuterKl, type InnerUpdate, type MamlTaskData } from '../agents/meta/maml-objective.js';
import { outerBatch, type PolicyBatch } from '../agents/meta/policy-batch.js';
import { curvatureTask, subsampleRows } from '../agents/meta/policy-curvature.js';
import { disposeParams, paramCount, type Params } from '../agents/nets.js';
import { gaussianPolicyInit } from '../agents/policies.js';
import { hessianVectorProduct, lossAndGradient } from '../agents/trpo.js';
import { Rng } from '../envs/index.js';

const [OBS, ACT, N] = [3, 2, 64];

function batch(rng: Rng): PolicyBatch {
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return { obs: tf.tensor2d(fill(N * OBS), [N, OBS]), actions: tf.tensor2d(fill(N * ACT), [N, ACT]), advantages: tf.tensor1d(fill(N)) };
}

/** A task with `steps` inner batches whose post-update batch was sampled by θ'(θ) (exactly, as in training). */
function task(theta: Params, update: InnerUpdate, steps: number, rng: Rng): MamlTaskData {
  const inner = Array.from({ length: steps }, () => batch(rng));
  const adapted = tf.tidy(() => adaptParams(theta, inner, { ...update, firstOrder: true }));
  const outer = outerBatch(adapted, batch(rng), update.activation);
  disposeParams(adapted);
  return { inner, outer };
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let [ab, aa, bb] = [0, 0, 0];
  a.forEach((x, i) => ((ab += x * b[i]), (aa += x * x), (bb += b[i] * b[i])));
  return ab / Math.sqrt(aa * bb);
};
const maxAbs = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

describe('subsampleRows', () => {
  it('draws round(factor · n) distinct rows, ascending, all of them for factor 1', () => {
    const rows = subsampleRows(Rng.fromSeed(1), 100, 0.3);
    assert.equal(rows.length, 30);
    assert.ok(rows.every((r, i) => r >= 0 && r < 100 && (i === 0 || r > rows[i - 1])), `${rows}`);
    assert.deepEqual(Array.from(subsampleRows(Rng.fromSeed(1), 5, 1)), [0, 1, 2, 3, 4]);
    assert.equal(subsampleRows(Rng.fromSeed(1), 5, 0.01).length, 1);
  });
});

describe('MAML curvature on a subsample', () => {
  let theta: Params;
  before(async () => {
    await initBackend('wasm', () => {});
    await registerFastMatMulGradient();
    theta = gaussianPolicyInit(Rng.fromSeed(2), OBS, ACT, { hidden: [8], initLogStd: -0.3 });
  });

  for (const firstOrder of [false, true]) {
    it(`${firstOrder ? 'first order' : 'second order, 2 inner steps'}: zero KL gradient at θ_old; all rows reproduce the full products; half the rows estimate them`, async () => {
      const update: InnerUpdate = { lr: 0.3, firstOrder, activation: 'tanh' };
      const full = task(theta, update, firstOrder ? 1 : 2, Rng.fromSeed(3));
      const v = Float32Array.from({ length: paramCount(theta) }, (_, i) => Math.sin(i + 1));
      const fvp = (t: MamlTaskData) => hessianVectorProduct((p) => taskOuterKl(p, t, update), theta)(v);
      const reference = await fvp(full);
      const every = curvatureTask(theta, full, update, (N - 0.4) / N, Rng.fromSeed(4)); // round(f·N) = N: every row
      const half = curvatureTask(theta, full, update, 0.5, Rng.fromSeed(4));
      try {
        for (const copy of [every, half]) {
          const { value, grad } = await lossAndGradient((p) => taskOuterKl(p, copy, update), theta);
          assert.ok(Math.abs(value) < 1e-9 && maxAbs(grad) < 1e-6, `KL ${value} and max |∇KL| ${maxAbs(grad)} at θ_old`);
        }
        const err = maxAbs((await fvp(every)).map((x, i) => x - reference[i])) / maxAbs(reference);
        assert.ok(err < 1e-5, `every row: relative error ${err}`);
        const sub = await fvp(half);
        console.log(`# ${firstOrder ? 'first' : 'second'} order: every row relative error ${err.toExponential(2)}, half the rows cosine ${cosine(sub, reference).toFixed(3)}`);
        assert.ok(cosine(sub, reference) > 0.8, `half the rows: cosine ${cosine(sub, reference)} with the full product`);
        assert.ok(maxAbs(sub.map((x, i) => x - reference[i])) > 1e-4, 'a real subsample differs from the full product');
      } finally {
        disposeTaskData([full, every, half]);
      }
    });
  }
});
