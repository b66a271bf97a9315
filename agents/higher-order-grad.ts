/**
 * Correct second- (and higher-) order gradients for TF.js 4.22, engine-wide, on every backend.
 *
 * Root cause (tfjs-core dist/engine.js, `Engine.runKernelFunc`): while a kernel runs, the tensors its gradient needs
 * are saved by `saveTensorsForBackwardMode` -> `Engine.clone`, which pushes an Identity tape node (y -> y') for each
 * saved tensor immediately. The kernel's own node (x -> y) is pushed only after the kernel returns. For an op that
 * saves its OUTPUT (Tanh, Sigmoid, Exp, Sqrt, Softmax, LogSoftmax, Rsqrt, ...) the tape therefore reads
 * `[Identity(y -> y'), Tanh(x -> y)]`: the clone node consumes a tensor that a LATER node produces. tape.js
 * `getFilteredNodesXToY` walks the tape forwards to find what depends on x, so when it reaches the Identity node y
 * is not yet known to depend on x and the node is pruned; `backpropagateGradients` walks it backwards and would
 * reach Tanh before Identity anyway. In a nested `tf.grad` the inner backward pass computes with y' (e.g.
 * `dy * (1 - y'^2)`), so the outer gradient loses every path through y': `grad(grad(tanh))` finds no path at all
 * and throws, and a MAML meta-gradient silently drops the second-order terms of each such op.
 *
 * Fix: wrap `runKernelFunc` so that, when the tape is recording, the kernel's own node is moved in front of the
 * nodes recorded while it ran (the clones of its saved tensors). The tape is then in topological order. First-order
 * gradients do not change: the clone nodes lead only into backward computations, which are not on a first-order
 * tape, so `getFilteredNodesXToY` prunes them in either order and the same nodes run in the same order.
 *
 * {@link enableHigherOrderGradients} also registers tfjs-core's gradients first (see gradients.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerCoreGradients } from './gradients.js';

/** The slice of tfjs-core's Engine this module touches. */
interface EngineInternals {
  state: { activeTape: unknown[] | null };
  isTapeOn(): boolean;
  runKernelFunc(params: unknown): unknown;
}

type RunKernelFunc = EngineInternals['runKernelFunc'];

/** Where the stock `runKernelFunc` is kept while the fix is installed (shared by every copy of this module). */
const STOCK = Symbol.for('metarl.higherOrderGrad.stockRunKernelFunc');

/**
 * Make gradients complete and second-order correct: register tfjs-core's gradients if none are registered yet,
 * then install the tape-order fix on the global engine. Idempotent; call once at start (initBackend does).
 */
export async function enableHigherOrderGradients(): Promise<void> {
  await registerCoreGradients();
  installTapeOrderFix();
}

/** Put the stock `runKernelFunc` back (for A/B tests and measurements); gradients stay registered. */
export function disableHigherOrderGradients(): void {
  const engine = engineInternals() as EngineInternals & { [STOCK]?: RunKernelFunc };
  if (!engine[STOCK]) return;
  engine.runKernelFunc = engine[STOCK];
  delete engine[STOCK];
}

/** Whether the tape-order fix is installed on the global engine. */
export function higherOrderGradientsEnabled(): boolean {
  return STOCK in engineInternals();
}

function installTapeOrderFix(): void {
  const engine = engineInternals() as EngineInternals & { [STOCK]?: RunKernelFunc };
  if (engine[STOCK]) return;
  const stock = engine.runKernelFunc;
  engine[STOCK] = stock;
  engine.runKernelFunc = function runKernelFuncInTapeOrder(this: EngineInternals, params: unknown): unknown {
    const tape = this.isTapeOn() ? this.state.activeTape : null;
    if (tape == null) return stock.call(this, params);
    const start = tape.length;
    const out = stock.call(this, params);
    if (this.state.activeTape === tape) moveLastTo(tape, start);
    return out;
  };
}

/** Move the last element of `tape` (the kernel's own node) to index `start`, ahead of its saved-tensor clones. */
function moveLastTo(tape: unknown[], start: number): void {
  if (tape.length - start < 2) return;
  tape.splice(start, 0, tape.pop());
}

function engineInternals(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}
