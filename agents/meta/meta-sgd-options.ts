/**
 * Options of the Meta-SGD learner: MAML-TRPO's (maml-options.ts, same defaults: 20 episodes per task, one inner
 * VPG step, TRPO with δ = 0.01 and its curvature on a fifth of the samples), where `innerLr` is the value every
 * learned per-parameter step size α starts from, and `firstOrder` drops the second-order terms through the inner
 * gradients (α keeps its exact first-order gradient).
 */
import { resolveMamlOptions, type MamlConfig, type MamlOptions } from './maml-options.js';

/** What {@link MetaSgd.create} accepts; everything but `envId` has a default. */
export type MetaSgdOptions = MamlOptions;

/** {@link MetaSgdOptions} with every default filled in. */
export type MetaSgdConfig = MamlConfig;

/** Fill in defaults and check ranges; throws an Error naming the option (`Meta-SGD: ...`) and its valid range. */
export function resolveMetaSgdOptions(o: MetaSgdOptions): MetaSgdConfig {
  return resolveMamlOptions(o, 'Meta-SGD');
}
