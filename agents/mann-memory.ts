/**
 * Memory addressing of the memory-augmented neural network (MANN, Santoro et al. 2016, "Meta-Learning with
 * Memory-Augmented Neural Networks"): content-based reads, least-recently-used writes and the usage that drives
 * them. Batched over B rows (envs or trials); R heads, N slots of width M. Pure tensor functions: callers wrap them
 * in `tf.tidy` or a gradient call. The MANN recurrent core that strings them together is mann-core.ts.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * ε in the norms of the cosine similarity, ‖v‖_ε = sqrt(Σ v² + ε). Inside the square root it keeps both the value
 * and the gradient finite at an all-zero vector (a fresh trial's memory: cos = 0 / (‖k‖_ε sqrt(ε)) = 0 for every slot,
 * so the reads are uniform; a bare ‖v‖ would give 0/0 and an infinite d‖v‖/dv). At 1e-6 it changes the norm of a
 * row with ‖v‖ ≥ 0.01 by at most 0.5 % and bounds the sensitivity of cos to a near-empty row by 1/sqrt(ε) = 1e3.
 */
export const COSINE_EPSILON = 1e-6;

/**
 * Per head, a one-hot weighting on its least-used slot: head i gets the slot with the i-th smallest usage (ties to
 * the lower slot index), so the R heads pick R distinct slots. A selection: no gradient flows back to `usage`
 * (tf.topk has none; the selection runs inside a custom gradient that returns zero). The one-hot is made as int32
 * and cast: the wasm backend's OneHot with dtype float32 writes the int32 bit patterns (1 reads as 1.4e-45).
 * @param usage [B, N] (N ≥ R). @param heads R.
 * @returns w^lu [B, R, N], entries 0 or 1.
 */
export function leastUsedWeights(usage: tf.Tensor2D, heads: number): tf.Tensor3D {
  const select = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const u = inputs[0] as tf.Tensor2D;
    const slots = tf.topk(tf.neg(u), heads).indices;
    return { value: tf.cast(tf.oneHot(slots, u.shape[1]), 'float32'), gradFunc: (dy: tf.Tensor) => tf.zerosLike(u) };
  });
  return select(usage) as tf.Tensor3D;
}

/**
 * Write weights of Santoro's least-recently-used access: w^w_i = α_i w^r_{i,t−1} + (1 − α_i) w^lu_i, interpolating
 * between the slots head i read last step and its least-used slot.
 * @param gates α [B, R, 1] in (0, 1). @param previousReads w^r_{t−1} [B, R, N]. @param leastUsed w^lu [B, R, N].
 * @returns w^w [B, R, N].
 */
export function writeWeights(gates: tf.Tensor3D, previousReads: tf.Tensor3D, leastUsed: tf.Tensor3D): tf.Tensor3D {
  return tf.add(leastUsed, tf.mul(gates, tf.sub(previousReads, leastUsed)));
}

/**
 * Memory after the writes of one step: the slots any head selected as least used are zeroed first (Santoro et al.
 * clear the least-used location before writing), then every head adds its write vector with its write weights,
 * Mem_t = Mem' + Σ_i w^w_i ⊗ a_i.
 * @param memory Mem_{t−1} [B, N, M]. @param leastUsed w^lu [B, R, N] (one-hot rows on distinct slots).
 * @param weights w^w [B, R, N]. @param writeVectors a [B, R, M].
 * @returns Mem_t [B, N, M].
 */
export function writeMemory(memory: tf.Tensor3D, leastUsed: tf.Tensor3D, weights: tf.Tensor3D, writeVectors: tf.Tensor3D): tf.Tensor3D {
  const [rows, slots] = memory.shape;
  const keep = tf.reshape(tf.sub(1, tf.sum(leastUsed, 1)), [rows, slots, 1]);
  const cleared = tf.mul(memory, keep);
  return tf.add(cleared, tf.matMul(weights, writeVectors, true, false));
}

/** ‖v‖_ε along the last axis, kept as a length-1 axis: [..., K] -> [..., 1]. */
function smoothNorm(v: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.add(tf.sum(tf.square(v), -1, true), COSINE_EPSILON));
}

/**
 * Content-based read weights (Santoro's cosine-softmax addressing with the NTM's key strength β):
 * w^r_i[j] = softmax_j(β_i cos(k_i, Mem[j])), cos with {@link COSINE_EPSILON} in both norms.
 * @param keys k [B, R, M]. @param strengths β [B, R, 1] (≥ 1). @param memory Mem_t [B, N, M].
 * @returns w^r [B, R, N], each row a distribution over slots.
 */
export function contentReadWeights(keys: tf.Tensor3D, strengths: tf.Tensor3D, memory: tf.Tensor3D): tf.Tensor3D {
  const dots = tf.matMul(keys, memory, false, true);
  const [rows, slots] = memory.shape;
  const norms = tf.mul(smoothNorm(keys), tf.reshape(smoothNorm(memory), [rows, 1, slots]));
  return tf.softmax(tf.mul(strengths, tf.div(dots, norms))) as tf.Tensor3D;
}

/**
 * Usage after a step (Santoro's usage weights): u_t = γ u_{t−1} + Σ_i (w^r_i + w^w_i).
 * @param usage u_{t−1} [B, N]. @param reads w^r [B, R, N]. @param writes w^w [B, R, N]. @param decay γ in [0, 1].
 * @returns u_t [B, N].
 */
export function nextUsage(usage: tf.Tensor2D, reads: tf.Tensor3D, writes: tf.Tensor3D, decay: number): tf.Tensor2D {
  return tf.add(tf.mul(usage, decay), tf.sum(tf.add(reads, writes), 1)) as tf.Tensor2D;
}
