/**
 * Meta Networks (Munkhdalai & Yu 2017) as an RL2 {@link RecurrentCore}, registered as `metanet`.
 *
 * Base layer with layer augmentation: φ_t = tanh(x_t·W_s + b_s) + tanh([x_t, 1]·W̄*_t) [B, D], D = hiddenDim. The
 * fast weights W̄*_t [in + 1, D] (a fast bias included) are never trained by gradient descent: each step computes the
 * base learner's TD loss on the transition x_{t−1} -> x_t and its closed-form gradient with respect to [W_s; b_s]
 * (the meta information), G maps it coordinate-wise to fast weights in one forward pass (metanet-fast-weights.ts),
 * and they are written with the key of x_{t−1} into a K-slot memory; W̄*_t is read back by attention of x_t's key
 * over the stored keys (metanet-memory.ts). Keys come from a slow layer tanh(x·W_k + b_k) [dk].
 *
 * Next to φ_t the heads read a small GRU summary h_t of the inputs (width `summaryDim`, 0 = none): F = D + summaryDim,
 * features [φ_t, h_t]. The all-zero state is "nothing seen yet": an empty memory (W̄* = 0, φ = the slow layer only)
 * and h = 0.
 *
 * Parameters `[W_s: [in, D], b_s: [D], u: [D, 1], W_k: [in, dk], b_k: [dk], G: w1 [2, m], b1 [m], w2 [m, 1], b2 [1],
 * GRU: wx [in, 3H_s], wh [H_s, 3H_s], bx [3H_s], bh [3H_s]]` (no GRU tensors when summaryDim = 0); state
 * `[h: H_s | memory row]`, S = H_s + K + in + K·(1 + dk + (in + 1)·D) (metanet-memory.ts has the memory layout).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/rng.js';
import { resolveCoreOptions, type CoreOptions, type CoreOptionSpecs } from './core-options.js';
import { baseLossGradient, fastWeights, slowFeatures, withBiasInput, type BaseLearner } from './metanet-fast-weights.js';
import { advancePointer, joinMemory, memoryStateSize, pointerMap, readFastWeights, slotEntry, splitMemory, writeSlots, type Memory, type MemoryLayout } from './metanet-memory.js';
import { disposeParams, gruInit, gruStep, gruUnroll, mlpForward, mlpInit, type Params } from './nets.js';
import type { RecurrentCore } from './recurrent-core.js';

/** The `metanet` core's own settings (RL2 `coreOptions`). */
const METANET_OPTIONS: CoreOptionSpecs = {
  memorySlots: { default: 4, min: 1, max: 64, integer: true, doc: 'K: fast-weight memory slots, written round-robin once per step' },
  keyDim: { default: 8, min: 1, max: 256, integer: true, doc: 'dk: entries of a memory key' },
  metaHidden: { default: 8, min: 1, max: 256, integer: true, doc: 'hidden units of the coordinate-wise fast-weight generator G' },
  baseDiscount: { default: 0.9, min: 0, max: 1, doc: "γ_b: discount of the base learner's TD loss" },
  attentionSharpness: { default: 5, min: 0, max: 50, doc: 'β: softmax logits per unit of cosine similarity when reading the memory' },
  summaryDim: { default: 64, min: 0, max: 256, integer: true, doc: 'width of the GRU summary of the inputs the heads read next to φ (0: none)' },
};

/** Tensors of the fast-weight layer: 5 slow tensors, then G's 4. */
const LAYER_TENSORS = 9;

/** The fast-weight layer's parameters by role. */
interface LayerParams {
  base: BaseLearner;
  /** The key layer `[W_k, b_k]`. */
  keyLayer: Params;
  /** G `[w1, b1, w2, b2]`. */
  metaLearner: Params;
}

function unpack(params: Params): LayerParams {
  const [ws, bs, u, wk, bk, ...metaLearner] = params.slice(0, LAYER_TENSORS);
  return { base: { ws: ws as tf.Tensor2D, bs: bs as tf.Tensor1D, u: u as tf.Tensor2D }, keyLayer: [wk, bk], metaLearner };
}

/** The summary GRU's parameters `[wx, wh, bx, bh]` (none when summaryDim = 0). */
const summaryParams = (params: Params): Params => params.slice(LAYER_TENSORS);

/** Keys of input rows: tanh(x·W_k + b_k), [B, in] -> [B, dk]. */
function keyOf(keyLayer: Params, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tanh(mlpForward(keyLayer, x));
}

/** The fast-weight layer's parameters for inputs of `inputDim` entries and width D = `hiddenDim` (Glorot weights, zero biases). */
function initLayer(rng: Rng, inputDim: number, hiddenDim: number, keyDim: number, metaHidden: number): Params {
  const base = mlpInit(rng, [inputDim, hiddenDim]);
  const [u, unusedBias] = mlpInit(rng, [hiddenDim, 1]);
  disposeParams([unusedBias]);
  return [...base, u, ...mlpInit(rng, [inputDim, keyDim]), ...mlpInit(rng, [2, metaHidden, 1])];
}

/**
 * x_{t−1} of every step [T, B, in]: the last input of the initial rows `last` [B, in] for t = 0, then x_{t−1}; zero
 * where `keep` [T, B, 1] is 0 (the row was reset before step t).
 */
function previousInputs(last: tf.Tensor2D, xs: tf.Tensor3D, keep: tf.Tensor3D): tf.Tensor3D {
  const [T, B, inputDim] = xs.shape;
  const before = tf.expandDims(last, 0);
  return tf.mul(T > 1 ? tf.concat([before, tf.slice(xs, [0, 0, 0], [T - 1, B, inputDim])], 0) : before, keep);
}

/**
 * The fast-weight layer on memory rows (metanet-memory.ts): φ of a row, a step, and an unroll whose only recurrence
 * is the memory writes.
 */
function fastWeightLayer(options: CoreOptions) {
  const layout = (params: Params): MemoryLayout => ({
    inputDim: params[0].shape[0],
    hiddenDim: params[0].shape[1] as number,
    keyDim: params[3].shape[1] as number,
    slots: options.memorySlots,
  });

  /** φ = tanh(x·W_s + b_s) + tanh([x, 1]·W̄*) of memory rows [B, S_m] -> [B, D], x = the row's last input. */
  const features = (params: Params, state: tf.Tensor2D): tf.Tensor2D => {
    const { base, keyLayer } = unpack(params);
    const { lastInput: x, slots } = splitMemory(layout(params), state);
    const fast = readFastWeights(layout(params), slots, keyOf(keyLayer, x), options.attentionSharpness);
    const fastPart = tf.reshape(tf.matMul(tf.expandDims(withBiasInput(x), 1), fast), [x.shape[0], -1]);
    return tf.add(slowFeatures(base, x), tf.tanh(fastPart));
  };

  /**
   * The slot entries `[1, key(x_{t−1}), W̄*]` [N, 1 + dk + (in + 1)·D] that transitions x_{t−1} -> x_t (rows [N, in]) write:
   * the key of x_{t−1} and G's fast weights from the base-loss gradient. They depend on the two inputs only, so the
   * unroll computes them for all T steps in one batch.
   */
  const slotEntries = (params: Params, previous: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D => {
    const { base, keyLayer, metaLearner } = unpack(params);
    return slotEntry(keyOf(keyLayer, previous), fastWeights(metaLearner, baseLossGradient(base, previous, x, options.baseDiscount)));
  };

  /** One step of memory rows: inputs [B, in], rows [B, S_m] -> [B, S_m]. */
  const step = (params: Params, x: tf.Tensor2D, state: tf.Tensor2D): tf.Tensor2D => {
    const { pointer, lastInput, slots } = splitMemory(layout(params), state);
    const written = writeSlots(slots, pointer, slotEntries(params, lastInput, x));
    return joinMemory(advancePointer(pointer, pointerMap(options.memorySlots)), x, written);
  };

  /** The slot entries of all T steps in one batch, then the writes step by step: xs [T, B, in] -> rows [T, B, S_m]. */
  const unroll = (params: Params, xs: tf.Tensor3D, s0: tf.Tensor2D, resetMask?: tf.Tensor2D): tf.Tensor3D => {
    const [T, B, inputDim] = xs.shape;
    const first = splitMemory(layout(params), s0);
    const keep: tf.Tensor3D = resetMask ? tf.expandDims(tf.sub(1, resetMask), 2) : tf.ones([T, B, 1]);
    const flat = (t: tf.Tensor) => tf.reshape(t, [T * B, inputDim]) as tf.Tensor2D;
    const entries = tf.reshape(slotEntries(params, flat(previousInputs(first.lastInput, xs, keep)), flat(xs)), [T, B, -1]) as tf.Tensor3D;
    const { pointers, slots } = writeAll(first, entries, resetMask ? keep : undefined);
    return joinMemory(pointers, xs, slots);
  };

  /**
   * The writes of `entries` [T, B, slot] one step after the other from the memory `first`, rows zeroed where `keep`
   * [T, B, 1] is 0. @returns the pointers [T, B, K] and slots [T, B, K, slot] after every step.
   */
  const writeAll = (first: Memory, entries: tf.Tensor3D, keep?: tf.Tensor3D) => {
    const map = pointerMap(options.memorySlots);
    const keeps = keep ? (tf.unstack(keep) as tf.Tensor2D[]) : undefined;
    let [pointer, slots] = [first.pointer, first.slots];
    const pointers: tf.Tensor2D[] = [];
    const history: tf.Tensor3D[] = [];
    (tf.unstack(entries) as tf.Tensor2D[]).forEach((entry, t) => {
      if (keeps) [pointer, slots] = [tf.mul(pointer, keeps[t]), tf.mul(slots, tf.expandDims(keeps[t], 2))];
      slots = writeSlots(slots, pointer, entry);
      pointer = advancePointer(pointer, map);
      pointers.push(pointer);
      history.push(slots);
    });
    return { pointers: tf.stack(pointers) as tf.Tensor3D, slots: tf.stack(history) as tf.Tensor4D };
  };

  return { stateSize: (params: Params) => memoryStateSize(layout(params)), features, step, unroll };
}

/** The `metanet` core set up with `options` (every option of {@link METANET_OPTIONS} present). */
function metanetWith(options: CoreOptions): RecurrentCore {
  const layer = fastWeightLayer(options);
  const summaryDim = options.summaryDim;
  /** States [B, S] -> the summary h [B, summaryDim] and the memory rows [B, S_m]. */
  const parts = (state: tf.Tensor2D) => tf.split(state, [summaryDim, -1], 1) as [tf.Tensor2D, tf.Tensor2D];

  const features = (params: Params, state: tf.Tensor2D): tf.Tensor2D => {
    if (summaryDim === 0) return layer.features(params, state);
    const [h, memory] = parts(state);
    return tf.concat([layer.features(params, memory), h], 1);
  };

  const step = (params: Params, x: tf.Tensor2D, state: tf.Tensor2D): tf.Tensor2D => {
    if (summaryDim === 0) return layer.step(params, x, state);
    const [h, memory] = parts(state);
    return tf.concat([gruStep(summaryParams(params), x, h), layer.step(params, x, memory)], 1);
  };

  const unroll = (params: Params, xs: tf.Tensor3D, s0: tf.Tensor2D, resetMask?: tf.Tensor2D): tf.Tensor3D => {
    if (summaryDim === 0) return layer.unroll(params, xs, s0, resetMask);
    const [h0, memory0] = parts(s0);
    return tf.concat([gruUnroll(summaryParams(params), xs, h0, resetMask), layer.unroll(params, xs, memory0, resetMask)], 2);
  };

  const init = (rng: Rng, inputDim: number, hiddenDim: number): Params => {
    const fastWeights = initLayer(rng, inputDim, hiddenDim, options.keyDim, options.metaHidden);
    return summaryDim === 0 ? fastWeights : [...fastWeights, ...gruInit(rng, inputDim, summaryDim)];
  };

  return {
    name: 'metanet',
    options: METANET_OPTIONS,
    configure: metanetWith,
    init,
    stateSize: (params) => summaryDim + layer.stateSize(params),
    featureSize: (params) => (params[0].shape[1] as number) + summaryDim,
    features,
    step,
    unroll,
  };
}

/** The `metanet` core with its default options (`configure` sets up others). */
export const metanetCore: RecurrentCore = metanetWith(resolveCoreOptions('metanet', METANET_OPTIONS));
