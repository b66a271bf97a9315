/**
 * Pre-LayerNorm transformer blocks over a batch of token windows (the attention core's layers, attention-core.ts):
 * h + MHA(LN(h)), then h + MLP(LN(h)), with multi-head self-attention whose disallowed (query, key) pairs are masked
 * by an additive bias of {@link MASKED} before the softmax, and an MLP of width 2D with a ReLU.
 *
 * Two forms of the same block: {@link causalBlock} updates every position (the inner layers), {@link newestBlock}
 * only the newest one (the last layer, whose other outputs nothing reads). The latter never materialises keys or
 * values per position: with q the newest query of one head and a_j the normalised tokens,
 * q·(a_j Wk) = a_j·(Wk q) and Σ_j p_j (a_j Wv) = (Σ_j p_j a_j) Wv, so its only [N, W, ·] tensors are the LayerNorm's
 * and its scores are [N, h, W] (the full form's are [N, h, W, W]).
 *
 * Shapes: N windows of W tokens of width D, h heads of width D/h. Tensor functions are pure (callers tidy).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/rng.js';
import { mlpForward, mlpInit, type Params } from './nets.js';

/** Additive score bias of a masked (query, key) pair: exp(score + MASKED − max) underflows to exactly 0 in float32. */
export const MASKED = -1e9;

/** LayerNorm's variance floor ε. */
const NORM_EPSILON = 1e-5;

/** Width of the MLP's hidden layer, in units of D. */
const MLP_EXPANSION = 2;

/**
 * One block's parameters, in their order in a params list: LN1 (gain, bias), attention (query weight and bias, key
 * and value weights, output weight and bias), LN2 (gain, bias), MLP (`[w1: [D, 2D], b1, w2: [2D, D], b2]`).
 * Keys and values have no bias: a key bias adds the same q·b to every score of a query (the softmax ignores it) and a
 * value bias passes through the convex combination unchanged (the output bias subsumes it).
 */
export interface BlockParams {
  norm1Gain: tf.Tensor; norm1Bias: tf.Tensor;
  queryWeight: tf.Tensor2D; queryBias: tf.Tensor; keyWeight: tf.Tensor2D; valueWeight: tf.Tensor2D;
  outWeight: tf.Tensor2D; outBias: tf.Tensor;
  norm2Gain: tf.Tensor; norm2Bias: tf.Tensor;
  mlp: Params;
}

/** Tensors per block in a params list. */
export const BLOCK_TENSORS = 14;

/** A Glorot-uniform weight [rows, cols] (mlpInit's, without its zero bias). */
export function glorotWeight(rng: Rng, rows: number, cols: number): tf.Tensor2D {
  const [weight, bias] = mlpInit(rng, [rows, cols]);
  bias.dispose();
  return weight as tf.Tensor2D;
}

/** LayerNorm parameters [gain: ones [D], bias: zeros [D]]. */
export function layerNormInit(width: number): Params {
  return [tf.ones([width]), tf.zeros([width])];
}

/** A block of width D ({@link BLOCK_TENSORS} tensors): Glorot weights, zero biases, unit LayerNorm gains. */
export function blockInit(rng: Rng, width: number): Params {
  const [queryWeight, queryBias] = mlpInit(rng, [width, width]);
  const [keyWeight, valueWeight] = [glorotWeight(rng, width, width), glorotWeight(rng, width, width)];
  const [outWeight, outBias] = mlpInit(rng, [width, width]);
  const mlp = mlpInit(rng, [width, MLP_EXPANSION * width, width]);
  return [...layerNormInit(width), queryWeight, queryBias, keyWeight, valueWeight, outWeight, outBias, ...layerNormInit(width), ...mlp];
}

/** The block whose tensors start at `offset` of `params` (views, not copies). */
export function blockParams(params: Params, offset: number): BlockParams {
  const p = params.slice(offset, offset + BLOCK_TENSORS);
  if (p.length !== BLOCK_TENSORS) throw new Error(`blockParams: expected ${BLOCK_TENSORS} tensors at ${offset}, got ${p.length}.`);
  return {
    norm1Gain: p[0], norm1Bias: p[1],
    queryWeight: p[2] as tf.Tensor2D, queryBias: p[3], keyWeight: p[4] as tf.Tensor2D, valueWeight: p[5] as tf.Tensor2D,
    outWeight: p[6] as tf.Tensor2D, outBias: p[7],
    norm2Gain: p[8], norm2Bias: p[9],
    mlp: p.slice(10),
  };
}

/** LayerNorm without its affine part over the last axis: (x − mean) / sqrt(var + ε). @param x [..., D]. @returns [..., D]. */
function standardize<T extends tf.Tensor>(x: T): T {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.mul(centred, tf.rsqrt(tf.add(variance, NORM_EPSILON))) as T;
}

/** LayerNorm over the last axis: standardize(x) · gain + bias. @param x [..., D]. @returns [..., D]. */
export function layerNorm<T extends tf.Tensor>(x: T, gain: tf.Tensor, bias: tf.Tensor): T {
  return tf.add(tf.mul(standardize(x), gain), bias) as T;
}

/** x·w (+ b) on the last axis of a rank-3 x [N, W, in] -> [N, W, out] (one 2-D matMul). */
function dense3(x: tf.Tensor3D, weight: tf.Tensor2D, bias?: tf.Tensor): tf.Tensor3D {
  const [n, w, width] = x.shape;
  const flat = tf.reshape(x, [n * w, width]) as tf.Tensor2D;
  const out = bias ? mlpForward([weight, bias], flat) : tf.matMul(flat, weight);
  return tf.reshape(out, [n, w, weight.shape[1]]);
}

/** [N, W, D] -> [N, h, W, D/h] (`keysLast`: [N, h, D/h, W], ready as the right factor of q·kᵀ). */
function splitHeads(x: tf.Tensor3D, heads: number, keysLast = false): tf.Tensor4D {
  const [n, w, width] = x.shape;
  return tf.transpose(tf.reshape(x, [n, w, heads, width / heads]), keysLast ? [0, 2, 3, 1] : [0, 2, 1, 3]);
}

/** MLP sublayer: h + MLP(LN2(h)) on rows [M, D]. */
function mlpResidual(block: BlockParams, h: tf.Tensor2D): tf.Tensor2D {
  return tf.add(h, mlpForward(block.mlp, layerNorm(h, block.norm2Gain, block.norm2Bias), 'relu'));
}

/**
 * A full block at every position: h + MHA(LN1(h)) with score bias `scoreBias`, then the MLP sublayer.
 * @param h tokens [N, W, D]. @param scoreBias [N, 1, W, W] (query, key): 0 where allowed, {@link MASKED} elsewhere.
 * @returns [N, W, D].
 */
export function causalBlock(block: BlockParams, h: tf.Tensor3D, heads: number, scoreBias: tf.Tensor4D): tf.Tensor3D {
  const [n, w, width] = h.shape;
  const a = layerNorm(h, block.norm1Gain, block.norm1Bias);
  const queries = splitHeads(tf.mul(dense3(a, block.queryWeight, block.queryBias), 1 / Math.sqrt(width / heads)), heads);
  const keys = splitHeads(dense3(a, block.keyWeight), heads, true);
  const values = splitHeads(dense3(a, block.valueWeight), heads);
  const weights = tf.softmax(tf.add(tf.matMul(queries, keys), scoreBias));
  const context = tf.reshape(tf.transpose(tf.matMul(weights, values), [0, 2, 1, 3]), [n * w, width]) as tf.Tensor2D;
  const attended = tf.add(tf.reshape(h, [n * w, width]), mlpForward([block.outWeight, block.outBias], context)) as tf.Tensor2D;
  return tf.reshape(mlpResidual(block, attended), [n, w, width]);
}

/** Per-head blocks of a [D, D] weight: [h, D, D/h] (`transposed`: [h, D/h, D]). */
function headBlocks(weight: tf.Tensor2D, heads: number, transposed: boolean): tf.Tensor3D {
  const width = weight.shape[0];
  return tf.transpose(tf.reshape(weight, [width, heads, width / heads]), transposed ? [1, 2, 0] : [1, 0, 2]);
}

/**
 * The block at the newest position only (the last token of every window): its query attends to all W tokens
 * (allowed where `keyBias` is 0), then the MLP sublayer. Keys and values are folded into the query and the attention
 * weights (see the file comment), and so is LN1's affine part: with a_j = z_j ⊙ g + β (z_j standardized),
 * q·((z_j ⊙ g + β) Wk) differs from z_j·(g ⊙ Wk q) by a score the same for every key (the softmax drops it) and
 * Σ_j p_j a_j = (Σ_j p_j z_j) ⊙ g + β, so no [N, W, D] tensor but z's exists here.
 * @param h tokens [N, W, D]. @param keyBias [N, W, 1]: 0 for a key the newest token may attend to, {@link MASKED} else.
 * @returns the newest token's output [N, D].
 */
export function newestBlock(block: BlockParams, h: tf.Tensor3D, heads: number, keyBias: tf.Tensor3D): tf.Tensor2D {
  const [n, w, width] = h.shape;
  const z = standardize(h);
  const newest = tf.reshape(tf.slice(h, [0, w - 1, 0], [n, 1, width]), [n, width]) as tf.Tensor2D;
  const newestNormed = tf.add(tf.mul(tf.reshape(tf.slice(z, [0, w - 1, 0], [n, 1, width]), [n, width]), block.norm1Gain), block.norm1Bias) as tf.Tensor2D;
  const query = tf.mul(mlpForward([block.queryWeight, block.queryBias], newestNormed), 1 / Math.sqrt(width / heads));
  const queryHeads = tf.transpose(tf.reshape(query, [n, heads, width / heads]), [1, 0, 2]);
  // g ⊙ Wk·q per head, [h, N, D] -> [N, D, h]: the scores are then z_j · (g ⊙ Wk q), [N, W, h].
  const keyQuery = tf.mul(tf.transpose(tf.matMul(queryHeads, headBlocks(block.keyWeight, heads, true)), [1, 2, 0]), tf.reshape(block.norm1Gain, [width, 1]));
  const weights = tf.softmax(tf.transpose(tf.add(tf.matMul(z, keyQuery), keyBias), [0, 2, 1]));
  // Σ_j p_j a_j per head, [N, h, D] -> [h, N, D], times Wv per head -> [h, N, D/h] -> [N, D].
  const mixed = tf.transpose(tf.add(tf.mul(tf.matMul(weights, z), block.norm1Gain), block.norm1Bias), [1, 0, 2]);
  const context = tf.reshape(tf.transpose(tf.matMul(mixed, headBlocks(block.valueWeight, heads, false)), [1, 0, 2]), [n, width]) as tf.Tensor2D;
  return mlpResidual(block, tf.add(newest, mlpForward([block.outWeight, block.outBias], context)));
}
