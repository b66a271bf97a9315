/**
 * A float64 plain-JS reference of the coordinate-wise LSTM optimizer (agents/lstm-optimizer.ts), written from the
 * paper (Andrychowicz et al. 2016, appendix A preprocessing; LSTM gates i, f, g, o): loops over coordinates, no
 * tf.js. Used through test/maml-reference.ts's inner step (a {@link LstmRule64} as the step size) by
 * test/lstm-optimizer.test.ts.
 */
import type { LstmOptimizerConfig } from '../agents/lstm-optimizer.js';
import { affine, concat, ParamReader, sigmoid } from './float64-ops.js';

/** The optimizer's weights in float64 (kernel, bias per layer, then w_out, b_out, as lstmOptimizerShapes) and sizes. */
export interface LstmRule64 {
  weights: Float64Array[];
  config: LstmOptimizerConfig;
}

/** Per coordinate, per layer: hidden and cell state [H] each. */
export type LstmState64 = { h: Float64Array; c: Float64Array }[][];

/** The paper's preprocessing of one gradient coordinate: [log|g|/p, sign g] if |g| >= e^-p, else [-1, e^p g]. */
export function preprocess64(g: number, p: number): [number, number] {
  return Math.abs(g) >= Math.exp(-p) ? [Math.log(Math.abs(g)) / p, Math.sign(g)] : [-1, Math.exp(p) * g];
}

/** One LSTM cell: [h', c'] from input x, h and c (gates i, f, g, o in kernel column blocks of H). */
function cell64(kernel: Float64Array, bias: Float64Array, x: ArrayLike<number>, h: Float64Array, c: Float64Array): { h: Float64Array; c: Float64Array } {
  const H = h.length;
  const input = concat(x, h);
  const gates = affine(input, { rows: input.length, cols: 4 * H, data: kernel }, bias);
  const hNext = new Float64Array(H);
  const cNext = new Float64Array(H);
  for (let u = 0; u < H; u++) {
    cNext[u] = sigmoid(gates[H + u]) * c[u] + sigmoid(gates[u]) * Math.tanh(gates[2 * H + u]);
    hNext[u] = sigmoid(gates[3 * H + u]) * Math.tanh(cNext[u]);
  }
  return { h: hNext, c: cNext };
}

/**
 * One optimizer step on every coordinate of a flat gradient.
 * @param state undefined before the first step (zeros).
 * @returns the updates [N] (added to θ) and the next state.
 */
export function lstmStep64(rule: LstmRule64, grad: ArrayLike<number>, state: LstmState64 | undefined): { update: Float64Array; state: LstmState64 } {
  const { hidden: H, layers, preprocessP, outputScale } = rule.config;
  const read = new ParamReader(concat(...rule.weights));
  const cells = Array.from({ length: layers }, (_, l) => ({ kernel: read.matrix((l === 0 ? 2 : H) + H, 4 * H).data, bias: read.vector(4 * H) }));
  const wOut = read.vector(H);
  const bOut = read.vector(1)[0];
  read.done();
  const update = new Float64Array(grad.length);
  const next: LstmState64 = [];
  for (let k = 0; k < grad.length; k++) {
    let x: ArrayLike<number> = preprocess64(grad[k], preprocessP);
    const coordinate = cells.map((cell, l) => {
      const prev = state?.[k][l] ?? { h: new Float64Array(H), c: new Float64Array(H) };
      const out = cell64(cell.kernel, cell.bias, x, prev.h, prev.c);
      x = out.h;
      return out;
    });
    next.push(coordinate);
    update[k] = outputScale * (affine(x, { rows: H, cols: 1, data: wOut })[0] + bOut);
  }
  return { update, state: next };
}
