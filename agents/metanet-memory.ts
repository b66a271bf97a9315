/**
 * The fast-weight memory of the `metanet` core (metanet-core.ts) as one flat state row, and its write and read.
 *
 * Meta Networks store one fast-weight matrix per support example with that example's key and read them back for a
 * query by softmax attention over cosine similarities of keys. Streaming in RL the memory is bounded: K slots of
 * (key [dk], fast weights [(in + 1)·D]) written round-robin, read by a softmax of the query's cosine similarity to the
 * keys of the slots written so far (`sharpness` × cosine as logits).
 *
 * Row layout, S = K + in + K·(1 + dk + (in + 1)·D) entries: `[pointer: K | lastInput: in | slots: K × slot]`.
 * - pointer: one-hot, the slot the next write goes to; all zero = nothing seen yet (the next step writes nothing,
 *   and points the write after it at slot 0);
 * - lastInput: the latest input row x_t (the next step's x_{t−1}; the heads' query);
 * - a slot: `[written | key: dk | fast weights W̄*: (in + 1)·D (row-major [in + 1, D])]`, written = 1 once the slot holds an
 *   entry of this trial (only those are attended to).
 * The all-zero row is the empty memory: no slot written, so the fast weights read back are 0.
 * The pointer and the written flags depend on the inputs' timing only, never on parameters.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Added to a squared norm before its square root in the cosine similarity (keeps the zero key finite). */
export const COSINE_EPSILON = 1e-8;

/** Sizes of a memory row. */
export interface MemoryLayout {
  /** in: entries of an input row. */
  inputDim: number;
  /** D: width of the base layer. */
  hiddenDim: number;
  /** dk: entries of a key. */
  keyDim: number;
  /** K: slots. */
  slots: number;
}

/** A batch of memory rows, split into their parts. */
export interface Memory {
  /** [B, K] */
  pointer: tf.Tensor2D;
  /** [B, in] */
  lastInput: tf.Tensor2D;
  /** [B, K, 1 + dk + (in + 1)·D] */
  slots: tf.Tensor3D;
}

/** Entries of one slot: the written flag, the key and the fast weights. */
function slotSize({ inputDim, hiddenDim, keyDim }: MemoryLayout): number {
  return 1 + keyDim + (inputDim + 1) * hiddenDim;
}

/** S: entries of a memory row. */
export function memoryStateSize(layout: MemoryLayout): number {
  return layout.slots + layout.inputDim + layout.slots * slotSize(layout);
}

/** Rows [B, S] -> their parts. */
export function splitMemory(layout: MemoryLayout, state: tf.Tensor2D): Memory {
  const [pointer, lastInput, slots] = tf.split(state, [layout.slots, layout.inputDim, layout.slots * slotSize(layout)], 1) as tf.Tensor2D[];
  return { pointer, lastInput, slots: tf.reshape(slots, [state.shape[0], layout.slots, slotSize(layout)]) };
}

/** Parts -> rows, along the last axis: [..., K], [..., in], [..., K, slot] -> [..., S] (a batch or [T, B]). */
export function joinMemory<T extends tf.Tensor>(pointer: T, lastInput: T, slots: tf.Tensor): T {
  const flatSlots = tf.reshape(slots, [...pointer.shape.slice(0, -1), -1]);
  return tf.concat([pointer, lastInput, flatSlots], -1) as T;
}

/** The slot entries `[1, key, W̄*]` [B, slot] that mark a slot written: keys [B, dk], fast weights [B, (in + 1)·D]. */
export function slotEntry(key: tf.Tensor2D, fastWeights: tf.Tensor2D): tf.Tensor2D {
  return tf.concat([tf.onesLike(tf.slice(key, [0, 0], [-1, 1])), key, fastWeights], 1);
}

/**
 * The pointer update as one affine map p' = p·M + e_0 with M = R − 𝟙e_0ᵀ (R moves slot k to k + 1 mod K): the
 * next slot round-robin, and slot 0 from the all-zero pointer ("nothing seen yet"). @returns M [K, K] and e_0 [1, K].
 */
export function pointerMap(slots: number): { move: tf.Tensor2D; start: tf.Tensor2D } {
  const move = new Float32Array(slots * slots);
  for (let k = 0; k < slots; k++) {
    move[k * slots + ((k + 1) % slots)] += 1;
    move[k * slots] -= 1;
  }
  const start = Float32Array.from({ length: slots }, (_, k) => (k === 0 ? 1 : 0));
  return { move: tf.tensor2d(move, [slots, slots]), start: tf.tensor2d(start, [1, slots]) };
}

/** The next pointer [B, K] with the map of {@link pointerMap}. */
export function advancePointer(pointer: tf.Tensor2D, map: { move: tf.Tensor2D; start: tf.Tensor2D }): tf.Tensor2D {
  return tf.add(tf.matMul(pointer, map.move), map.start);
}

/**
 * Write `entry` [B, slot] (`[1, key, W̄*]`) into slot k by weight w_k of the pointer [B, K]:
 * slots + w ⊗ (entry − slots), so a one-hot pointer replaces one slot and marks it written. @returns [B, K, slot].
 */
export function writeSlots(slots: tf.Tensor3D, pointer: tf.Tensor2D, entry: tf.Tensor2D): tf.Tensor3D {
  return tf.add(slots, tf.mul(tf.expandDims(pointer, 2), tf.sub(tf.expandDims(entry, 1), slots)));
}

/** Cosine similarity of each key to the query: keys [B, K, dk], query [B, dk] -> [B, K]. */
function cosineSimilarity(keys: tf.Tensor3D, query: tf.Tensor2D): tf.Tensor2D {
  const unit = <T extends tf.Tensor>(t: T): T => tf.div(t, tf.sqrt(tf.add(tf.sum(tf.square(t), -1, true), COSINE_EPSILON)));
  const scores = tf.matMul(unit(keys), tf.expandDims(unit(query), 2));
  return tf.reshape(scores, [keys.shape[0], keys.shape[1]]);
}

/**
 * Attention of `query` [B, dk] over the written slots: a_k = m_k e^{β(c_k − 1)} / (Σ_j m_j e^{β(c_j − 1)} + 1 − max_j m_j)
 * with m = clip(written, 0, 1), c the cosine similarities and β = `sharpness`: the softmax over written slots, all
 * zero when none is written. @returns [B, K].
 */
export function attention(layout: MemoryLayout, slots: tf.Tensor3D, query: tf.Tensor2D, sharpness: number): tf.Tensor2D {
  const [batch, count] = [slots.shape[0], layout.slots];
  const mask = tf.clipByValue(tf.reshape(tf.slice(slots, [0, 0, 0], [-1, -1, 1]), [batch, count]), 0, 1);
  const keys = tf.slice(slots, [0, 0, 1], [-1, -1, layout.keyDim]);
  const scores = tf.mul(mask, tf.exp(tf.mul(tf.sub(cosineSimilarity(keys, query), 1), sharpness)));
  const empty = tf.sub(1, tf.max(mask, 1, true));
  return tf.div(scores, tf.add(tf.sum(scores, 1, true), empty));
}

/** The fast weights read for `query` [B, dk]: Σ_k a_k W̄*_k as [B, in + 1, D]. */
export function readFastWeights(layout: MemoryLayout, slots: tf.Tensor3D, query: tf.Tensor2D, sharpness: number): tf.Tensor3D {
  const values = tf.slice(slots, [0, 0, 1 + layout.keyDim], [-1, -1, -1]);
  const read = tf.matMul(tf.expandDims(attention(layout, slots, query, sharpness), 1), values);
  return tf.reshape(read, [query.shape[0], layout.inputDim + 1, layout.hiddenDim]);
}
