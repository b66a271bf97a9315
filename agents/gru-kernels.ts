/**
 * The GRU recurrence over a sequence, forward and backward, as two composite kernels (kernel-scope.ts): each
 * loop over T steps runs the backend's kernels directly instead of ~20 tf.js ops per step, with the same kernels
 * in the same order as the op-by-op form, so the values do not change.
 *
 * Forward ({@link GRU_FORWARD}): inputs xw [T, B, 3H] (x·wx + bx, gate blocks r, z, n), wh [H, 3H], bh [3H],
 * h0 [B, H], optional keep [T, B, 1] (the state row b is multiplied by keep[t, b] before step t); outputs
 * [states, hPrev, rz, n, hn], all [T, B, ·]: the state after each step, then what the backward needs (the state
 * each step read, the gates r|z, the candidate n and (h·wh + bh)_n).
 *
 * Backward ({@link GRU_BACKWARD}): inputs dy = ∂L/∂states [T, B, H], wh, and the forward's hPrev, rz, n, hn (and
 * keep); outputs [∂xw, ∂wh, ∂bh, ∂h0]. With g = ∂L/∂h' (from the output and from step t + 1):
 *   ∂L/∂[xr|xz|xn] = g ⊙ [Gr | Gz | A],  ∂L/∂[hr|hz|hn] = g ⊙ [Gr | Gz | Gn],  ∂L/∂h = g ⊙ z + ∂L/∂[hr|hz|hn] · whᵀ,
 * where A = (1 − z)(1 − n²), Gr = A ⊙ hn ⊙ r(1 − r), Gz = (h − n) ⊙ z(1 − z), Gn = A ⊙ r. Only the carried state
 * gradient is per step; the gate factors are computed for all T before the loop, ∂wh and ∂bh as one matMul and
 * one sum after it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gruCell } from './gru-cell.js';
import { kernelOps, type KernelOps } from './kernel-ops.js';
import { compositeKernel, ensureKernel, type KernelScope } from './kernel-scope.js';

type Info = tf.TensorInfo;

/** Kernel name of the GRU sequence's forward pass (see the module comment). */
export const GRU_FORWARD = 'MetarlGruSequence';
/** Kernel name of its backward pass. */
export const GRU_BACKWARD = 'MetarlGruSequenceGrad';

/** Register both kernels for the active backend (idempotent). */
export function ensureGruKernels(): void {
  ensureKernel(GRU_FORWARD, gruForwardKernel);
  ensureKernel(GRU_BACKWARD, gruBackwardKernel);
}

const gruForwardKernel = compositeKernel((scope, inputs) => {
  const { xw, wh, bh, h0, keep } = inputs as Record<'xw' | 'wh' | 'bh' | 'h0', Info> & { keep?: Info };
  const ops = kernelOps(scope);
  const H = h0.shape[1];
  const [xrz, xn] = ops.splitAt(xw, [2 * H, H], 2).map((part) => ops.unstack(part));
  const keeps = keep ? ops.unstack(keep) : undefined;
  const record = { states: [] as Info[], hPrev: [] as Info[], rz: [] as Info[], n: [] as Info[], hn: [] as Info[] };
  let h = h0;
  for (let t = 0; t < xrz.length; t++) {
    const step = scope.tidy(() => {
      const read = keeps ? ops.mul(h, keeps[t]) : h;
      return { read, ...gruCell(ops, wh, bh, xrz[t], xn[t], read) };
    });
    record.hPrev.push(step.read);
    record.rz.push(step.rz);
    record.n.push(step.n);
    record.hn.push(step.hn);
    record.states.push((h = step.next));
  }
  const { states, hPrev, rz, n, hn } = record;
  return [states, hPrev, rz, n, hn].map((xs) => ops.stack(xs));
});

const gruBackwardKernel = compositeKernel((scope, inputs) => {
  const { dy, wh, hPrev, rz, n, hn, keep } = inputs as Record<'dy' | 'wh' | 'hPrev' | 'rz' | 'n' | 'hn', Info> & { keep?: Info };
  const ops = kernelOps(scope);
  const [T, B, H] = n.shape;
  const one = ops.fill([], 1);
  const [r, z] = ops.splitAt(rz, 2, 2);
  const a = ops.mul(ops.sub(one, z), ops.sub(one, ops.square(n)));
  const gr = ops.mul(ops.mul(a, hn), ops.mul(r, ops.sub(one, r)));
  const gz = ops.mul(ops.sub(hPrev, n), ops.mul(z, ops.sub(one, z)));
  const hwFactors = ops.unstack(ops.reshape(ops.concat([gr, gz, ops.mul(a, r)], 2), [T, B, 3, H]));
  const steps = { dys: ops.unstack(dy), zs: ops.unstack(z), hwFactors, whT: ops.transpose(wh), keeps: keep ? ops.unstack(keep) : undefined };
  const { gs, dhws, carry } = carriedGradient(scope, ops, steps);
  const gAll = ops.stack(gs);
  const dhwFlat = ops.reshape(ops.stack(dhws), [T * B, 3 * H]);
  return [
    ops.mul(ops.concat([gAll, gAll, gAll], 2), ops.concat([gr, gz, a], 2)),
    ops.matMul(ops.transpose(ops.reshape(hPrev, [T * B, H])), dhwFlat),
    ops.sum0(dhwFlat),
    carry ?? ops.fill([B, H], 0),
  ];
});

/** Per-step inputs of the backward loop, all [B, ·] per step t. */
interface BackwardSteps {
  dys: Info[];
  zs: Info[];
  /** [Gr | Gz | Gn] per step, [B, 3, H]. */
  hwFactors: Info[];
  /** whᵀ [3H, H]. */
  whT: Info;
  keeps?: Info[];
}

/**
 * The loop from t = T − 1 down to 0: g_t = dy_t + carry, ∂[hr|hz|hn]_t = g ⊙ factors_t (broadcast over the three
 * gates), and the carry into step t − 1 (masked by keep_t). @returns every g_t and ∂[hr|hz|hn]_t, and ∂L/∂h0 (the
 * last carry).
 */
function carriedGradient(scope: KernelScope, ops: KernelOps, s: BackwardSteps): { gs: Info[]; dhws: Info[]; carry: Info | undefined } {
  const T = s.dys.length;
  const [B, H] = s.dys[0].shape;
  const gs: Info[] = new Array(T);
  const dhws: Info[] = new Array(T);
  let carry: Info | undefined;
  for (let t = T - 1; t >= 0; t--) {
    const step = scope.tidy(() => {
      const g = carry ? ops.add(s.dys[t], carry) : s.dys[t];
      const dhw = ops.reshape(ops.mul(ops.reshape(g, [B, 1, H]), s.hwFactors[t]), [B, 3 * H]);
      const next = ops.add(ops.mul(g, s.zs[t]), ops.matMul(dhw, s.whT));
      return { g, dhw, carry: s.keeps ? ops.mul(next, s.keeps[t]) : next };
    });
    gs[t] = step.g;
    dhws[t] = step.dhw;
    carry = step.carry;
  }
  return { gs, dhws, carry };
}
