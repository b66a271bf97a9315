/**
 * PEARL's {@link MetaLearnerState}: the network groups (pearl-nets.ts `PEARL_GROUPS`, target V included), the Adam
 * slots of its optimizers, and its replay buffers as two flat arrays (`buffers.replay`, `buffers.encoder`: every
 * task's rows in storage order, task after task) with each buffer's size and ring position in the float64
 * parameter group `bufferIndex` [numTrainTasks, 4] = (RL size, RL next, encoder size, encoder next), so that a
 * restored learner samples exactly the rows an uninterrupted one would. Checkpoints write the buffers as binary
 * sidecar files (experiments/checkpoint.ts).
 */
import { concatArrays } from '../../envs/typed-arrays.js';
import { paramShapes } from '../nets.js';
import type { ReplayBuffer } from '../replay-buffer.js';
import { PEARL_GROUPS, type PearlNets, type PearlOptimizers } from './pearl-nets.js';
import { assignState, checkState, tensorsToState } from './state.js';
import type { MetaLearnerState, TensorState } from './types.js';

/** What a PEARL state is made of. */
export interface PearlStateParts {
  name: string;
  iteration: number;
  nets: PearlNets;
  optimizers: PearlOptimizers;
  /** Per training task: RL buffer and encoder buffer. */
  rl: readonly ReplayBuffer[];
  enc: readonly ReplayBuffer[];
}

/** A deep copy of the learner's state (buffers included). */
export async function pearlState(p: PearlStateParts): Promise<MetaLearnerState> {
  const groups = await Promise.all(PEARL_GROUPS.map((g) => tensorsToState(p.nets[g])));
  const params: Record<string, TensorState[]> = Object.fromEntries(PEARL_GROUPS.map((g, k) => [g, groups[k]]));
  const index = new Float64Array(p.rl.length * 4);
  p.rl.forEach((rl, i) => index.set([rl.size, rl.next, p.enc[i].size, p.enc[i].next], 4 * i));
  params.bufferIndex = [{ shape: [p.rl.length, 4], data: index }];
  return {
    name: p.name,
    iteration: p.iteration,
    params,
    optimizer: await p.optimizers.getState(),
    buffers: { replay: concatRows(p.rl), encoder: concatRows(p.enc) },
  };
}

/**
 * Restore `state` into the parts (in place); throws naming the mismatch. A state without buffers (e.g. written by
 * hand) empties them: the next metaStep then collects the initial data again.
 */
export function restorePearlState(state: MetaLearnerState, p: PearlStateParts): void {
  const shapes: Record<string, number[][]> = Object.fromEntries(PEARL_GROUPS.map((g) => [g, paramShapes(p.nets[g])]));
  shapes.bufferIndex = [[p.rl.length, 4]];
  checkState(state, p.name, shapes);
  const index = state.params.bufferIndex[0].data;
  const width = p.rl[0]?.width ?? 0;
  if (state.buffers) {
    for (const [name, buffers, column] of [['replay', p.rl, 0], ['encoder', p.enc, 2]] as const) {
      const rows = state.buffers[name];
      const expected = buffers.reduce((n, _, i) => n + index[4 * i + column], 0) * width;
      if (!rows || rows.length !== expected) throw new Error(`PEARL setState: buffer '${name}' has ${rows?.length ?? 'no'} values; bufferIndex says ${expected}.`);
    }
  }
  p.optimizers.setState(state.optimizer);
  for (const g of PEARL_GROUPS) assignState(p.nets[g], state.params[g]);
  for (const [name, buffers, column] of [['replay', p.rl, 0], ['encoder', p.enc, 2]] as const) {
    let offset = 0;
    buffers.forEach((buffer, i) => {
      const size = state.buffers ? index[4 * i + column] : 0;
      const rows = state.buffers ? state.buffers[name].subarray(offset * width, (offset + size) * width) : new Float32Array(0);
      buffer.restore(rows, state.buffers ? index[4 * i + column + 1] : 0);
      offset += size;
    });
  }
}

function concatRows(buffers: readonly ReplayBuffer[]): Float32Array {
  return concatArrays(buffers.map((b) => b.rows()), Float32Array);
}
