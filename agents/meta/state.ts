/**
 * Conversions between tensor lists and the plain {@link TensorState} data of {@link MetaLearnerState}, with the
 * shape checks a learner's `setState` needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assignParams } from '../nets.js';
import { readFloat32s } from '../tensor-read.js';
import type { MetaLearnerState, TensorState } from './types.js';

/** Copy tensors to plain data (an asynchronous read), optionally naming them `${prefix}/${i}`. */
export async function tensorsToState(tensors: readonly tf.Tensor[], prefix?: string): Promise<TensorState[]> {
  return (await readFloat32s(tensors)).map((data, i) => ({
    ...(prefix === undefined ? {} : { name: `${prefix}/${i}` }),
    shape: [...tensors[i].shape],
    data,
  }));
}

/** New tensors from plain data (each a copy). */
export function stateToTensors(states: readonly TensorState[]): tf.Tensor[] {
  return states.map((s) => tf.tensor(Float32Array.from(s.data), s.shape));
}

/** Copy plain data into variables in place (check the shapes first, e.g. with {@link checkState}). */
export function assignState(vars: readonly tf.Variable[], states: readonly TensorState[]): void {
  tf.tidy(() => assignParams(vars, stateToTensors(states)));
}

/**
 * Check that `state` belongs to learner `name` and that its parameter groups have `shapes` exactly
 * (`{ group: [shape, ...] }`); throws an Error naming the first mismatch.
 */
export function checkState(state: MetaLearnerState, name: string, shapes: Record<string, number[][]>): void {
  if (state.name !== name) throw new Error(`setState: the state is from learner '${state.name}', this learner is '${name}'.`);
  if (!Number.isInteger(state.iteration) || state.iteration < 0) throw new Error(`setState: iteration must be an integer >= 0, got ${state.iteration}.`);
  const groups = Object.keys(shapes);
  const given = Object.keys(state.params);
  if (given.length !== groups.length || !groups.every((g) => g in state.params)) {
    throw new Error(`setState: expected parameter groups [${groups.join(', ')}], got [${given.join(', ')}].`);
  }
  for (const group of groups) checkGroup(group, state.params[group], shapes[group]);
}

/** Check that a parameter group's plain data has exactly `shapes`; throws an Error naming the first mismatch. */
export function checkGroup(group: string, states: readonly TensorState[], shapes: number[][]): void {
  if (states.length !== shapes.length) throw new Error(`setState: group '${group}' has ${states.length} tensors; expected ${shapes.length}.`);
  states.forEach((s, i) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (!tf.util.arraysEqual(s.shape, shapes[i]) || s.data.length !== size) {
      throw new Error(`setState: '${group}' tensor ${i} has shape [${s.shape}] with ${s.data.length} values; expected shape [${shapes[i]}].`);
    }
  });
}
