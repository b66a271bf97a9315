/**
 * Options of the ProMP learner and their defaults: the authors' point-mass configuration
 * (jonasrothfuss/ProMP `run_scripts/pro-mp_run_point_mass.py`): 20 episodes per task, one inner step with
 * α = 0.1, γ = 0.99, λ = 1, advantages normalised per task, [64, 64] tanh policy; 5 Adam epochs per
 * meta-iteration at learning rate 1e-3 on the full batch, PPO clip ε = 0.3, and a FIXED inner-KL penalty
 * η = 5e-4 (`adaptive_inner_kl_penalty: False`). With `adaptiveKl: true`, each inner step's η is halved or
 * doubled after every meta-iteration towards the KL target 0.01 (the authors' adaptive rule, their class
 * default). Shared fields are resolved and checked as MAML's (policy-options.ts).
 */
import { nonNegative, openUnitInterval, positive, positiveInteger } from './option-checks.js';
import { resolvePolicyOptions, type PolicyLearnerOptions, type ResolvedOptions } from './policy-options.js';

/** What {@link Promp.create} accepts; everything but `envId` has a default. */
export interface PrompOptions extends PolicyLearnerOptions {
  /** Adam learning rate of the outer (meta) update (default 1e-3). */
  learningRate?: number;
  /** Adam steps on the full meta-batch per meta-iteration, without re-sampling (default 5). */
  epochs?: number;
  /** PPO clip range ε of the outer surrogate (default 0.3). */
  clipEpsilon?: number;
  /** Initial KL penalty coefficient η of every inner step (default 5e-4). */
  klCoef?: number;
  /** Adapt η per inner step towards `targetKl` after each meta-iteration (default false: fixed η). */
  adaptiveKl?: boolean;
  /** Target of the mean inner KL per step for the adaptive rule (default 0.01). */
  targetKl?: number;
}

/** {@link PrompOptions} with every default filled in. */
export type PrompConfig = ResolvedOptions<PrompOptions>;

/** Fill in defaults and check ranges; throws an Error naming the option and its valid range. */
export function resolvePrompOptions(o: PrompOptions): PrompConfig {
  const c: PrompConfig = {
    ...resolvePolicyOptions(o, 'ProMP'),
    learningRate: o.learningRate ?? 1e-3,
    epochs: o.epochs ?? 5,
    clipEpsilon: o.clipEpsilon ?? 0.3,
    klCoef: o.klCoef ?? 5e-4,
    adaptiveKl: o.adaptiveKl ?? false,
    targetKl: o.targetKl ?? 0.01,
  };
  positiveInteger('ProMP', 'epochs', c.epochs);
  positive('ProMP', 'learningRate', c.learningRate);
  openUnitInterval('ProMP', 'clipEpsilon', c.clipEpsilon);
  nonNegative('ProMP', 'klCoef', c.klCoef);
  positive('ProMP', 'targetKl', c.targetKl);
  if (c.adaptiveKl && c.klCoef === 0) throw new Error('ProMP: adaptiveKl needs klCoef > 0 (a zero coefficient cannot be doubled).');
  return c;
}
