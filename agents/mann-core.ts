/**
 * The memory-augmented neural network (MANN, Santoro et al. 2016) as a {@link RecurrentCore} (registered as `mann`):
 * a GRU controller of width H with an external memory of N slots × M entries, R heads with content-based reads and
 * least-recently-used writes (addressing: mann-memory.ts). Per step, from (h, r_{t−1}, Mem, u, w^r_{t−1}):
 * 1. h_t = GRU([x_t, r_{t−1}], h_{t−1});
 * 2. per head i, linear maps of h_t: key k_i = tanh(·) [M], key strength β_i = 1 + softplus(·), write vector
 *    a_i = tanh(·) [M], write gate α_i = σ(·);
 * 3. w^lu_i one-hot on the slot of i-th smallest usage u_{t−1} (no gradient); those slots of Mem are zeroed;
 * 4. w^w_i = α_i w^r_{i,t−1} + (1 − α_i) w^lu_i and Mem_t = Mem' + Σ_i w^w_i ⊗ a_i;
 * 5. w^r_i = softmax_j(β_i cos(k_i, Mem_t[j])) and r_i = Σ_j w^r_i[j] Mem_t[j];
 * 6. u_t = γ u_{t−1} + Σ_i (w^r_i + w^w_i).
 * The heads read the features F = [h_t, r_t] (H + R·M).
 *
 * State row (S = H + R·M + N·M + N + R·N entries), in this order:
 * `[h: H | r: R·M (head-major) | Mem: N·M (slot-major) | u: N | w^r: R·N (head-major)]`, so the features are its
 * first H + R·M entries. The all-zero row is a fresh trial: empty memory, no usage, no previous reads.
 *
 * Parameters `[wx: [in + R·M, 3H], wh: [H, 3H], bx: [3H], bh: [3H], wHeads: [H, R·(2M + 2)], bHeads: [R·(2M + 2)]]`:
 * the GRU's (nets.ts {@link gruInit}) on the input row followed by the previous reads, then one affine map of h_t to
 * every head's outputs, laid out `[keys: R·M | strengths: R | write vectors: R·M | gates: R]`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolveCoreOptions, type CoreOptions, type CoreOptionSpecs } from './core-options.js';
import { contentReadWeights, leastUsedWeights, nextUsage, writeMemory, writeWeights } from './mann-memory.js';
import { gruInit, gruStep, mlpInit, type Params } from './nets.js';
import type { RecurrentCore } from './recurrent-core.js';

/** The MANN's own settings (RL2's `coreOptions`). */
export const mannOptionSpecs: CoreOptionSpecs = {
  memorySlots: { default: 16, min: 2, max: 256, integer: true, doc: 'N: memory slots' },
  memoryWidth: { default: 16, min: 1, max: 256, integer: true, doc: 'M: entries per memory slot' },
  readHeads: { default: 1, min: 1, max: 8, integer: true, doc: 'R: read/write heads' },
  usageDecay: { default: 0.95, min: 0, max: 1, doc: 'γ: share of a slot\'s usage kept per step' },
};

/** Resolved MANN settings: N slots of M entries, R heads, usage decay γ. */
export interface MannSettings {
  memorySlots: number;
  memoryWidth: number;
  readHeads: number;
  usageDecay: number;
}

/** The parts of a batch of state rows [B, S]. */
interface MannState {
  /** Controller state h [B, H]. */
  h: tf.Tensor2D;
  /** Reads r [B, R·M]. */
  reads: tf.Tensor2D;
  /** Mem [B, N, M]. */
  memory: tf.Tensor3D;
  /** u [B, N]. */
  usage: tf.Tensor2D;
  /** w^r [B, R, N]. */
  readWeights: tf.Tensor3D;
}

/** The parameters by role; `wx` split into the rows of the input row and of the previous reads. */
interface MannParams {
  /** [in, 3H]. */
  wxInput: tf.Tensor2D;
  /** [R·M, 3H]. */
  wxReads: tf.Tensor2D;
  wh: tf.Tensor2D;
  bx: tf.Tensor1D;
  bh: tf.Tensor1D;
  /** [H, R·(2M + 2)]. */
  wHeads: tf.Tensor2D;
  bHeads: tf.Tensor1D;
}

/** What the heads compute from h_t. */
interface HeadOutputs {
  /** k [B, R, M] in (−1, 1). */
  keys: tf.Tensor3D;
  /** β [B, R, 1], > 1. */
  strengths: tf.Tensor3D;
  /** a [B, R, M] in (−1, 1). */
  writeVectors: tf.Tensor3D;
  /** α [B, R, 1] in (0, 1). */
  gates: tf.Tensor3D;
}

/** H, from `wh: [H, 3H]`. */
const controllerWidth = (params: Params): number => params[1].shape[0];

/** Widths of the state row's parts `[h, r, Mem, u, w^r]`. */
function stateParts(settings: MannSettings, hidden: number): number[] {
  const { memorySlots: n, memoryWidth: m, readHeads: r } = settings;
  return [hidden, r * m, n * m, n, r * n];
}

/** F = H + R·M. */
function featureWidth(settings: MannSettings, hidden: number): number {
  return hidden + settings.readHeads * settings.memoryWidth;
}

/** The parameter list by role. */
function splitParams(settings: MannSettings, params: Params): MannParams {
  const [wx, wh, bx, bh, wHeads, bHeads] = params as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
  const readRows = settings.readHeads * settings.memoryWidth;
  const [wxInput, wxReads] = tf.split(wx, [wx.shape[0] - readRows, readRows], 0) as tf.Tensor2D[];
  return { wxInput, wxReads, wh, bx, bh, wHeads, bHeads };
}

/** State rows [B, S] cut into their parts. */
function splitState(settings: MannSettings, hidden: number, state: tf.Tensor2D): MannState {
  const { memorySlots: n, memoryWidth: m, readHeads: r } = settings;
  const [h, reads, memory, usage, readWeights] = tf.split(state, stateParts(settings, hidden), 1) as tf.Tensor2D[];
  return { h, reads, memory: tf.reshape(memory, [-1, n, m]), usage, readWeights: tf.reshape(readWeights, [-1, r, n]) };
}

/** The parts in row order, each flattened to [..., width] over its leading `axes` (1: [B, ·]; 2: [T, B, ·]). */
function rowParts(s: Record<keyof MannState, tf.Tensor>, axes: 1 | 2): tf.Tensor[] {
  const flat = (t: tf.Tensor) => tf.reshape(t, [...t.shape.slice(0, axes), -1]);
  return [s.h, s.reads, flat(s.memory), s.usage, flat(s.readWeights)];
}

/** The parts joined into state rows [B, S]. */
function joinState(s: MannState): tf.Tensor2D {
  return tf.concat(rowParts(s, 1), 1) as tf.Tensor2D;
}

/** The states of T steps, each part stacked over time and joined once: [T, B, S]. */
function stackStates(history: MannState[]): tf.Tensor3D {
  const stacked = (key: keyof MannState) => tf.stack(history.map((s) => s[key]));
  const parts = { h: stacked('h'), reads: stacked('reads'), memory: stacked('memory'), usage: stacked('usage'), readWeights: stacked('readWeights') };
  return tf.concat(rowParts(parts, 2), 2) as tf.Tensor3D;
}

/** The parts with the rows where `keep` [B] is 0 zeroed (a new trial). */
function keepRows(s: MannState, keep: tf.Tensor1D): MannState {
  const rows = keep.shape[0];
  const [flat, deep] = [tf.reshape(keep, [rows, 1]), tf.reshape(keep, [rows, 1, 1])];
  return {
    h: tf.mul(s.h, flat),
    reads: tf.mul(s.reads, flat),
    memory: tf.mul(s.memory, deep),
    usage: tf.mul(s.usage, flat),
    readWeights: tf.mul(s.readWeights, deep),
  };
}

/** The GRU's input projection of input rows x [rows, in]: x·wx_input + bx, [rows, 3H]. */
function projectInputs(p: MannParams, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, p.wxInput), p.bx);
}

/** The heads' outputs from h_t [B, H]. */
function headOutputs(settings: MannSettings, p: MannParams, h: tf.Tensor2D): HeadOutputs {
  const { memoryWidth: m, readHeads: r } = settings;
  const raw = tf.add(tf.matMul(h, p.wHeads), p.bHeads);
  const [keys, strengths, writes, gates] = tf.split(raw, [r * m, r, r * m, r], 1);
  const perHead = (t: tf.Tensor, width: number) => tf.reshape(t, [-1, r, width]) as tf.Tensor3D;
  return {
    keys: perHead(tf.tanh(keys), m),
    strengths: perHead(tf.add(tf.softplus(strengths), 1), 1),
    writeVectors: perHead(tf.tanh(writes), m),
    gates: perHead(tf.sigmoid(gates), 1),
  };
}

/**
 * One MANN step on the state's parts, from the GRU's input projection `projected` = x_t·wx_input + bx [B, 3H].
 * [x_t, r_{t−1}]·wx + bx is computed as r_{t−1}·wx_reads + projected: gruStep's bias slot takes the per-row
 * projection (a broadcast add), so the unroll projects all T inputs in one matMul.
 */
function advance(settings: MannSettings, p: MannParams, projected: tf.Tensor2D, previous: MannState): MannState {
  const h = gruStep([p.wxReads, p.wh, projected, p.bh], previous.reads, previous.h);
  const head = headOutputs(settings, p, h);
  const leastUsed = leastUsedWeights(previous.usage, settings.readHeads);
  const writes = writeWeights(head.gates, previous.readWeights, leastUsed);
  const memory = writeMemory(previous.memory, leastUsed, writes, head.writeVectors);
  const readWeights = contentReadWeights(head.keys, head.strengths, memory);
  const reads = tf.reshape(tf.matMul(readWeights, memory), [-1, settings.readHeads * settings.memoryWidth]) as tf.Tensor2D;
  const usage = nextUsage(previous.usage, readWeights, writes, settings.usageDecay);
  return { h, reads, memory, usage, readWeights };
}

/** One MANN step: inputs x [B, in] and states [B, S] -> next states [B, S]. */
function mannStep(settings: MannSettings, params: Params, x: tf.Tensor2D, state: tf.Tensor2D): tf.Tensor2D {
  const p = splitParams(settings, params);
  return joinState(advance(settings, p, projectInputs(p, x), splitState(settings, controllerWidth(params), state)));
}

/**
 * The unroll of {@link mannStep} (same values, as `unrollSteps` would give): the inputs of all T steps projected in
 * one matMul, the state carried as parts and joined into rows once at the end (no split and concat per step).
 * @param xs [T, B, in]. @param s0 [B, S]. @param resetMask optional [T, B], 1 = zero the row before step t.
 * @returns [T, B, S].
 */
function mannUnroll(settings: MannSettings, params: Params, xs: tf.Tensor3D, s0: tf.Tensor2D, resetMask?: tf.Tensor2D): tf.Tensor3D {
  const [T, B, inputDim] = xs.shape;
  const p = splitParams(settings, params);
  const projected = tf.unstack(tf.reshape(projectInputs(p, tf.reshape(xs, [T * B, inputDim])), [T, B, -1])) as tf.Tensor2D[];
  const keep = resetMask ? (tf.unstack(tf.sub(1, resetMask)) as tf.Tensor1D[]) : undefined;
  let state = splitState(settings, controllerWidth(params), s0);
  const history: MannState[] = [];
  for (let t = 0; t < T; t++) {
    if (keep) state = keepRows(state, keep[t]);
    state = advance(settings, p, projected[t], state);
    history.push(state);
  }
  return stackStates(history);
}

/**
 * Settings from resolved core options.
 * @throws an Error when there are more heads than slots (each head needs a least-used slot of its own).
 */
function mannSettings(options: CoreOptions): MannSettings {
  const { memorySlots, memoryWidth, readHeads, usageDecay } = options;
  if (readHeads > memorySlots) {
    throw new Error(`RL2: coreOptions.readHeads of core 'mann' (R) must be at most memorySlots (N = ${memorySlots}), got ${readHeads}: each head writes to a least-used slot of its own.`);
  }
  return { memorySlots, memoryWidth, readHeads, usageDecay };
}

/** The MANN core with `settings`. */
function mannCoreWith(settings: MannSettings): RecurrentCore {
  const { memoryWidth: m, readHeads: r } = settings;
  return {
    name: 'mann',
    options: mannOptionSpecs,
    configure: (options) => mannCoreWith(mannSettings(options)),
    init: (rng, inputDim, hiddenDim) => [...gruInit(rng, inputDim + r * m, hiddenDim), ...mlpInit(rng, [hiddenDim, r * (2 * m + 2)])],
    stateSize: (params) => stateParts(settings, controllerWidth(params)).reduce((a, b) => a + b),
    featureSize: (params) => featureWidth(settings, controllerWidth(params)),
    features: (params, state) => tf.slice(state, [0, 0], [-1, featureWidth(settings, controllerWidth(params))]),
    step: (params, x, state) => mannStep(settings, params, x, state),
    unroll: (params, xs, s0, resetMask) => mannUnroll(settings, params, xs, s0, resetMask),
  };
}

/** The MANN core with its default settings (N = 16, M = 16, R = 1, γ = 0.95); `configure` sets others. */
export const mannCore: RecurrentCore = mannCoreWith(mannSettings(resolveCoreOptions('mann', mannOptionSpecs)));
