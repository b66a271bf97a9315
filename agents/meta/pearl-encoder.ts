/**
 * PEARL's probabilistic context encoder q(z | c) (Rakelly et al. 2019, §4.1; katerakelly/oyster
 * rlkit/torch/sac/agent.py `infer_posterior`, `_product_of_gaussians`, `compute_kl_div`):
 * an MLP maps each context transition c_n = (s, a, r[, s']) on its own to a Gaussian factor
 * Ψ(z | c_n) = N(μ_n, σ²_n) (μ the first L outputs, σ² = softplus of the last L), and the posterior is their
 * normalised product, σ² = 1 / Σ_n σ_n⁻², μ = σ²·Σ_n μ_n/σ_n² (σ_n² clamped at 1e-7), which does not depend on
 * the order of the transitions. Without the information bottleneck (`useInformationBottleneck: false`) z is the
 * mean of the N outputs, deterministic (σ² = 0). The prior is N(0, I).
 *
 * Tensor versions train (callers wrap in `tf.tidy` / a gradient call); the `*Arrays` versions infer posteriors
 * while acting, in float64 sums over a plain-JS copy of the encoder.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/rng.js';
import { mlpForwardArrays, type DenseArrays } from '../mlp-arrays.js';
import type { Params } from '../nets.js';
import { flattenMlp } from '../sac-nets.js';

/** Variance floor of the factors (agent.py `_product_of_gaussians`: torch.clamp(min=1e-7)). */
export const MIN_FACTOR_VARIANCE = 1e-7;

/** A diagonal Gaussian over z per task: means and variances [M, L] (tensors) or [M*L] (arrays). */
export interface LatentPosterior<T> {
  mean: T;
  variance: T;
}

/**
 * Product of the N Gaussian factors of each of M tasks. @param means [M, N, L]. @param variances [M, N, L] (> 0).
 * @returns mean and variance [M, L].
 */
export function productOfGaussians(means: tf.Tensor3D, variances: tf.Tensor3D): LatentPosterior<tf.Tensor2D> {
  const precisions = tf.reciprocal(tf.maximum(variances, MIN_FACTOR_VARIANCE));
  const variance = tf.reciprocal(tf.sum(precisions, 1)) as tf.Tensor2D;
  return { mean: tf.mul(variance, tf.sum(tf.mul(means, precisions), 1)) as tf.Tensor2D, variance };
}

/**
 * Σ_tasks KL(N(μ, σ²) ‖ N(0, I)) = Σ ½(σ² + μ² − 1 − log σ²) over tasks and latent dimensions (agent.py
 * `compute_kl_div` sums over tasks). @param mean [M, L]. @param variance [M, L]. @returns a scalar.
 */
export function klToStandardNormal(mean: tf.Tensor2D, variance: tf.Tensor2D): tf.Scalar {
  return tf.mul(tf.sum(tf.sub(tf.add(variance, tf.square(mean)), tf.add(tf.log(variance), 1))), 0.5);
}

/**
 * q(z | c) of M tasks from N context rows each. @param encoder MLP [C -> ... -> 2L] (ReLU; L outputs without the
 * information bottleneck). @param context [M*N, C], task-major. @returns mean and variance [M, L] (variance 0
 * without the bottleneck).
 */
export function encoderPosterior(encoder: Params, context: tf.Tensor2D, tasks: number, latent: number, useInformationBottleneck: boolean): LatentPosterior<tf.Tensor2D> {
  const out = flattenMlp(encoder, [context]);
  const n = context.shape[0] / tasks;
  if (!useInformationBottleneck) {
    const mean = tf.mean(tf.reshape(out, [tasks, n, latent]), 1) as tf.Tensor2D;
    return { mean, variance: tf.zerosLike(mean) };
  }
  const [mu, raw] = tf.split(out, 2, 1) as tf.Tensor2D[];
  return productOfGaussians(tf.reshape(mu, [tasks, n, latent]), tf.reshape(tf.softplus(raw), [tasks, n, latent]));
}

/**
 * Reparameterised z = μ + σ·eps per task. @param eps standard normal [M, L]. @returns [M, L] (= μ without the
 * bottleneck, where σ = 0).
 */
export function sampleLatent(posterior: LatentPosterior<tf.Tensor2D>, eps: tf.Tensor2D): tf.Tensor2D {
  return tf.add(posterior.mean, tf.mul(tf.sqrt(posterior.variance), eps));
}

/** softplus(x) = log(1 + e^x), computed without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * {@link encoderPosterior} of ONE task in plain JS. @param context [N*C] (N ≥ 1 rows).
 * @returns mean and variance [L] (float64).
 */
export function encoderPosteriorArrays(encoder: readonly DenseArrays[], context: Float32Array, latent: number, useInformationBottleneck: boolean): LatentPosterior<Float64Array> {
  const cols = encoder[0].inDim;
  const n = context.length / cols;
  if (!Number.isInteger(n) || n < 1) throw new Error(`encoderPosteriorArrays: context has ${context.length} values, not N >= 1 rows of ${cols}.`);
  const out = mlpForwardArrays(encoder, context, n, 'relu');
  const width = out.length / n;
  const mean = new Float64Array(latent);
  const variance = new Float64Array(latent);
  if (!useInformationBottleneck) {
    for (let i = 0; i < n; i++) for (let j = 0; j < latent; j++) mean[j] += out[i * width + j] / n;
    return { mean, variance };
  }
  const precision = new Float64Array(latent);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < latent; j++) {
      const p = 1 / Math.max(softplus(out[i * width + latent + j]), MIN_FACTOR_VARIANCE);
      precision[j] += p;
      mean[j] += out[i * width + j] * p;
    }
  }
  for (let j = 0; j < latent; j++) {
    variance[j] = 1 / precision[j];
    mean[j] *= variance[j];
  }
  return { mean, variance };
}

/** The prior N(0, I) over L dimensions (zero variance without the bottleneck: z = 0). */
export function priorArrays(latent: number, useInformationBottleneck: boolean): LatentPosterior<Float64Array> {
  return { mean: new Float64Array(latent), variance: new Float64Array(latent).fill(useInformationBottleneck ? 1 : 0) };
}

/** One z ~ N(mean, variance) drawn from `rng` (posterior sampling), written into `out` at `offset`. */
export function sampleLatentArrays(posterior: LatentPosterior<Float64Array>, rng: Rng, out: Float32Array, offset: number): void {
  posterior.mean.forEach((m, j) => (out[offset + j] = m + Math.sqrt(posterior.variance[j]) * rng.normal()));
}
