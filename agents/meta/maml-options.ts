/**
 * Options of the MAML learner and their defaults (MAML-TRPO as in Finn et al. 2017 / garage MAMLTRPO:
 * 20 episodes per task, one inner VPG step with α = 0.1, γ = 0.99, λ = 1, TRPO with δ = 0.01).
 */
import type { EnvOptions } from '../../envs/task-def.js';
import type { Activation } from '../nets.js';
import type { TrpoOptions } from '../trpo.js';

/** What {@link Maml.create} accepts; everything but `envId` has a default. */
export interface MamlOptions {
  /** Registered env id, e.g. `PointNav-v0`. */
  envId: string;
  envOptions?: EnvOptions;
  /** Seeds the policy initialisation (default 0). */
  seed?: number;
  /** Hidden layer sizes of the Gaussian MLP policy (default [64, 64]). */
  hidden?: number[];
  /** Hidden nonlinearity (default tanh). */
  activation?: Activation;
  /** Initial log standard deviation of the actions (default 0). */
  initLogStd?: number;
  /** K: episodes per task per policy, i.e. envs per task (default 20). */
  episodesPerTask?: number;
  /** Inner gradient steps during meta-training, each on fresh episodes (default 1). */
  innerSteps?: number;
  /** Inner step size α (default 0.1). */
  innerLr?: number;
  /** FOMAML: drop the second-order terms (default false). */
  firstOrder?: boolean;
  /** Discount γ (default 0.99). */
  gamma?: number;
  /** GAE λ (default 1). */
  gaeLambda?: number;
  /** Normalise advantages per task (default true). */
  normalizeAdvantages?: boolean;
  /** The outer TRPO step (default maxKl 0.01, 10 CG iterations, damping 1e-5, 15 backtracks by 0.8 as garage/rllab). */
  trpo?: TrpoOptions;
}

/** {@link MamlOptions} with every default filled in. */
export type MamlConfig = Required<Omit<MamlOptions, 'envOptions'>> & { envOptions: EnvOptions };

/**
 * Fill in defaults and check ranges; throws an Error naming the option and its valid range.
 * @param label the algorithm named in error messages (learners that share these options pass their own).
 */
export function resolveMamlOptions(o: MamlOptions, label = 'MAML'): MamlConfig {
  const c: MamlConfig = {
    envId: o.envId,
    envOptions: o.envOptions ?? {},
    seed: o.seed ?? 0,
    hidden: o.hidden ?? [64, 64],
    activation: o.activation ?? 'tanh',
    initLogStd: o.initLogStd ?? 0,
    episodesPerTask: o.episodesPerTask ?? 20,
    innerSteps: o.innerSteps ?? 1,
    innerLr: o.innerLr ?? 0.1,
    firstOrder: o.firstOrder ?? false,
    gamma: o.gamma ?? 0.99,
    gaeLambda: o.gaeLambda ?? 1,
    normalizeAdvantages: o.normalizeAdvantages ?? true,
    trpo: { maxKl: 0.01, backtrackRatio: 0.8, ...o.trpo },
  };
  positiveInteger(label, 'episodesPerTask', c.episodesPerTask);
  positiveInteger(label, 'innerSteps', c.innerSteps);
  if (!(c.innerLr > 0)) throw new Error(`${label}: innerLr must be > 0, got ${c.innerLr}.`);
  for (const [name, v] of [['gamma', c.gamma], ['gaeLambda', c.gaeLambda]] as const) {
    if (!(v >= 0 && v <= 1)) throw new Error(`${label}: ${name} must lie in [0, 1], got ${v}.`);
  }
  return c;
}

/** Throw `${label}: ${name} must be an integer >= 1` unless it is. */
export function positiveInteger(label: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${label}: ${name} must be an integer >= 1, got ${v}.`);
}
