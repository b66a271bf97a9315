/**
 * The GRU recurrence over a whole sequence as ONE differentiable op with a hand-written backward pass.
 *
 * Why: on the wasm and cpu backends a GRU unroll of RL2's sizes (B ≈ 10 trials, H = 64) is bound by what each
 * kernel launch costs, not by arithmetic. Autodiff through the per-step cell records ~14 forward ops per step
 * and replays ~60 backward ops per step (the gradients of split, sigmoid, broadcasting adds, and one
 * weight-gradient matMul per step, each with its reshapes, casts and identities). Here the forward and the
 * backward are each one composite kernel (gru-kernels.ts): the backward's per-step work is only what the
 * recurrence forces (the carried state gradient, 6 kernels), and neither loop pays the tf.js op layer per step.
 *
 * The forward steps {@link gruCell} (gru-cell.ts), which nets.ts `gruStep` (acting) steps too, so the values are
 * the same bit for bit. The gradient is first order: nothing here is meant to be differentiated twice (RL2 and its
 * cores need first-order gradients only; MAML's policies are MLPs).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ensureGruKernels, GRU_BACKWARD, GRU_FORWARD } from './gru-kernels.js';

/**
 * Run the GRU recurrence over T steps, differentiable with respect to every input (the reset mask gets a zero
 * gradient).
 * @param xw input projections x_t·wx + bx for all steps, [T, B, 3H] (gate blocks r, z, n).
 * @param wh recurrent weights [H, 3H]. @param bh recurrent bias [3H]. @param h0 initial state [B, H].
 * @param keep optional [T, B, 1]: the state row b is multiplied by keep[t, b] before step t (0 = a new trial).
 * @returns the state after each step, [T, B, H].
 */
export function gruSequence(xw: tf.Tensor3D, wh: tf.Tensor2D, bh: tf.Tensor1D, h0: tf.Tensor2D, keep?: tf.Tensor3D): tf.Tensor3D {
  ensureGruKernels();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xwIn, whIn, bhIn, h0In, keepIn] = args as tf.Tensor[];
    const withKeep = (inputs: tf.NamedTensorMap, k?: tf.Tensor): tf.NamedTensorMap => (k ? { ...inputs, keep: k } : inputs);
    const [states, hPrev, rz, n, hn] = tf.engine().runKernel(GRU_FORWARD, withKeep({ xw: xwIn, wh: whIn, bh: bhIn, h0: h0In }, keepIn), {}) as tf.Tensor[];
    save([whIn, hPrev, rz, n, hn, ...(keepIn ? [keepIn] : [])]);
    return {
      value: states as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [whS, hPrevS, rzS, nS, hnS, keepS] = saved;
        const grads = tf.engine().runKernel(GRU_BACKWARD, withKeep({ dy: dy as tf.Tensor, wh: whS, hPrev: hPrevS, rz: rzS, n: nS, hn: hnS }, keepS), {}) as tf.Tensor[];
        return keepS ? [...grads, tf.zerosLike(keepS)] : grads;
      },
    };
  });
  return (keep ? op(xw, wh, bh, h0, keep) : op(xw, wh, bh, h0)) as tf.Tensor3D;
}
