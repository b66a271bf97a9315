/**
 * The GRU recurrence over a whole sequence as ONE differentiable op with a hand-written backward pass
 * (backprop through time in 6 kernels per step instead of autodiff's ~60).
 *
 * Why: on the wasm and cpu backends a GRU unroll of RL2's sizes (B ≈ 10 trials, H = 64) is bound by kernel
 * launches, not arithmetic. Autodiff through the per-step cell records ~14 forward kernels per step and replays
 * ~60 backward kernels per step (the gradients of split, sigmoid, broadcasting adds, and one weight-gradient
 * matMul per step, each with its reshapes, casts and identities). Here the forward runs untaped, the backward's
 * per-step work is only what the recurrence forces (the carried state gradient), and everything that does not
 * depend on it is computed once for all T steps: the gate derivative factors before the loop, the weight and
 * bias gradients as one matMul and one sum after it.
 *
 * The cell is {@link gruCell}, which nets.ts `gruStep` (acting) steps too, so the values are the same: with
 * [xr|xz|xn] = x·wx + bx (precomputed, the op's input) and [hr|hz|hn] = h·wh + bh,
 *   r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r ⊙ hn), h' = n + z ⊙ (h − n).
 * Backward, with g = ∂L/∂h' (from the output and from step t + 1):
 *   ∂L/∂[xr|xz|xn] = g ⊙ [Gr | Gz | A],  ∂L/∂[hr|hz|hn] = g ⊙ [Gr | Gz | Gn],  ∂L/∂h = g ⊙ z + ∂L/∂[hr|hz|hn] · whᵀ,
 * where A = (1 − z)(1 − n²), Gr = A ⊙ hn ⊙ r(1 − r), Gz = (h − n) ⊙ z(1 − z), Gn = A ⊙ r.
 *
 * The gradient is first order: it is itself made of ops, but nothing here is meant to be differentiated twice
 * (RL2 and its cores need first-order gradients only; MAML's policies are MLPs).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Run the GRU recurrence over T steps, differentiable with respect to every input (the reset mask gets a zero
 * gradient).
 * @param xw input projections x_t·wx + bx for all steps, [T, B, 3H] (gate blocks r, z, n).
 * @param wh recurrent weights [H, 3H]. @param bh recurrent bias [3H]. @param h0 initial state [B, H].
 * @param keep optional [T, B, 1]: the state row b is multiplied by keep[t, b] before step t (0 = a new trial).
 * @returns the state after each step, [T, B, H].
 */
export function gruSequence(xw: tf.Tensor3D, wh: tf.Tensor2D, bh: tf.Tensor1D, h0: tf.Tensor2D, keep?: tf.Tensor3D): tf.Tensor3D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xwIn, whIn, bhIn, h0In, keepIn] = args as tf.Tensor[];
    const fwd = forward(xwIn as tf.Tensor3D, whIn as tf.Tensor2D, bhIn as tf.Tensor1D, h0In as tf.Tensor2D, keepIn as tf.Tensor3D | undefined);
    save([whIn, fwd.hPrev, fwd.rz, fwd.n, fwd.hn, ...(keepIn ? [keepIn] : [])]);
    return {
      value: fwd.states,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [whS, hPrev, rz, n, hn, keepS] = saved;
        const g = backward(dy as tf.Tensor3D, { wh: whS as tf.Tensor2D, hPrev: hPrev as tf.Tensor3D, rz: rz as tf.Tensor3D, n: n as tf.Tensor3D, hn: hn as tf.Tensor3D }, keepS as tf.Tensor3D | undefined);
        return [g.xw, g.wh, g.bh, g.h0, ...(keepS ? [tf.zerosLike(keepS)] : [])];
      },
    };
  });
  return (keep ? op(xw, wh, bh, h0, keep) : op(xw, wh, bh, h0)) as tf.Tensor3D;
}

/** One GRU step's next state and the gate values its backward needs (all [B, ·]). */
export interface GruCellParts {
  /** h' [B, H]. */
  next: tf.Tensor2D;
  /** r and z side by side [B, 2H]. */
  rz: tf.Tensor2D;
  /** The candidate n [B, H]. */
  n: tf.Tensor2D;
  /** (h·wh + bh)_n [B, H]. */
  hn: tf.Tensor2D;
}

/**
 * One GRU update from the input projection's gate blocks `xrz` = (x·wx + bx)_{r,z} [B, 2H] and `xn` [B, H]:
 * r, z = σ(xrz + hrz), n = tanh(xn + r ⊙ hn), h' = n + z ⊙ (h − n), with [hrz|hn] = h·wh + bh.
 * @param wh [H, 3H]. @param bh [3H]. @param h [B, H].
 */
export function gruCell(wh: tf.Tensor2D, bh: tf.Tensor1D, xrz: tf.Tensor2D, xn: tf.Tensor2D, h: tf.Tensor2D): GruCellParts {
  const H = h.shape[1];
  const [hrz, hn] = tf.split(tf.add(tf.matMul(h, wh), bh), [2 * H, H], 1) as tf.Tensor2D[];
  const rz = tf.sigmoid(tf.add(xrz, hrz)) as tf.Tensor2D;
  const [r, z] = tf.split(rz, 2, 1);
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn))) as tf.Tensor2D;
  return { next: tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D, rz, n, hn };
}

/** What the forward keeps for the backward pass, all [T, B, ·]. */
interface SavedSequence {
  wh: tf.Tensor2D;
  /** The state each step read (after the reset mask), [T, B, H]. */
  hPrev: tf.Tensor3D;
  /** The gates r and z side by side, [T, B, 2H]. */
  rz: tf.Tensor3D;
  /** The candidate state n, [T, B, H]. */
  n: tf.Tensor3D;
  /** The recurrent projection of the n gate (h·wh + bh)_n, [T, B, H]. */
  hn: tf.Tensor3D;
}

/** The recurrence step by step; returns the states and what the backward needs. */
function forward(xw: tf.Tensor3D, wh: tf.Tensor2D, bh: tf.Tensor1D, h0: tf.Tensor2D, keep?: tf.Tensor3D): Omit<SavedSequence, 'wh'> & { states: tf.Tensor3D } {
  const H = h0.shape[1];
  const [xrz, xn] = tf.split(xw, [2 * H, H], 2).map((t) => tf.unstack(t) as tf.Tensor2D[]);
  const keeps = keep ? (tf.unstack(keep) as tf.Tensor2D[]) : undefined;
  const record = { hPrev: [] as tf.Tensor2D[], rz: [] as tf.Tensor2D[], n: [] as tf.Tensor2D[], hn: [] as tf.Tensor2D[], states: [] as tf.Tensor2D[] };
  let h = h0;
  for (let t = 0; t < xrz.length; t++) {
    if (keeps) h = tf.mul(h, keeps[t]);
    const cell = gruCell(wh, bh, xrz[t], xn[t], h);
    record.hPrev.push(h);
    record.rz.push(cell.rz);
    record.n.push(cell.n);
    record.hn.push(cell.hn);
    record.states.push((h = cell.next));
  }
  const stack = (ts: tf.Tensor2D[]) => tf.stack(ts) as tf.Tensor3D;
  return { hPrev: stack(record.hPrev), rz: stack(record.rz), n: stack(record.n), hn: stack(record.hn), states: stack(record.states) };
}

/** Gradients of the sequence's inputs from dy = ∂L/∂states [T, B, H] (see the module comment for the formulas). */
function backward(dy: tf.Tensor3D, s: SavedSequence, keep?: tf.Tensor3D): { xw: tf.Tensor3D; wh: tf.Tensor2D; bh: tf.Tensor1D; h0: tf.Tensor2D } {
  const [T, B, H] = s.n.shape;
  const [r, z] = tf.split(s.rz, 2, 2);
  const a = tf.mul(tf.sub(1, z), tf.sub(1, tf.square(s.n)));
  const gr = tf.mul(tf.mul(a, s.hn), tf.mul(r, tf.sub(1, r)));
  const gz = tf.mul(tf.sub(s.hPrev, s.n), tf.mul(z, tf.sub(1, z)));
  const hwFactors = tf.unstack(tf.concat([gr, gz, tf.mul(a, r)], 2)) as tf.Tensor2D[];
  const zs = tf.unstack(z) as tf.Tensor2D[];
  const dys = tf.unstack(dy) as tf.Tensor2D[];
  const keeps = keep ? (tf.unstack(keep) as tf.Tensor2D[]) : undefined;
  const whT = tf.transpose(s.wh);
  const gs: tf.Tensor2D[] = new Array(T);
  const dhws: tf.Tensor2D[] = new Array(T);
  let carry: tf.Tensor2D | undefined;
  for (let t = T - 1; t >= 0; t--) {
    const g = carry ? (tf.add(dys[t], carry) as tf.Tensor2D) : dys[t];
    const dhw = tf.mul(tf.concat([g, g, g], 1), hwFactors[t]) as tf.Tensor2D;
    carry = tf.add(tf.mul(g, zs[t]), tf.matMul(dhw, whT)) as tf.Tensor2D;
    if (keeps) carry = tf.mul(carry, keeps[t]) as tf.Tensor2D;
    gs[t] = g;
    dhws[t] = dhw;
  }
  const gAll = tf.stack(gs) as tf.Tensor3D;
  const dhwFlat = tf.reshape(tf.stack(dhws), [T * B, 3 * H]) as tf.Tensor2D;
  return {
    xw: tf.mul(tf.concat([gAll, gAll, gAll], 2), tf.concat([gr, gz, a], 2)) as tf.Tensor3D,
    wh: tf.matMul(tf.transpose(tf.reshape(s.hPrev, [T * B, H])), dhwFlat) as tf.Tensor2D,
    bh: tf.sum(dhwFlat, 0) as tf.Tensor1D,
    h0: carry ?? (tf.zeros([B, H]) as tf.Tensor2D),
  };
}
