/**
 * Options of the Reptile learner and their defaults. The policy, sampling and advantage options are MAML's
 * (same meaning, see maml-options.ts); Reptile adds the outer step size ε, its linear annealing and the
 * outer optimizer.
 */
import type { EnvOptions } from '../../envs/task-def.js';
import { positiveInteger, type MamlOptions } from './maml-options.js';

/** How θ moves towards the adapted parameters. */
export type ReptileOuterOptimizer = 'sgd' | 'adam';

/** What {@link Reptile.create} accepts; everything but `envId` has a default. */
export interface ReptileOptions
  extends Pick<MamlOptions, 'envId' | 'envOptions' | 'seed' | 'hidden' | 'activation' | 'initLogStd' | 'gamma' | 'gaeLambda' | 'normalizeAdvantages'> {
  /** K: episodes per task per inner step, i.e. envs per task (default 10). */
  episodesPerTask?: number;
  /** Inner VPG steps per task, each on K fresh episodes of that task (default 3). */
  innerSteps?: number;
  /**
   * Inner SGD step size α on the VPG loss with normalised advantages (default 0.5; MAML uses 0.1, but Reptile's
   * meta-signal grows with the distance the inner steps travel: on PointNav α = 0.1 barely learns, see reptile.ts).
   */
  innerLr?: number;
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
export type ReptileConfig = Required<Omit<ReptileOptions, 'envOptions'>> & { envOptions: EnvOptions };

/** Fill in defaults and check ranges; throws an Error naming the option and its valid range. */
export function resolveReptileOptions(o: ReptileOptions): ReptileConfig {
  const outerStepSize = o.outerStepSize ?? 0.5;
  const c: ReptileConfig = {
    envId: o.envId,
    envOptions: o.envOptions ?? {},
    seed: o.seed ?? 0,
    hidden: o.hidden ?? [64, 64],
    activation: o.activation ?? 'tanh',
    initLogStd: o.initLogStd ?? 0,
    episodesPerTask: o.episodesPerTask ?? 10,
    innerSteps: o.innerSteps ?? 3,
    innerLr: o.innerLr ?? 0.5,
    outerStepSize,
    outerStepSizeFinal: o.outerStepSizeFinal ?? outerStepSize,
    annealIterations: o.annealIterations ?? 0,
    outerOptimizer: o.outerOptimizer ?? 'sgd',
    gamma: o.gamma ?? 0.99,
    gaeLambda: o.gaeLambda ?? 1,
    normalizeAdvantages: o.normalizeAdvantages ?? true,
  };
  checkRanges(c);
  return c;
}

function checkRanges(c: ReptileConfig): void {
  positiveInteger('Reptile', 'episodesPerTask', c.episodesPerTask);
  positiveInteger('Reptile', 'innerSteps', c.innerSteps);
  if (!(c.innerLr > 0)) throw new Error(`Reptile: innerLr must be > 0, got ${c.innerLr}.`);
  if (!(c.outerStepSize > 0)) throw new Error(`Reptile: outerStepSize must be > 0, got ${c.outerStepSize}.`);
  if (!(c.outerStepSizeFinal >= 0)) throw new Error(`Reptile: outerStepSizeFinal must be >= 0, got ${c.outerStepSizeFinal}.`);
  if (!Number.isInteger(c.annealIterations) || c.annealIterations < 0) {
    throw new Error(`Reptile: annealIterations must be an integer >= 0, got ${c.annealIterations}.`);
  }
  if (c.annealIterations === 0 && c.outerStepSizeFinal !== c.outerStepSize) {
    throw new Error('Reptile: outerStepSizeFinal differs from outerStepSize but annealIterations is 0; set annealIterations > 0.');
  }
  if (c.outerOptimizer !== 'sgd' && c.outerOptimizer !== 'adam') {
    throw new Error(`Reptile: outerOptimizer must be 'sgd' or 'adam', got '${String(c.outerOptimizer)}'.`);
  }
  for (const [name, v] of [['gamma', c.gamma], ['gaeLambda', c.gaeLambda]] as const) {
    if (!(v >= 0 && v <= 1)) throw new Error(`Reptile: ${name} must lie in [0, 1], got ${v}.`);
  }
}
