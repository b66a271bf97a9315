/**
 * Time of the gradient of a GRU unroll (backprop through time), side by side in one run: `gruUnroll` (the
 * recurrence as one op with a hand-written backward, its forward and backward loops each one composite kernel:
 * agents/gru-sequence.ts, gru-kernels.ts) against tf.js autodiff through T steps of the cell (`unrollSteps` over
 * `gruStep`), plus the forward pass alone, and the engine kernel launches of each.
 *
 *   node --import tsx bench/gru-unroll.ts [--backend wasm] [--steps 40,400] [--trials 5,10,20] [--hidden 64] [--repeats 8]
 *
 * Inputs of RL2's PointNav/robot width (6 = obs 2 + action 2 + reward + done); every cell is the median of
 * `repeats` runs timed in alternation after a warm-up.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend, type BackendName } from '../agents/backend.js';
import { gruInit, gruStep, gruUnroll, unrollSteps, type Params } from '../agents/nets.js';
import { Rng } from '../envs/rng.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '40,400' },
    trials: { type: 'string', default: '5,10,20' },
    hidden: { type: 'string', default: '64' },
    repeats: { type: 'string', default: '8' },
  },
});
const list = (s: string): number[] => s.split(',').map(Number);
const [H, repeats, inputDim] = [Number(values.hidden), Number(values.repeats), 6];

type Unroll = (params: Params, xs: tf.Tensor3D, h0: tf.Tensor2D) => tf.Tensor3D;
const fused: Unroll = (params, xs, h0) => gruUnroll(params, xs, h0);
const stepped: Unroll = (params, xs, h0) => unrollSteps((x, h) => gruStep(params, x, h), xs, h0);

/** One gradient of Σ states² with respect to xs, h0 and the parameters, read back. */
function gradient(unroll: Unroll, params: Params, xs: tf.Tensor3D, h0: tf.Tensor2D): void {
  tf.tidy(() => {
    const loss = (x: tf.Tensor, h: tf.Tensor, ...ps: tf.Tensor[]) => tf.sum(tf.square(unroll(ps, x as tf.Tensor3D, h as tf.Tensor2D)));
    tf.grads(loss)([xs, h0, ...params]).forEach((g) => g.dataSync());
  });
}

function forwardOnly(params: Params, xs: tf.Tensor3D, h0: tf.Tensor2D): void {
  tf.tidy(() => void fused(params, xs, h0).dataSync());
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await initBackend('auto', () => {});
await useBackend(values.backend as BackendName);
console.log(`GRU ${H} unroll on ${tf.getBackend()}: ms per call (median of ${repeats}), engine kernel launches per call in parentheses (a composite kernel, as the fused op's loops are, counts once)`);
console.log('T     B    autodiff gradient     fused gradient   speed-up   forward');
for (const T of list(values.steps)) {
  for (const B of list(values.trials)) {
    const params = gruInit(Rng.fromSeed(1), inputDim, H);
    const xs = tf.randomNormal([T, B, inputDim], 0, 1, 'float32', 1) as tf.Tensor3D;
    const h0 = tf.zeros([B, H]) as tf.Tensor2D;
    const runs: Record<string, () => void> = {
      autodiff: () => gradient(stepped, params, xs, h0),
      fused: () => gradient(fused, params, xs, h0),
      forward: () => forwardOnly(params, xs, h0),
    };
    const kernels: Record<string, number> = {};
    for (const [name, run] of Object.entries(runs)) kernels[name] = (await tf.profile(run)).kernels.length;
    const ms: Record<string, number[]> = { autodiff: [], fused: [], forward: [] };
    for (let r = 0; r < repeats; r++) {
      for (const [name, run] of Object.entries(runs)) {
        const start = performance.now();
        run();
        ms[name].push(performance.now() - start);
      }
    }
    const [a, f, fw] = ['autodiff', 'fused', 'forward'].map((k) => median(ms[k]));
    const cell = (k: string, v: number) => `${v.toFixed(1)} (${kernels[k].toFixed(0)})`;
    console.log(`${String(T).padEnd(5)} ${String(B).padEnd(4)} ${cell('autodiff', a).padEnd(21)} ${cell('fused', f).padEnd(16)} ${(a / f).toFixed(2).padEnd(10)} ${cell('forward', fw)}`);
    tf.dispose([...params, xs, h0]);
  }
}
