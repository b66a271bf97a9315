/**
 * An MLP evaluated in plain JS on a copy of its parameters: the acting path of the samplers. No tensors per step,
 * no backend round trip, and the same numbers on every TF.js backend (float64 sums of float32 values; JS has no
 * fused multiply-add, so the rounding is the same on every machine).
 *
 * Weights are stored transposed ([out, in], row-major) so that every output is a contiguous dot product, and the
 * kernel computes a 4-row × 2-column tile of outputs per pass over the inputs (eight running sums in registers):
 * about 2.6x faster than a row-by-row loop for a [17, 64, 64, 6] tanh MLP at a batch of 64 (747 -> 289 us here).
 */
import type { Activation, Params } from './nets.js';
import { readFloat32s } from './tensor-read.js';

/** A parameter copied to the JS side. */
export interface ArrayParam {
  data: Float32Array;
  shape: number[];
}

/** Copy the parameters to Float32Arrays (an asynchronous read), e.g. once per rollout. */
export async function snapshotParams(params: Params): Promise<ArrayParam[]> {
  return (await readFloat32s(params)).map((data, i) => ({ data, shape: [...params[i].shape] }));
}

/** One affine layer in kernel layout. */
export interface DenseArrays {
  /** Weights transposed: [outDim, inDim], row-major. */
  weightsT: Float32Array;
  /** [outDim]. */
  bias: Float32Array;
  inDim: number;
  outDim: number;
}

/**
 * The layers of an MLP snapshot `[W0, b0, W1, b1, ...]` (W: [in, out]) in kernel layout.
 * @throws when the list is not weight/bias pairs of matching sizes.
 */
export function mlpArrays(snapshot: readonly ArrayParam[]): DenseArrays[] {
  if (snapshot.length === 0 || snapshot.length % 2 !== 0) throw new Error(`mlpArrays: expected [W, b] pairs, got ${snapshot.length} arrays.`);
  const layers: DenseArrays[] = [];
  for (let i = 0; i < snapshot.length; i += 2) {
    const [inDim, outDim] = snapshot[i].shape;
    const bias = snapshot[i + 1];
    if (snapshot[i].shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== outDim) {
      throw new Error(`mlpArrays: layer ${i / 2} has W [${snapshot[i].shape}] and b [${bias.shape}]; expected [in, out] and [out].`);
    }
    if (i > 0 && inDim !== layers[layers.length - 1].outDim) throw new Error(`mlpArrays: layer ${i / 2} takes ${inDim} inputs, the previous layer gives ${layers[layers.length - 1].outDim}.`);
    layers.push({ weightsT: transpose(snapshot[i].data, inDim, outDim), bias: bias.data.slice(), inDim, outDim });
  }
  return layers;
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

/**
 * The same function as `mlpForward` (nets.ts) on {@link mlpArrays} layers; equal up to float rounding.
 * @param x inputs [B*in], row-major. @returns outputs [B*out].
 */
export function mlpForwardArrays(layers: readonly DenseArrays[], x: Float32Array, batch: number, activation: Activation = 'tanh'): Float32Array {
  if (x.length !== batch * layers[0].inDim) {
    throw new Error(`mlpForwardArrays: x has ${x.length} values, expected batch ${batch} × ${layers[0].inDim}.`);
  }
  let h = x;
  layers.forEach((layer, i) => {
    h = affine(h, batch, layer);
    if (i + 1 < layers.length) activate(h, activation);
  });
  return h;
}

/** Apply `activation` in place. */
function activate(h: Float32Array, activation: Activation): void {
  if (activation === 'tanh') for (let i = 0; i < h.length; i++) h[i] = Math.tanh(h[i]);
  else if (activation === 'relu') for (let i = 0; i < h.length; i++) h[i] = Math.max(0, h[i]);
}

/**
 * x [B, in] · W [in, out] + b -> [B, out], one 4×2 tile of outputs per pass over `in`. At the last rows and column
 * the tile reads a valid row or column twice and stores only the outputs that exist.
 */
function affine(x: Float32Array, batch: number, { weightsT: w, bias, inDim, outDim }: DenseArrays): Float32Array {
  const out = new Float32Array(batch * outDim);
  for (let r = 0; r < batch; r += 4) {
    const x0 = r * inDim;
    const x1 = Math.min(r + 1, batch - 1) * inDim;
    const x2 = Math.min(r + 2, batch - 1) * inDim;
    const x3 = Math.min(r + 3, batch - 1) * inDim;
    for (let c = 0; c < outDim; c += 2) {
      const d = Math.min(c + 1, outDim - 1);
      const wc = c * inDim;
      const wd = d * inDim;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      for (let k = 0; k < inDim; k++) {
        const u = w[wc + k];
        const v = w[wd + k];
        const y0 = x[x0 + k], y1 = x[x1 + k], y2 = x[x2 + k], y3 = x[x3 + k];
        c0 += y0 * u; c1 += y1 * u; c2 += y2 * u; c3 += y3 * u;
        d0 += y0 * v; d1 += y1 * v; d2 += y2 * v; d3 += y3 * v;
      }
      storeTile(out, batch, outDim, r, c, c0 + bias[c], c1 + bias[c], c2 + bias[c], c3 + bias[c]);
      if (d !== c) storeTile(out, batch, outDim, r, d, d0 + bias[d], d1 + bias[d], d2 + bias[d], d3 + bias[d]);
    }
  }
  return out;
}

/** Store column `c` of rows r..r+3 of a tile, skipping rows past the batch. */
function storeTile(out: Float32Array, batch: number, outDim: number, r: number, c: number, v0: number, v1: number, v2: number, v3: number): void {
  const o = r * outDim + c;
  out[o] = v0;
  if (r + 1 < batch) out[o + outDim] = v1;
  if (r + 2 < batch) out[o + 2 * outDim] = v2;
  if (r + 3 < batch) out[o + 3 * outDim] = v3;
}
