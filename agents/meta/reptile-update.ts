/**
 * The Reptile outer update (Nichol, Achiam & Schulman 2018) as pure tensor functions, and its step-size
 * schedule:
 *
 *   Δ = mean_i (θ_i − θ),   θ ← θ + ε_t · Δ,   ε_t linear from ε_0 to ε_final over T iterations, then ε_final.
 *
 * Functions returning tensors allocate new ones and do not dispose their inputs; callers wrap them in tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumInOrder, type Params } from '../nets.js';

/** A linear step-size schedule. */
export interface StepSizeSchedule {
  /** ε_0, at iteration 0. */
  initial: number;
  /** ε_final, from iteration T on. */
  final: number;
  /** T (0: constant ε_0). */
  iterations: number;
}

/**
 * ε_t = ε_0 + (ε_final − ε_0) · min(t / T, 1) (ε_0 when T = 0).
 * @param iteration t, meta-iterations completed before this update (0 for the first).
 */
export function annealedStepSize(schedule: StepSizeSchedule, iteration: number): number {
  if (schedule.iterations <= 0) return schedule.initial;
  const frac = Math.min(iteration / schedule.iterations, 1);
  return schedule.initial + (schedule.final - schedule.initial) * frac;
}

/**
 * The Reptile direction Δ = mean_i (θ_i − θ), one tensor per parameter (shapes of `theta`).
 * @param theta θ, the meta-parameters. @param adapted θ_1..θ_M, each with the shapes of `theta` (M ≥ 1).
 */
export function reptileDirection(theta: Params, adapted: readonly Params[]): Params {
  if (adapted.length === 0) throw new Error('reptileDirection: no adapted parameters; pass at least one task.');
  for (const [i, ps] of adapted.entries()) {
    const bad = ps.length !== theta.length || ps.some((p, j) => !tf.util.arraysEqual(p.shape, theta[j].shape));
    if (bad) throw new Error(`reptileDirection: adapted parameters ${i} do not match θ's shapes [${theta.map((t) => `[${t.shape}]`)}].`);
  }
  return theta.map((p, j) => tf.sub(tf.div(sumInOrder(adapted.map((ps) => ps[j])), adapted.length), p));
}

/** θ + ε · mean_i (θ_i − θ): new tensors, shapes of `theta`. */
export function reptileUpdate(theta: Params, adapted: readonly Params[], stepSize: number): Params {
  const direction = reptileDirection(theta, adapted);
  return theta.map((p, j) => tf.add(p, tf.mul(direction[j], stepSize)));
}
