/**
 * Composite kernels: one registered kernel whose body calls the active backend's own kernels directly.
 *
 * Why: a loop of small ops (a recurrence over T steps of B ≈ 10 rows) is bound by what every tf.js op costs
 * besides its arithmetic: the op wrapper's scope, input conversion, engine bookkeeping, a Tensor object, tracking
 * and disposal (measured on wasm: ~1/3 of a GRU unroll's forward time). Inside a kernel those layers are skipped:
 * the backend's kernel functions take and return plain TensorInfos. The arithmetic is the same kernels on the same
 * inputs in the same order, so the values are the same bit for bit as the op-by-op version (tfjs-backend-wasm
 * builds its own Pack, Conv and others this way).
 *
 * {@link compositeKernel} makes such a kernel; its {@link KernelScope} runs the backend's kernels and frees
 * intermediates like `tf.tidy` does for tensors.
 */
import * as tf from '@tensorflow/tfjs-core';

type Inputs = Record<string, tf.TensorInfo> | tf.TensorInfo[];

/** Calls of the active backend's kernels from inside a kernel, with tidy-like disposal of intermediates. */
export class KernelScope {
  /** Infos created in each open {@link tidy} (innermost last); the outermost level is the kernel's own. */
  private readonly created: tf.TensorInfo[][] = [[]];
  /** The active backend's kernel functions, looked up once per name. */
  private readonly kernels = new Map<string, tf.KernelFunc>();
  private readonly backendName = tf.getBackend();

  /** @param backend the `backend` a kernel function receives. */
  constructor(private readonly backend: tf.KernelBackend) {}

  /** Run the registered kernel `name` of the active backend; its single output is tracked. */
  run(name: string, inputs: Inputs, attrs: object = {}): tf.TensorInfo {
    return this.track(this.call(name, inputs, attrs) as tf.TensorInfo);
  }

  /** {@link run} for kernels with several outputs (SplitV, Unpack). */
  runMany(name: string, inputs: Inputs, attrs: object = {}): tf.TensorInfo[] {
    return (this.call(name, inputs, attrs) as tf.TensorInfo[]).map((x) => this.track(x));
  }

  /**
   * Run `f`; free every info it created except those in its result (found in arrays and plain objects), which
   * stay tracked one level up.
   */
  tidy<R>(f: () => R): R {
    this.created.push([]);
    let result: R | undefined;
    try {
      result = f();
      return result;
    } finally {
      const inner = this.created.pop() ?? [];
      const kept = new Set(result === undefined ? [] : infosIn(result));
      for (const x of inner) {
        if (kept.has(x)) this.track(x);
        else this.backend.disposeData(x.dataId);
      }
    }
  }

  /** Free every intermediate except `kept` (the kernel's outputs, which the engine takes over). */
  release(kept: readonly tf.TensorInfo[]): void {
    const keep = new Set(kept);
    for (const x of this.created.flat()) if (!keep.has(x)) this.backend.disposeData(x.dataId);
    this.created.splice(0, this.created.length, []);
  }

  private call(name: string, inputs: Inputs, attrs: object): tf.TensorInfo | tf.TensorInfo[] {
    let kernelFunc = this.kernels.get(name);
    if (!kernelFunc) {
      kernelFunc = tf.getKernel(name, this.backendName)?.kernelFunc;
      if (!kernelFunc) throw new Error(`composite kernel: backend '${this.backendName}' has no kernel ${name}.`);
      this.kernels.set(name, kernelFunc);
    }
    return kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tf.NamedAttrMap });
  }

  private track(x: tf.TensorInfo): tf.TensorInfo {
    this.created[this.created.length - 1].push(x);
    return x;
  }
}

/** The TensorInfos in a result: itself, or the members of an array or plain object (one level). */
function infosIn(result: unknown): tf.TensorInfo[] {
  const isInfo = (x: unknown): x is tf.TensorInfo => typeof x === 'object' && x !== null && 'dataId' in x && 'shape' in x;
  if (isInfo(result)) return [result];
  const members = Array.isArray(result) ? result : typeof result === 'object' && result !== null ? Object.values(result) : [];
  return members.flatMap((m) => (isInfo(m) ? [m] : Array.isArray(m) ? m.filter(isInfo) : []));
}

/**
 * A kernel function from `body`, which computes the outputs from the inputs with `scope`'s calls; every
 * intermediate is freed when it returns (or throws).
 */
export function compositeKernel(body: (scope: KernelScope, inputs: Record<string, tf.TensorInfo>) => tf.TensorInfo[]): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const scope = new KernelScope(backend as tf.KernelBackend);
    let outputs: tf.TensorInfo[] = [];
    try {
      outputs = body(scope, inputs as Record<string, tf.TensorInfo>);
      return outputs;
    } finally {
      scope.release(outputs);
    }
  };
}

/**
 * Register `kernelFunc` as kernel `name` of the active backend unless it is already (a composite kernel works on
 * any backend that has the kernels it calls). Call before `tf.engine().runKernel(name, …)`.
 */
export function ensureKernel(name: string, kernelFunc: tf.KernelFunc): void {
  const backendName = tf.getBackend();
  if (!tf.getKernel(name, backendName)) tf.registerKernel({ kernelName: name, backendName, kernelFunc });
}
