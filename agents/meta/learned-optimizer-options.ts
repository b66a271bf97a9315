/**
 * Options of the LSTM-optimizer learner (learned-optimizer.ts): MAML-TRPO's (maml-options.ts: episodes per task,
 * inner steps k, TRPO), where the inner step is the coordinate-wise LSTM optimizer's, plus its sizes. Defaults:
 * the paper's optimizer (Andrychowicz et al. 2016: two layers of 20 units, preprocessing constant p = 10) and its
 * first-order meta-gradient (the optimizer's input gradients treated as constants); `outputScale` 0.1.
 */
import type { LstmOptimizerConfig } from '../lstm-optimizer.js';
import { resolveMamlOptions, type MamlConfig, type MamlOptions } from './maml-options.js';
import { positive, positiveInteger } from './option-checks.js';

/** What {@link LearnedOptimizer.create} accepts; everything but `envId` has a default. */
export interface LearnedOptimizerOptions extends MamlOptions {
  /** LSTM units per layer (default 20). */
  lstmHidden?: number;
  /** LSTM layers (default 2). */
  lstmLayers?: number;
  /** The gradient preprocessing constant p (default 10). */
  preprocessP?: number;
  /** Multiplier on the optimizer's output (default 0.1). */
  outputScale?: number;
  /**
   * Keep θ as initialised or restored and meta-train only the optimizer (default false: θ and the optimizer are
   * meta-trained jointly, a MAML initialisation adapted by the learned optimizer).
   */
  freezePolicy?: boolean;
}

/** The resolved options: MAML's, the optimizer's sizes, and whether θ is frozen. */
export interface LearnedOptimizerConfig {
  maml: MamlConfig;
  lstm: LstmOptimizerConfig;
  freezePolicy: boolean;
}

const LABEL = 'LSTM optimizer';

/** Fill in defaults and check ranges; throws an Error naming the option (`LSTM optimizer: ...`) and its valid range. */
export function resolveLearnedOptimizerOptions(o: LearnedOptimizerOptions): LearnedOptimizerConfig {
  const { lstmHidden = 20, lstmLayers = 2, preprocessP = 10, outputScale = 0.1, freezePolicy = false, ...rest } = o;
  positiveInteger(LABEL, 'lstmHidden', lstmHidden);
  positiveInteger(LABEL, 'lstmLayers', lstmLayers);
  positive(LABEL, 'preprocessP', preprocessP);
  positive(LABEL, 'outputScale', outputScale);
  const maml = resolveMamlOptions({ ...rest, firstOrder: rest.firstOrder ?? true }, LABEL);
  return { maml, lstm: { hidden: lstmHidden, layers: lstmLayers, preprocessP, outputScale }, freezePolicy };
}
