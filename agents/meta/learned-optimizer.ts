/**
 * MAML with a learned LSTM optimizer as its inner loop (Andrychowicz et al. 2016 inside Finn et al. 2017): every
 * inner step on task i is θ_i^{(j+1)} = θ_i^{(j)} + m_ω(∇L_in(θ_i^{(j)}), s_j), m_ω the coordinate-wise two-layer LSTM
 * of agents/lstm-optimizer.ts (one LSTM shared by every coordinate of θ, its state s_j carried across the k inner
 * steps), and the meta-parameters φ = [θ, ω] are meta-trained by MAML-TRPO's outer step (maml.ts) so that the policy
 * after k inner steps maximises the post-update return.
 *
 * Meta-gradient: through the whole unrolled inner loop (k steps, no truncation: k is small in RL, 1–3), first
 * order by default as in the paper (∂∇L_in/∂φ dropped: the LSTM's inputs are constants, ω's gradient flows through
 * its outputs and its state across steps), second order with `firstOrder: false`. Outer step: TRPO as MAML-TRPO and
 * Meta-SGD, for the same reasons (comparable sizes and sampling; the KL trust region on the adapted policies makes
 * the step invariant to the very different scales of θ and ω). θ is meta-trained jointly with ω by default (a MAML
 * initialisation adapted by the learned optimizer); `freezePolicy` meta-trains ω alone at a θ given by `setPolicy`
 * or `setState` (e.g. a trained MAML or multi-task policy's, from the experiment config's `initPolicy`).
 *
 * The untrained optimizer outputs zero (its output layer starts at zero), so training starts from "no adaptation".
 * The adaptation curve runs the learned optimizer for any number of steps, beyond the training k too.
 */
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { resolveLearnedOptimizerOptions, type LearnedOptimizerOptions } from './learned-optimizer-options.js';
import { Maml } from './maml.js';

export type { LearnedOptimizerOptions } from './learned-optimizer-options.js';

/** The LSTM-optimizer learner (`lstm-optimizer-trpo`; second order `so-lstm-optimizer-trpo`). */
export class LearnedOptimizer extends Maml {
  /** A learner with a freshly initialised policy and optimizer (seeded by `options.seed`); installs the wasm matMul gradient. */
  static override async create(options: LearnedOptimizerOptions): Promise<LearnedOptimizer> {
    const { maml, lstm, freezePolicy } = resolveLearnedOptimizerOptions(options);
    await registerFastMatMulGradient();
    const name = maml.firstOrder ? 'lstm-optimizer-trpo' : 'so-lstm-optimizer-trpo';
    return new LearnedOptimizer(maml, { name, rule: { kind: 'lstm', lstm }, freezePolicy });
  }
}
