/**
 * The GRU as a {@link RecurrentCore} (registered as `gru`): the state is the hidden state h [B, H] and the heads
 * read it as is. Parameters `[wx: [in, 3H], wh: [H, 3H], bx: [3H], bh: [3H]]` (nets.ts {@link gruInit}).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { gruInit, gruStep, gruUnroll, type Params } from './nets.js';
import type { RecurrentCore } from './recurrent-core.js';

/** H, from `wh: [H, 3H]`. */
const hiddenSize = (params: Params): number => params[1].shape[0];

/** The GRU core: S = F = H. */
export const gruCore: RecurrentCore = {
  name: 'gru',
  init: (rng, inputDim, hiddenDim) => gruInit(rng, inputDim, hiddenDim),
  stateSize: hiddenSize,
  featureSize: hiddenSize,
  features: (_params: Params, state: tf.Tensor2D) => state,
  step: gruStep,
  unroll: gruUnroll,
};
