/**
 * Meta-SGD (Li et al. 2017, "Meta-SGD: Learning to Learn Quickly for Few-Shot Learning") for RL with a
 * diagonal-Gaussian MLP policy: MAML-TRPO (maml.ts) whose inner step size is learned per parameter,
 *
 *   θ_i^{(j+1)} = θ_i^{(j)} − α ⊙ ∇L_in(θ_i^{(j)}; D_i^j),   α: one tensor per θ tensor, same shape,
 *
 * with α initialised to `innerLr` everywhere and meta-learned jointly with θ. α is left unconstrained (it may
 * change sign: a learned step may ascend the inner loss along some coordinates), as in the paper. The adaptation
 * curve, `demo()` and test-time adaptation take every inner step, beyond the training `innerSteps` too, with the
 * same learned α; `fineTuneSettings()` stays MAML's (plain SGD with `innerLr`, for baselines).
 *
 * Outer update: the MAML-TRPO step over the concatenated meta-parameters φ = [θ, α] (2P values). The surrogate
 * L_out(θ, α) = mean_i −mean(π_{θ'_i(θ,α)}/π_old · A') is differentiated w.r.t. both halves through the inner
 * steps: ∂θ'/∂α = −diag(∇L_in) per step needs no second derivative, so first order (`firstOrder`: the inner
 * gradients detached) still gives α its exact first-order gradient −Σ_j ∇L_in(θ_i^{(j)}) ⊙ ∇_{θ'}L_out, and second
 * order adds the terms through ∇L_in's dependence on θ and α. TRPO's constraint mean_i KL(π_{θ'_i(φ_old)} ‖
 * π_{θ'_i(φ)}) ≤ δ is on the adapted policies, which depend on α only through θ'; its Hessian w.r.t. φ at φ_old is
 * J_φᵀ F J_φ with J_φ = [∂θ'/∂θ, ∂θ'/∂α] (the α block: −diag(Σ_j ∇L_in) first order), and the Fisher-vector
 * products take exactly that (double backprop of the KL w.r.t. φ, on each task's subsample as for MAML; a
 * first-order subsample keeps the full batches' inner gradients as constants, see policy-curvature.ts). So the
 * trust region bounds how far a joint (θ, α) move shifts the adapted policies, and the natural-gradient step is
 * invariant to the very different scales of θ and α. We chose it over the paper's plain Adam step on (θ, α)
 * because it keeps Meta-SGD comparable with MAML-TRPO at equal sizes (same sampling, same outer step rule, one
 * extra vector of P values), the learner pool, checkpoints and curvature subsampling carry over unchanged, and
 * RL's noisy policy gradients favour a trust region over a fixed learning rate.
 *
 * Needs tfjs-core's gradients and the higher-order fix (`initBackend()`), as MAML does.
 */
import { registerFastMatMulGradient } from '../matmul-grad.js';
import { Maml } from './maml.js';
import { resolveMetaSgdOptions, type MetaSgdOptions } from './meta-sgd-options.js';

export type { MetaSgdOptions } from './meta-sgd-options.js';

/**
 * The Meta-SGD-TRPO learner (first order: `fo-meta-sgd-trpo`). Its state holds θ (`policy`) and α (`stepSizes`,
 * θ's shapes); `innerStepSizes` exposes α.
 */
export class MetaSgd extends Maml {
  /** A learner with a freshly initialised policy (seeded by `options.seed`) and α = `innerLr`; installs the wasm matMul gradient. */
  static override async create(options: MetaSgdOptions): Promise<MetaSgd> {
    const config = resolveMetaSgdOptions(options);
    await registerFastMatMulGradient();
    return new MetaSgd(config, { name: config.firstOrder ? 'fo-meta-sgd-trpo' : 'meta-sgd-trpo', rule: { kind: 'step-sizes' } });
  }
}
