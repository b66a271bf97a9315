/**
 * The learned inner update rules of the MAML family, and where their meta-parameters sit. A learner with a learned
 * rule meta-trains φ = [θ, ρ], θ the policy and ρ the rule's parameters:
 *
 * - `step-sizes` (Meta-SGD, Li et al. 2017): ρ = α, one tensor per θ tensor with its shape, initialised to
 *   `innerLr`; θ ← θ − α ⊙ g.
 * - `lstm` (Andrychowicz et al. 2016): ρ = the weights of one coordinate-wise LSTM optimizer
 *   (agents/lstm-optimizer.ts), whatever θ's size; θ ← θ + m_ρ(g, state), its state carried across inner steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/rng.js';
import { lstmOptimizerInit, lstmOptimizerShapes, type LstmOptimizerConfig } from '../lstm-optimizer.js';
import type { Params } from '../nets.js';

/** A learned inner update rule (plain data: it travels to the learner threads). */
export type LearnedRule = { kind: 'step-sizes' } | { kind: 'lstm'; lstm: LstmOptimizerConfig };

/** Shapes of the rule's parameters ρ for a policy with `thetaShapes`. */
export function ruleShapes(rule: LearnedRule, thetaShapes: readonly number[][]): number[][] {
  return rule.kind === 'step-sizes' ? thetaShapes.map((s) => [...s]) : lstmOptimizerShapes(rule.lstm);
}

/** How many tensors of a φ with `metaLength` tensors are θ (the rest are ρ). */
export function thetaTensorCount(rule: LearnedRule, metaLength: number): number {
  return rule.kind === 'step-sizes' ? metaLength / 2 : metaLength - lstmOptimizerShapes(rule.lstm).length;
}

/**
 * The rule's initial parameters: α = `innerLr` everywhere (step sizes), or a fresh LSTM optimizer drawn with `rng`
 * whose output starts at zero.
 */
export function initRuleParams(rule: LearnedRule, thetaShapes: readonly number[][], innerLr: number, rng: Rng): Params {
  return rule.kind === 'step-sizes' ? thetaShapes.map((s) => tf.fill(s, innerLr)) : lstmOptimizerInit(rng, rule.lstm);
}

/** The name of the rule's parameter group in a learner state (`stepSizes` for Meta-SGD's α). */
export function ruleStateGroup(rule: LearnedRule): string {
  return rule.kind === 'step-sizes' ? 'stepSizes' : 'lstmOptimizer';
}
