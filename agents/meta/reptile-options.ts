/**
 * Options of the Reptile learner and their defaults. The policy, sampling and advantage options are shared with
 * MAML (same meaning, see policy-options.ts; Reptile's own sampling defaults); Reptile adds the outer step size ε, its linear annealing and the
 * outer optimizer.
 */
import { nonNegative, positive } from './option-checks.js';
import { resolvePolicyOptions, type PolicyLearnerOptions, type ResolvedOptions, type SamplingDefaults } from './policy-options.js';

/** How θ moves towards the adapted parameters. */
export type ReptileOuterOptimizer = 'sgd' | 'adam';

/**
 * Reptile's sampling defaults: K = 10 episodes per task per inner step, 3 inner VPG steps per task, each on K
 * fresh episodes of that task, and α = 0.5 (inner SGD on the VPG loss with normalised advantages; MAML uses 0.1,
 * but Reptile's meta-signal grows with the distance the inner steps travel: on PointNav α = 0.1 barely learns,
 * see reptile.ts).
 */
export const REPTILE_SAMPLING_DEFAULTS: Readonly<SamplingDefaults> = { episodesPerTask: 10, innerSteps: 3, innerLr: 0.5 };

/** What {@link Reptile.create} accepts; everything but `envId` has a default ({@link REPTILE_SAMPLING_DEFAULTS}). */
export interface ReptileOptions extends PolicyLearnerOptions {
  /** Outer step size ε at iteration 0 (default 0.5 for `sgd`: θ moves half way to the mean adapted θ_i). */
  outerStepSize?: number;
  /** ε reached after `annealIterations` iterations, linearly; afterwards constant (default: `outerStepSize`). */
  outerStepSizeFinal?: number;
  /** Iterations over which ε anneals from `outerStepSize` to `outerStepSizeFinal` (default 0: no annealing). */
  annealIterations?: number;
  /**
   * `sgd` (default): θ ← θ + ε · mean_i(θ_i − θ), the paper's update. `adam`: the same direction, negated, is
   * fed to Adam as a gradient with learning rate ε (the paper's "treat θ − W as a gradient" variant; ε is
   * then an absolute step, e.g. 1e-3 to 1e-2).
   */
  outerOptimizer?: ReptileOuterOptimizer;
}

/** {@link ReptileOptions} with every default filled in. */
export type ReptileConfig = ResolvedOptions<ReptileOptions>;

/** Fill in defaults and check ranges; throws an Error naming the option and its valid range. */
export function resolveReptileOptions(o: ReptileOptions): ReptileConfig {
  const outerStepSize = o.outerStepSize ?? 0.5;
  const c: ReptileConfig = {
    ...resolvePolicyOptions(o, 'Reptile', REPTILE_SAMPLING_DEFAULTS),
    outerStepSize,
    outerStepSizeFinal: o.outerStepSizeFinal ?? outerStepSize,
    annealIterations: o.annealIterations ?? 0,
    outerOptimizer: o.outerOptimizer ?? 'sgd',
  };
  checkOuterRanges(c);
  return c;
}

function checkOuterRanges(c: ReptileConfig): void {
  positive('Reptile', 'outerStepSize', c.outerStepSize);
  nonNegative('Reptile', 'outerStepSizeFinal', c.outerStepSizeFinal);
  if (!Number.isInteger(c.annealIterations) || c.annealIterations < 0) {
    throw new Error(`Reptile: annealIterations must be an integer >= 0, got ${c.annealIterations}.`);
  }
  if (c.annealIterations === 0 && c.outerStepSizeFinal !== c.outerStepSize) {
    throw new Error('Reptile: outerStepSizeFinal differs from outerStepSize but annealIterations is 0; set annealIterations > 0.');
  }
  if (c.outerOptimizer !== 'sgd' && c.outerOptimizer !== 'adam') {
    throw new Error(`Reptile: outerOptimizer must be 'sgd' or 'adam', got '${String(c.outerOptimizer)}'.`);
  }
}
