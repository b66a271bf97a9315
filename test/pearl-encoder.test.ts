/**
 * PEARL's context encoder (agents/meta/pearl-encoder.ts): product of Gaussians and KL(q ‖ N(0, I)) against their
 * closed forms, permutation invariance over the context transitions, the plain-JS posterior (used while acting)
 * against the tensor one (used in training), and the deterministic variant without the information bottleneck.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { encoderPosterior, encoderPosteriorArrays, klToStandardNormal, productOfGaussians } from '../agents/meta/pearl-encoder.js';
import { mlpArrays, snapshotParams } from '../agents/mlp-arrays.js';
import { disposeParams } from '../agents/nets.js';
import { rlkitMlpInit } from '../agents/sac-nets.js';
import { Rng } from '../envs/index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

/** Rows of a random context, [n*cols]. */
function randomRows(rng: Rng, n: number, cols: number): Float32Array {
  return Float32Array.from({ length: n * cols }, () => rng.normal());
}

describe('PEARL context encoder', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('product of Gaussians: σ² = 1/Σσ_n⁻², μ = σ²Σμ_n/σ_n² (hand-worked and random factors)', () => {
    // N(1, 1)·N(3, 1)·N(0, 1e9) ∝ N(2, 1/2) (a near-flat factor changes nothing); N(0, 4)·N(6, 2)·N(−3, 4) ∝ N(σ²(0 + 3 − 0.75), σ² = 1/(1/4 + 1/2 + 1/4) = 1).
    const out = tf.tidy(() => {
      const p = productOfGaussians(tf.tensor3d([[[1], [3], [0]], [[0], [6], [-3]]]), tf.tensor3d([[[1], [1], [1e9]], [[4], [2], [4]]]));
      return [p.mean.dataSync(), p.variance.dataSync()];
    });
    close(out[0], [2, 2.25], 1e-5, 'mean');
    close(out[1], [0.5, 1], 1e-5, 'variance');
    const rng = Rng.fromSeed(3);
    const mus = Array.from({ length: 7 }, () => rng.normal());
    const vars = Array.from({ length: 7 }, () => Math.exp(rng.normal()));
    const precision = vars.reduce((s, v) => s + 1 / v, 0);
    const expectedMean = mus.reduce((s, m, i) => s + m / vars[i], 0) / precision;
    const got = tf.tidy(() => {
      const p = productOfGaussians(tf.tensor3d(mus, [1, 7, 1]), tf.tensor3d(vars, [1, 7, 1]));
      return [p.mean.dataSync()[0], p.variance.dataSync()[0]];
    });
    close(got, [expectedMean, 1 / precision], 1e-5, 'random factors');
  });

  it('KL(N(μ, σ²) ‖ N(0, I)) = Σ ½(σ² + μ² − 1 − log σ²), summed over tasks', () => {
    // task 1: μ = [1, 0], σ² = [1, 2] -> 0.5 + ½(1 − ln 2); task 2: μ = [0, 0], σ² = [1, 1] -> 0.
    const kl = tf.tidy(() => klToStandardNormal(tf.tensor2d([[1, 0], [0, 0]]), tf.tensor2d([[1, 2], [1, 1]])).dataSync()[0]);
    assert.ok(Math.abs(kl - (0.5 + 0.5 * (1 - Math.log(2)))) < 1e-6, `KL ${kl}`);
  });

  it('is invariant to the order of the context transitions, and the JS posterior equals the tensor one', async () => {
    const rng = Rng.fromSeed(7);
    const cols = 7, latent = 3, n = 12, tasks = 2;
    const encoder = rlkitMlpInit(rng, [cols, 16, 16, 2 * latent], 0.5);
    const rows = randomRows(rng, tasks * n, cols);
    const order = Array.from({ length: n }, (_, i) => (i * 5) % n); // a permutation of 0..11 (gcd(5, 12) = 1)
    const shuffled = new Float32Array(rows.length);
    for (let t = 0; t < tasks; t++) order.forEach((from, to) => shuffled.set(rows.subarray((t * n + from) * cols, (t * n + from + 1) * cols), (t * n + to) * cols));
    const posterior = (context: Float32Array) =>
      tf.tidy(() => {
        const p = encoderPosterior(encoder, tf.tensor2d(context, [tasks * n, cols]), tasks, latent, true);
        return [p.mean.dataSync(), p.variance.dataSync()];
      });
    const [m1, v1] = posterior(rows);
    const [m2, v2] = posterior(shuffled);
    close(m2, m1, 1e-5, 'mean after shuffling');
    close(v2, v1, 1e-5, 'variance after shuffling');
    assert.ok(v1.every((v) => v > 0 && v < 1), 'a confident posterior from 12 factors');
    const layers = mlpArrays(await snapshotParams(encoder));
    for (let t = 0; t < tasks; t++) {
      const js = encoderPosteriorArrays(layers, rows.subarray(t * n * cols, (t + 1) * n * cols), latent, true);
      close(js.mean, m1.subarray(t * latent, (t + 1) * latent), 1e-4, `JS mean, task ${t}`);
      close(js.variance, v1.subarray(t * latent, (t + 1) * latent), 1e-4, `JS variance, task ${t}`);
    }
    disposeParams(encoder);
  });

  it('without the information bottleneck z is the mean of the per-transition outputs (deterministic)', async () => {
    const rng = Rng.fromSeed(8);
    const encoder = rlkitMlpInit(rng, [4, 8, 2], 0.5);
    const rows = randomRows(rng, 5, 4);
    const layers = mlpArrays(await snapshotParams(encoder));
    const outputs = [0, 1, 2, 3, 4].map((i) => encoderPosteriorArrays(layers, rows.subarray(i * 4, (i + 1) * 4), 2, false).mean);
    const js = encoderPosteriorArrays(layers, rows, 2, false);
    close(js.mean, [0, 1].map((j) => outputs.reduce((s, o) => s + o[j], 0) / 5), 1e-6, 'mean of outputs');
    assert.deepEqual([...js.variance], [0, 0]);
    const tensor = tf.tidy(() => encoderPosterior(encoder, tf.tensor2d(rows, [5, 4]), 1, 2, false).mean.dataSync());
    close(tensor, js.mean, 1e-5, 'tensor version');
    disposeParams(encoder);
  });
});
