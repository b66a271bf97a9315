/**
 * Policy-gradient surrogate losses (to minimise) over a flat batch of N samples: vanilla policy gradient, the
 * likelihood-ratio surrogate (TRPO, ProMP) and PPO-clip. Inputs are tensors [N]; outputs are scalars.
 * Advantages and old log-probabilities are treated as constants: pass tensors that do not depend on the
 * parameters being differentiated.
 *
 * Ops used: mul, sub, exp, mean, minimum, clipByValue, abs, greater, cast — all have cpu and wasm kernels.
 * `exp` here is differentiated once (its gradient is right in stock tfjs); differentiating these losses twice
 * (MAML, ProMP) needs the higher-order gradient fix (`agents/higher-order-grad.ts`). Differentiating them at all
 * needs tfjs-core's gradients registered: `initBackend()` (agents/backend.ts) does it.
 */
import * as tf from '@tensorflow/tfjs-core';

/** PPO-clip options. */
export interface PpoClipOptions {
  /** ε: ratios are clipped to [1 − ε, 1 + ε] (default 0.2). */
  clipEpsilon?: number;
  /** Per-sample policy entropy [N] (or a scalar), for the entropy bonus. */
  entropy?: tf.Tensor;
  /** Entropy bonus coefficient c: the loss gains −c·mean(entropy) (default 0). */
  entropyCoef?: number;
}

/**
 * Vanilla policy gradient (REINFORCE) surrogate −mean(log π(a|s) · A).
 * @param logp log π_θ(a_i|s_i), [N].
 * @param adv advantages A_i, [N].
 */
export function vpgLoss(logp: tf.Tensor, adv: tf.Tensor): tf.Scalar {
  checkSameShape('vpgLoss', { logp, adv });
  return tf.tidy(() => tf.neg(tf.mean(tf.mul(logp, adv))));
}

/**
 * Likelihood-ratio surrogate −mean(exp(log π_θ − log π_old) · A); its gradient at θ = θ_old equals
 * {@link vpgLoss}'s.
 * @param logp log π_θ(a_i|s_i), [N].
 * @param logpOld log π_old(a_i|s_i), [N] (constant).
 * @param adv advantages, [N].
 */
export function ratioSurrogateLoss(logp: tf.Tensor, logpOld: tf.Tensor, adv: tf.Tensor): tf.Scalar {
  checkSameShape('ratioSurrogateLoss', { logp, logpOld, adv });
  return tf.tidy(() => tf.neg(tf.mean(tf.mul(ratio(logp, logpOld), adv))));
}

/**
 * PPO-clip loss −mean(min(r·A, clip(r, 1 − ε, 1 + ε)·A)) − c·mean(entropy), r = exp(log π_θ − log π_old).
 * The gradient of a sample is zero where the clipped term is the smaller one (r beyond 1 + ε with A > 0, or
 * below 1 − ε with A < 0).
 * @param logp log π_θ(a_i|s_i), [N].
 * @param logpOld log π_old(a_i|s_i), [N] (constant).
 * @param adv advantages, [N].
 */
export function ppoClipLoss(logp: tf.Tensor, logpOld: tf.Tensor, adv: tf.Tensor, options: PpoClipOptions = {}): tf.Scalar {
  checkSameShape('ppoClipLoss', { logp, logpOld, adv });
  const eps = checkEpsilon('ppoClipLoss', options.clipEpsilon ?? 0.2);
  const coef = options.entropyCoef ?? 0;
  if (coef !== 0 && options.entropy === undefined) {
    throw new Error('ppoClipLoss: entropyCoef is set but no entropy tensor was given; pass options.entropy ([N]).');
  }
  return tf.tidy(() => {
    const r = ratio(logp, logpOld);
    const clipped = tf.mul(tf.clipByValue(r, 1 - eps, 1 + eps), adv);
    const loss = tf.neg(tf.mean(tf.minimum(tf.mul(r, adv), clipped)));
    if (coef === 0 || options.entropy === undefined) return loss as tf.Scalar;
    return tf.sub(loss, tf.mul(coef, tf.mean(options.entropy))) as tf.Scalar;
  });
}

/**
 * Fraction of samples whose ratio lies outside [1 − ε, 1 + ε] (a PPO diagnostic, not differentiable).
 * @param logp log π_θ(a_i|s_i), [N].
 * @param logpOld log π_old(a_i|s_i), [N].
 * @returns scalar in [0, 1].
 */
export function clipFraction(logp: tf.Tensor, logpOld: tf.Tensor, clipEpsilon = 0.2): tf.Scalar {
  checkSameShape('clipFraction', { logp, logpOld });
  const eps = checkEpsilon('clipFraction', clipEpsilon);
  return tf.tidy(() => {
    const outside = tf.greater(tf.abs(tf.sub(ratio(logp, logpOld), 1)), eps);
    return tf.mean(tf.cast(outside, 'float32'));
  });
}

/** r = exp(log π_θ − log π_old), [N]. */
function ratio(logp: tf.Tensor, logpOld: tf.Tensor): tf.Tensor {
  return tf.exp(tf.sub(logp, logpOld));
}

function checkSameShape(fn: string, tensors: Record<string, tf.Tensor>): void {
  const entries = Object.entries(tensors);
  const [firstName, first] = entries[0];
  for (const [name, t] of entries) {
    if (!tf.util.arraysEqual(t.shape, first.shape)) {
      throw new Error(`${fn}: ${name} has shape [${t.shape}] but ${firstName} has [${first.shape}]; pass one value per sample, all [N].`);
    }
  }
}

function checkEpsilon(fn: string, eps: number): number {
  if (!(eps > 0 && eps < 1)) throw new Error(`${fn}: clipEpsilon must lie in (0, 1), got ${eps}.`);
  return eps;
}
