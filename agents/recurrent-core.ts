/**
 * Recurrent cores: the recurrent network inside a recurrent (RL2) policy, behind one interface (the registry by
 * name is recurrent-cores.ts), so a new core (LSTM + external memory, fast weights, attention, ...) plugs into the RL2 trainer, sampler,
 * evaluator and checkpoints without changes to them.
 *
 * The contract that keeps those generic: a core's per-env state is ONE flat float32 row of `stateSize` entries
 * (the sampler keeps it on the JS side as [numEnvs * stateSize], zeroed at a trial start), and the policy and value
 * heads read `featureSize` features computed from a state. Parameters are a plain {@link Params} list, so
 * checkpoints, Adam and gradient clipping treat them like any other network's. A core with settings of its own
 * (memory slots, a context window, a decay) declares them in `options` and builds a configured copy of itself in
 * `configure`; `recurrentCore(name, coreOptions)` (recurrent-cores.ts) resolves and applies them, on the learner's
 * thread and on every learner thread alike.
 *
 * `step` and `unroll` must agree: stepping T times from s0 (zeroing the rows that `resetMask` marks before step t)
 * gives the states `unroll` returns. A core with no faster fused form can implement `unroll` with
 * {@link unrollSteps} (nets.ts) over its `step`. Tensor functions are pure: callers wrap them in `tf.tidy`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/rng.js';
import type { CoreOptions, CoreOptionSpecs } from './core-options.js';
import type { Params } from './nets.js';

/** A recurrent network the RL2 trainer can run. Shapes: B envs (or trials), S = stateSize, F = featureSize. */
export interface RecurrentCore {
  /** Registry name, e.g. `gru` (what RL2's `core` option names). */
  readonly name: string;
  /** Core-specific numeric settings (RL2's `coreOptions`) with defaults and ranges; none when absent. */
  readonly options?: CoreOptionSpecs;
  /**
   * This core (same name) set up with `options`, resolved against {@link options} (every declared name present);
   * required when `options` declares any. The registered object is the core with its defaults.
   */
  configure?(options: CoreOptions): RecurrentCore;
  /** Parameters for input rows of `inputDim` entries and width `hiddenDim` (drawn from the seeded `rng`). */
  init(rng: Rng, inputDim: number, hiddenDim: number): Params;
  /** S: entries of one env's state row (GRU: H; an LSTM would have 2H; a memory core more). */
  stateSize(params: Params): number;
  /** F: features the heads read from a state. */
  featureSize(params: Params): number;
  /** The features of states [B, S] -> [B, F] (GRU: the state itself). */
  features(params: Params, state: tf.Tensor2D): tf.Tensor2D;
  /** One step: inputs x [B, inputDim] and states [B, S] -> next states [B, S]. */
  step(params: Params, x: tf.Tensor2D, state: tf.Tensor2D): tf.Tensor2D;
  /**
   * Differentiable unroll (backprop through time): inputs xs [T, B, inputDim] from s0 [B, S]; `resetMask` [T, B]
   * marks with 1 the rows zeroed before step t. Returns the state after each step, [T, B, S].
   */
  unroll(params: Params, xs: tf.Tensor3D, s0: tf.Tensor2D, resetMask?: tf.Tensor2D): tf.Tensor3D;
}
