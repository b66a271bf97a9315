/**
 * Shared checks for RL2's recurrent cores (agents/recurrent-core.ts):
 * - {@link checkCoreAgainstFloat64}: a (configured) core's tf.js unroll against an independent float64 reference of the same
 *   recurrence (plain JS loops written in the test), forward values and the gradient of a fixed loss of the features
 *   with respect to every parameter (tf.grad vs float64 central differences of the reference);
 * - {@link rl2PointNavAdaptation}: meta-train RL2 on PointNav with 20-step episodes and measure, on 10 held-out
 *   goals, how much episode 2 of a trial beats episode 1.
 * Importing this module registers `PointNavShort-v0` (PointNav, horizon 20) in the importing test's process.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rl2 } from '../agents/meta/rl2.js';
import type { Rl2Options } from '../agents/meta/rl2-options.js';
import type { RecurrentCore } from '../agents/recurrent-core.js';
import { envSpec, registerEnv, robotEnv, Rng } from '../envs/index.js';
import { pointNav } from '../envs/point-nav.js';
import { normals } from './helpers.js';

registerEnv(robotEnv({ ...pointNav, id: 'PointNavShort-v0', horizon: 20 }));

/**
 * A float64 reference of a core: from the core's parameters flattened in its order (`theta`), inputs xs [T*B*IN],
 * initial states s0 [B*S] and the reset mask [T*B] (1 = zero the row before step t), the features of the state after
 * every step, [T*B*F], computed with plain JS numbers.
 */
export type CoreReference = (theta: Float64Array, xs: Float64Array, s0: Float64Array, reset: Float64Array) => Float64Array;

/** Sizes and seeds of {@link checkCoreAgainstFloat64}. */
export interface CoreCheckSetup {
  T: number;
  B: number;
  inputDim: number;
  hiddenDim: number;
  /** Row b is reset before step t where `resets` holds [t, b]. */
  resets?: [number, number][];
  /** Scale of the initial states (0: trials start from zero states). */
  stateScale?: number;
  seed?: number;
}

/** What {@link checkCoreAgainstFloat64} measured. */
export interface CoreCheckResult {
  parameters: number;
  /** max |tf features − reference features| over the unroll. */
  forwardError: number;
  /** max over parameters of |tf.grad − central difference| / max(floor, |central difference|, |tf.grad|). */
  gradientError: number;
}

/**
 * Run `core`'s unroll in tf.js and `reference` in float64 on the same seeded inputs. The loss is Σ c ⊙ features over
 * all steps with fixed random weights c, so every feature at every step carries gradient. Central differences use
 * step `eps` on the float64 reference (truncation error ~eps², rounding ~1e-16/eps: negligible at 1e-5), so the
 * gradient error measures tf.js's float32 backprop only.
 */
export function checkCoreAgainstFloat64(core: RecurrentCore, reference: CoreReference, setup: CoreCheckSetup, eps = 1e-5, floor = 1e-2): CoreCheckResult {
  const { T, B, inputDim, hiddenDim } = setup;
  const rng = Rng.fromSeed(setup.seed ?? 7);
  const params = core.init(rng, inputDim, hiddenDim);
  const S = core.stateSize(params);
  const F = core.featureSize(params);
  const xs = normals(rng, T * B * inputDim);
  const s0 = normals(rng, B * S, setup.stateScale ?? 0);
  const reset = new Float32Array(T * B);
  for (const [t, b] of setup.resets ?? []) reset[t * B + b] = 1;
  const weights = normals(rng, T * B * F);
  const theta = tf.tidy(() => tf.concat(params.map((p) => tf.reshape(p, [-1]))).dataSync() as Float32Array);
  const lossOf = (ps: tf.Tensor[]): tf.Scalar => {
    const states = core.unroll(ps, tf.tensor3d(xs, [T, B, inputDim]), tf.tensor2d(s0, [B, S]), tf.tensor2d(reset, [T, B]));
    const features = core.features(ps, tf.reshape(states, [T * B, S]));
    return tf.sum(tf.mul(features, tf.tensor2d(weights, [T * B, F])));
  };
  const tfFeatures = tf.tidy(() => core.features(params, tf.reshape(core.unroll(params, tf.tensor3d(xs, [T, B, inputDim]), tf.tensor2d(s0, [B, S]), tf.tensor2d(reset, [T, B])), [T * B, S])).dataSync());
  const analytic = tf.tidy(() => tf.concat(tf.grads((...ps: tf.Tensor[]) => lossOf(ps))(params).map((g) => tf.reshape(g, [-1]))).dataSync());
  tf.dispose(params);
  const [xs64, s064, reset64] = [Float64Array.from(xs), Float64Array.from(s0), Float64Array.from(reset)];
  const theta64 = Float64Array.from(theta);
  const referenceFeatures = reference(theta64, xs64, s064, reset64);
  if (referenceFeatures.length !== T * B * F) throw new Error(`reference returned ${referenceFeatures.length} features, expected T*B*F = ${T * B * F}`);
  const referenceLoss = (v: Float64Array) => reference(v, xs64, s064, reset64).reduce((s, f, i) => s + f * weights[i], 0);
  let forwardError = 0;
  for (let i = 0; i < tfFeatures.length; i++) forwardError = Math.max(forwardError, Math.abs(tfFeatures[i] - referenceFeatures[i]));
  let gradientError = 0;
  for (let i = 0; i < theta64.length; i++) {
    const plus = Float64Array.from(theta64);
    const minus = Float64Array.from(theta64);
    plus[i] += eps;
    minus[i] -= eps;
    const fd = (referenceLoss(plus) - referenceLoss(minus)) / (2 * eps);
    gradientError = Math.max(gradientError, Math.abs(fd - analytic[i]) / Math.max(floor, Math.abs(fd), Math.abs(analytic[i])));
  }
  return { parameters: theta64.length, forwardError, gradientError };
}

/** Return of episode 1 and 2 per held-out goal, before and after meta-training, and the gain of episode 2. */
export interface PointNavAdaptation {
  before: number[][];
  after: number[][];
  /** Mean over held-out goals of (episode 2 − episode 1) after training. */
  gain: number;
  /** Held-out goals (of 10) where episode 2 beat episode 1 after training. */
  improved: number;
  msPerIteration: number;
  summary: string;
}

/**
 * Meta-train RL2 (`options` over PointNavShort-v0, E = 2) for `iterations` iterations of 20 goals and measure
 * episodes 1 and 2 on 10 held-out goals (5 trials each, stochastic policy) before and after.
 */
export async function rl2PointNavAdaptation(options: Omit<Rl2Options, 'envId'>, iterations: number): Promise<PointNavAdaptation> {
  const goals = envSpec('PointNav-v0').def.tasks;
  const rl2 = await Rl2.create({ envId: 'PointNavShort-v0', episodesPerTrial: 2, ...options });
  const testTasks = goals.testTasks(10);
  const curves = async () => Promise.all(testTasks.map((task, i) => rl2.adaptationCurve(task, { seed: 1000 + i, episodes: 2, trials: 5 }).then((c) => c.returns)));
  const before = await curves();
  const rng = Rng.fromSeed(101);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await rl2.metaStep(goals.sample(rng, 20), rng.seed());
  const msPerIteration = (performance.now() - t0) / iterations;
  const after = await curves();
  rl2.dispose();
  const gainOf = (cs: number[][]) => cs.reduce((s, c) => s + c[1] - c[0], 0) / cs.length;
  const gain = gainOf(after);
  const improved = after.filter((c) => c[1] > c[0]).length;
  const meanOf = (cs: number[][], e: number) => (cs.reduce((s, c) => s + c[e], 0) / cs.length).toFixed(2);
  const summary = `episode 1 -> 2: before ${meanOf(before, 0)} -> ${meanOf(before, 1)} (gain ${gainOf(before).toFixed(2)}), after ${iterations} iterations ${meanOf(after, 0)} -> ${meanOf(after, 1)} (gain ${gain.toFixed(2)}, ${improved}/10 improved); ${msPerIteration.toFixed(0)} ms/iteration`;
  return { before, after, gain, improved, msPerIteration, summary };
}

/**
 * Create RL2 with `options` (a core on PointNav with tiny episodes), run `iterations` meta-iterations of 3 goals
 * (every metric finite), `inspect` it and dispose it; assert that it leaks nothing: the tensor count is the same
 * after every iteration, and back to the count before creation after disposal.
 */
export async function assertRl2TensorsFlat(options: Rl2Options, iterations: number, inspect: (rl2: Rl2) => void | Promise<void> = () => {}): Promise<void> {
  const goals = envSpec('PointNav-v0').def.tasks;
  const start = tf.memory().numTensors;
  const rl2 = await Rl2.create(options);
  const rng = Rng.fromSeed(2);
  const perIteration: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const m = await rl2.metaStep(goals.sample(rng, 3), rng.seed());
    for (const [name, v] of Object.entries({ pre: m.preReturn, post: m.postReturn, kl: m.kl, ...m.losses })) {
      if (!Number.isFinite(v)) throw new Error(`iteration ${i + 1}: ${name} = ${v}`);
    }
    perIteration.push(tf.memory().numTensors);
  }
  await inspect(rl2);
  rl2.dispose();
  assert.ok(perIteration.every((c) => c === perIteration[0]), `numTensors per iteration: ${perIteration}`);
  assert.equal(tf.memory().numTensors, start, 'numTensors after dispose');
}

/** The learning tests' bar: episode 2 beats episode 1 by > 0.5 return on average and on at least 7 of 10 goals. */
export function assertEpisodeTwoBeatsOne(r: PointNavAdaptation): void {
  assert.ok(r.gain > 0.5, `mean gain of episode 2 over episode 1: ${r.gain}; curves ${JSON.stringify(r.after)}`);
  assert.ok(r.improved >= 7, `${r.improved}/10 held-out tasks improved; curves ${JSON.stringify(r.after)}`);
}
