/**
 * Options of the MAML learner and their defaults (MAML-TRPO as in Finn et al. 2017 / garage MAMLTRPO:
 * 20 episodes per task, one inner VPG step with α = 0.1, γ = 0.99, λ = 1, TRPO with δ = 0.01). The policy,
 * sampling and advantage options are shared with the other Gaussian-policy learners (policy-options.ts).
 */
import type { EnvOptions } from '../../envs/task-def.js';
import type { TrpoOptions } from '../trpo.js';
import { resolvePolicyOptions, type PolicyLearnerOptions } from './policy-options.js';

/** What {@link Maml.create} accepts; everything but `envId` has a default. */
export interface MamlOptions extends PolicyLearnerOptions {
  /** FOMAML: drop the second-order terms (default false). */
  firstOrder?: boolean;
  /** The outer TRPO step (default maxKl 0.01, 10 CG iterations, damping 1e-5, 15 backtracks by 0.8 as garage/rllab). */
  trpo?: TrpoOptions;
}

/** {@link MamlOptions} with every default filled in. */
export type MamlConfig = Required<Omit<MamlOptions, 'envOptions'>> & { envOptions: EnvOptions };

/** Fill in defaults and check ranges; throws an Error naming the option and its valid range. */
export function resolveMamlOptions(o: MamlOptions): MamlConfig {
  return {
    ...resolvePolicyOptions(o, 'MAML'),
    firstOrder: o.firstOrder ?? false,
    trpo: { maxKl: 0.01, backtrackRatio: 0.8, ...o.trpo },
  };
}
