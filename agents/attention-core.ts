/**
 * A causal self-attention core (registered as `attention`): a small pre-LayerNorm transformer over the most recent W
 * steps of the trial, in the spirit of SNAIL (Mishra et al. 2018) and AMAGO (Grigsby et al. 2024), behind the RL2
 * {@link RecurrentCore} contract.
 *
 * State: the last W RL2 input rows x (obs, previous action, previous reward, episode-start flag), each followed by a
 * validity flag, oldest first: one row [W, in + 1] flattened, S = W·(in + 1). `step` drops the oldest slot and appends
 * [x_t, 1]; it has no parameters, so `unroll` is {@link unrollSteps} over it. The all-zero state (a trial start) holds
 * no valid slot: nothing seen yet.
 *
 * Features: every slot is embedded (x·We plus a learned embedding of its age, 0 = newest), slots with flag ≤ 0.5
 * are zeroed first and masked out of every attention's keys, L pre-LN blocks run (transformer-block.ts: causal
 * attention at every position in the first L − 1, the newest position only in the last), a final LayerNorm, and the
 * newest position's output is the D features (F = D).
 *
 * Memory: the core remembers exactly what is in its window: W steps, across episode boundaries within a trial as far
 * as it reaches, nothing older (a GRU's memory fades instead of ending); choose W against the trial length. The
 * training path calls `features` on all T·B states at once, so its tensors are O(T·B·W·D) floats (plus
 * O(T·B·h·W²) score tensors per inner layer when L > 1): every state re-embeds its own window. Measured on wasm
 * at T·B = 400·20 = 8000 states, W = 64, D = 64, L = 1 (in = 25, half-cheetah): the forward pass keeps 1.0 GB
 * (about 8 tensors of [T·B, W, D], 131 MB each: keys and values are never materialised) and forward + backward
 * grow the wasm heap to 3.6 GB, close to wasm32's 4 GB; a minibatch of 2000 states needs 1.0 GB (0.53 GB at W = 32).
 * Keep gradient minibatches (RL2's `minibatches`, `shardSteps`) at a few thousand steps for W ≥ 64.
 *
 * Params: `[embedWeight: [in, D], agePositions: [W, D], ...L blocks (transformer-block.ts BLOCK_TENSORS each),
 * finalGain: [D], finalBias: [D]]`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/rng.js';
import { resolveCoreOptions, type CoreOptions, type CoreOptionSpecs } from './core-options.js';
import { unrollSteps, type Params } from './nets.js';
import type { RecurrentCore } from './recurrent-core.js';
import { BLOCK_TENSORS, MASKED, blockInit, blockParams, causalBlock, glorotWeight, layerNorm, layerNormInit, newestBlock } from './transformer-block.js';

/** Standard deviation of the initial age embeddings. */
const AGE_INIT_STD = 0.1;

/** Index of the first block's first tensor in the params (after embedWeight and agePositions). */
const FIRST_BLOCK = 2;

/** The attention core's settings. */
const attentionOptions: CoreOptionSpecs = {
  contextWindow: { default: 64, min: 1, max: 1024, integer: true, doc: 'W, the most recent steps attended over' },
  layers: { default: 1, min: 1, max: 4, integer: true, doc: 'L, transformer blocks' },
  heads: { default: 2, min: 1, max: 8, integer: true, doc: 'attention heads; hiddenDim must be divisible by it' },
};

/** Shape facts read off the params: in (input width), W, D. */
function dims(params: Params): { inputDim: number; window: number; width: number } {
  const [[inputDim, width], [window]] = [params[0].shape as number[], params[1].shape as number[]];
  return { inputDim, window, width };
}

/** Parameters for `layers` blocks over windows of `window` rows of `inputDim` entries, width `width`. */
function attentionInit(rng: Rng, inputDim: number, width: number, window: number, layers: number, heads: number): Params {
  if (width % heads !== 0) throw new Error(`attention core: hiddenDim ${width} must be divisible by heads ${heads}; change hiddenDim or coreOptions.heads.`);
  const embedWeight = glorotWeight(rng, inputDim, width);
  const agePositions = tf.tensor2d(Float32Array.from({ length: window * width }, () => rng.normal(0, AGE_INIT_STD)), [window, width]);
  const blocks = Array.from({ length: layers }, () => blockInit(rng, width)).flat();
  return [embedWeight, agePositions, ...blocks, ...layerNormInit(width)];
}

/** Drop the oldest slot and append [x, 1]: states [B, W·(in + 1)], x [B, in] -> [B, W·(in + 1)]. */
function shiftWindow(x: tf.Tensor2D, state: tf.Tensor2D): tf.Tensor2D {
  const [batch, size] = state.shape;
  const slot = x.shape[1] + 1;
  return tf.concat([tf.slice(state, [0, slot], [batch, size - slot]), x, tf.ones([batch, 1])], 1);
}

/**
 * Slot validity [N, W, 1] (1 where the flag exceeds 0.5) and the embedded slots [N, W, D] of states [N, S], invalid
 * slots zeroed before the embedding. Flags and inputs are picked out of the slots by matMuls (a flag selector, the
 * embedding with a zero row for the flag): one fast kernel each where a strided slice copies row by row on wasm.
 */
function embedSlots(params: Params, state: tf.Tensor2D): { valid: tf.Tensor3D; tokens: tf.Tensor3D } {
  const { inputDim, window, width } = dims(params);
  const slots = tf.reshape(state, [-1, inputDim + 1]) as tf.Tensor2D;
  const n = slots.shape[0] / window;
  const flagSelector = tf.tensor2d(Float32Array.from({ length: inputDim + 1 }, (_, i) => (i === inputDim ? 1 : 0)), [inputDim + 1, 1]);
  const valid = tf.cast(tf.greater(tf.matMul(slots, flagSelector), 0.5), 'float32');
  const slotEmbedding = tf.concat([params[0], tf.zeros([1, width])], 0) as tf.Tensor2D;
  const embedded = tf.reshape(tf.matMul(tf.mul(slots, valid), slotEmbedding), [n, window, width]);
  return { valid: tf.reshape(valid, [n, window, 1]), tokens: tf.add(embedded, tf.reverse(params[1], 0)) as tf.Tensor3D };
}

/** Causal score bias [W, W] (query, key): 0 where key ≤ query, {@link MASKED} above the diagonal. */
function causalBias(window: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: window * window }, (_, i) => (i % window > Math.floor(i / window) ? MASKED : 0)), [window, window]);
}

/** The newest position's output [N, D] of states [N, S] (see the file comment). */
function attentionFeatures(params: Params, state: tf.Tensor2D, layers: number, heads: number): tf.Tensor2D {
  const { window } = dims(params);
  const { valid, tokens } = embedSlots(params, state);
  const keyBias = tf.mul(tf.sub(1, valid), MASKED) as tf.Tensor3D;
  let h = tokens;
  if (layers > 1) {
    const scoreBias = tf.add(causalBias(window), tf.reshape(keyBias, [-1, 1, 1, window])) as tf.Tensor4D;
    for (let l = 0; l < layers - 1; l++) h = causalBlock(blockParams(params, FIRST_BLOCK + l * BLOCK_TENSORS), h, heads, scoreBias);
  }
  const newest = newestBlock(blockParams(params, FIRST_BLOCK + (layers - 1) * BLOCK_TENSORS), h, heads, keyBias);
  return layerNorm(newest, params[params.length - 2], params[params.length - 1]);
}

/** The attention core with `options` (contextWindow, layers, heads: {@link attentionOptions}). */
function attentionCoreWith(options: CoreOptions): RecurrentCore {
  const { contextWindow, layers, heads } = options;
  return {
    name: 'attention',
    options: attentionOptions,
    configure: attentionCoreWith,
    init: (rng, inputDim, hiddenDim) => attentionInit(rng, inputDim, hiddenDim, contextWindow, layers, heads),
    stateSize: (params) => dims(params).window * (dims(params).inputDim + 1),
    featureSize: (params) => dims(params).width,
    features: (params, state) => attentionFeatures(params, state, layers, heads),
    step: (_params, x, state) => shiftWindow(x, state),
    unroll: (_params, xs, s0, resetMask) => unrollSteps(shiftWindow, xs, s0, resetMask),
  };
}

/** The attention core with its default settings (W = 64, L = 1, 2 heads). */
export const attentionCore: RecurrentCore = attentionCoreWith(resolveCoreOptions('attention', attentionOptions));
