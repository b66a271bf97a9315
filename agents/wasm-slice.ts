/**
 * Slicing kernels for the wasm backend that read their input in place.
 *
 * tfjs-backend-wasm 4.22 slices in JavaScript, and its Slice kernel first takes `backend.readSync(x)`: a COPY of
 * the whole input out of the wasm heap, for every slice. Unpack (tf.unstack) and SplitV (tf.split) call that
 * kernel once per output, so unstacking a [T, B, w] tensor copies it T times: O(T²). Backprop through time hits
 * exactly that (the GRU unroll unstacks its inputs; the gradient of tf.stack unstacks the state gradients): at
 * T = 400 it copied ~1 GB per RL2 minibatch step.
 *
 * These kernels copy the same elements from a view of the heap instead (taken after the output is allocated: an
 * allocation can grow the heap and detach older views). Same results, bit for bit: a slice is a copy.
 */
import * as tf from '@tensorflow/tfjs-core';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): TypedArray;
}

/**
 * Copy the box `begin`/`size` of `src` (shape `shape`, row-major) into `dst`, both views of the same heap: trailing
 * dimensions the box spans whole are merged into one contiguous run, and each run is one `copyWithin` (no view
 * per row).
 */
function copyBox(src: TypedArray, shape: readonly number[], begin: readonly number[], size: readonly number[], dst: TypedArray): void {
  const rank = shape.length;
  const strides = [...tf.util.computeStrides([...shape]), 1];
  let inner = rank - 1; // dimensions after `inner` are spanned whole: a run covers dimensions inner..rank−1
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  const bytes = src.BYTES_PER_ELEMENT;
  const runBytes = size[inner] * strides[inner] * bytes;
  const runs = size.slice(0, inner).reduce((a, b) => a * b, 1);
  const heap = new Uint8Array(src.buffer);
  const index = new Array<number>(inner).fill(0);
  for (let r = 0; r < runs; r++) {
    let offset = begin[inner] * strides[inner];
    for (let d = 0; d < inner; d++) offset += (begin[d] + index[d]) * strides[d];
    const from = src.byteOffset + offset * bytes;
    heap.copyWithin(dst.byteOffset + r * runBytes, from, from + runBytes);
    for (let d = inner - 1; d >= 0 && ++index[d] === size[d]; d--) index[d] = 0;
  }
}

/** x[begin : begin + size] as a new tensor of the wasm backend. */
function sliceInPlace(x: tf.TensorInfo, beginArg: number | number[], sizeArg: number | number[] | undefined, backend: WasmBackend): tf.TensorInfo {
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, beginArg, sizeArg);
  const out = backend.makeOutput(size, x.dtype);
  const dst = backend.typedArrayFromHeap(out);
  if (dst.length === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  if (x.shape.length === 0) dst.set(src);
  else copyBox(src, x.shape, begin, size, dst);
  return out;
}

/** The kernel's one input `name`. */
function input(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const x = inputs[name];
  if (!x) throw new Error(`wasm slice kernels: missing input '${name}'.`);
  return x;
}

const slice: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { begin, size } = attrs as unknown as tf.SliceAttrs;
  return sliceInPlace(input(inputs, 'x'), begin, size, backend as unknown as WasmBackend);
};

const unpack: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const x = input(inputs, 'value');
  const rank = x.shape.length;
  const { axis: axisAttr } = attrs as unknown as tf.UnpackAttrs;
  const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
  const outShape = x.shape.filter((_, d) => d !== axis);
  const begin = new Array<number>(rank).fill(0);
  const size = [...x.shape];
  size[axis] = 1;
  return Array.from({ length: x.shape[axis] }, (_, i) => {
    begin[axis] = i;
    const { dataId, dtype } = sliceInPlace(x, begin, size, backend as unknown as WasmBackend);
    return { dataId, dtype, shape: outShape };
  });
};

const splitV: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const x = input(inputs, 'x');
  const { numOrSizeSplits, axis: axisArg } = attrs as unknown as tf.SplitVAttrs;
  const axis = tf.util.parseAxisParam(axisArg, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = sliceInPlace(x, [...begin], size, backend as unknown as WasmBackend);
    begin[axis] += s;
    return part;
  });
};

const KERNELS: [string, tf.KernelFunc][] = [
  [tf.Slice, slice],
  [tf.Unpack, unpack],
  [tf.SplitV, splitV],
];

/**
 * Put these kernels in place of the wasm backend's Slice, Unpack and SplitV (after the backend registered its
 * own, i.e. once `@tensorflow/tfjs-backend-wasm` is imported). Idempotent.
 */
export function registerWasmSliceKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current?.kernelFunc === kernelFunc) continue;
    if (current) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
