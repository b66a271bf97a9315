/**
 * Discounted returns, TD errors and GAE(λ) advantages for one episode at a time, in plain typed-array math
 * (no tensors). Sums run in float64; results come back as Float32Array, ready for `tf.tensor1d`.
 *
 * Representation: one episode per call. An episode is its rewards `[T]` plus how it ended:
 * - `terminated: true`: the task ended it; the state after the last step is absorbing, its value is 0.
 * - `terminated: false`: it was truncated (time limit, or a rollout cut mid-episode); the return after the
 *   last step is bootstrapped with `bootstrapValue` = V(s_T), the value of the observation after the last step
 *   (the sampler's `Path.finalObs`). Leave it at 0 to cut the return without bootstrapping, as the original
 *   MAML code does with its linear baseline.
 * `agents/sampler.ts`'s `Path` satisfies {@link EpisodeRewards} as is. Batches of episodes are handled by
 * mapping over them and joining the results with {@link flattenEpisodes}.
 */

/** The parts of an episode that returns need (structurally satisfied by the sampler's `Path`). */
import { concatArrays } from '../envs/typed-arrays.js';
export interface EpisodeRewards {
  /** r_t for t = 0..T-1, [T]. */
  rewards: ArrayLike<number>;
  /** True when the task ended the episode (no bootstrap); false when it was truncated. */
  terminated: boolean;
}

/**
 * Discounted reward-to-go G_t = r_t + γ r_{t+1} + ... + γ^{T-1-t} (r_{T-1} + γ V_end), where V_end is 0 for a
 * terminated episode and `bootstrapValue` for a truncated one.
 * @param gamma discount γ in [0, 1].
 * @returns G, [T].
 */
export function discountedReturns(episode: EpisodeRewards, gamma: number, bootstrapValue = 0): Float32Array {
  checkUnit('gamma', gamma);
  const { rewards } = episode;
  const out = new Float32Array(rewards.length);
  let g = endValue(episode, bootstrapValue);
  for (let t = rewards.length - 1; t >= 0; t--) {
    g = rewards[t] + gamma * g;
    out[t] = g;
  }
  return out;
}

/**
 * One-step TD errors δ_t = r_t + γ V(s_{t+1}) − V(s_t), with V(s_T) = 0 after termination and `bootstrapValue`
 * after truncation.
 * @param values V(s_t), [T].
 * @returns δ, [T].
 */
export function tdErrors(episode: EpisodeRewards, values: ArrayLike<number>, gamma: number, bootstrapValue = 0): Float32Array {
  checkUnit('gamma', gamma);
  const { rewards } = episode;
  checkValues(rewards.length, values);
  const out = new Float32Array(rewards.length);
  for (let t = 0; t < rewards.length; t++) {
    const next = t + 1 < rewards.length ? values[t + 1] : endValue(episode, bootstrapValue);
    out[t] = rewards[t] + gamma * next - values[t];
  }
  return out;
}

/**
 * GAE(λ) advantages A_t = Σ_k (γλ)^k δ_{t+k} (Schulman et al. 2016), summed to the end of the episode.
 * λ = 1 gives G_t − V(s_t); λ = 0 gives δ_t.
 * @param values V(s_t), [T].
 * @param lambda λ in [0, 1].
 * @returns A, [T].
 */
export function gae(
  episode: EpisodeRewards,
  values: ArrayLike<number>,
  gamma: number,
  lambda: number,
  bootstrapValue = 0,
): Float32Array {
  checkUnit('lambda', lambda);
  const deltas = tdErrors(episode, values, gamma, bootstrapValue);
  const out = new Float32Array(deltas.length);
  let a = 0;
  for (let t = deltas.length - 1; t >= 0; t--) {
    a = deltas[t] + gamma * lambda * a;
    out[t] = a;
  }
  return out;
}

/**
 * Shift and scale advantages to mean 0 and (population) standard deviation 1: (A − mean) / (std + eps).
 * @param adv [N].
 * @returns [N]; all zeros when the advantages are all equal.
 */
export function normalizeAdvantages(adv: ArrayLike<number>, eps = 1e-8): Float32Array {
  const n = adv.length;
  if (n === 0) return new Float32Array(0);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += adv[i];
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (adv[i] - mean) ** 2;
  const scale = 1 / (Math.sqrt(variance / n) + eps);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (adv[i] - mean) * scale;
  return out;
}

/**
 * Join per-episode arrays ([T_1], [T_2], ...) into one batch array [N = Σ T_i], in order.
 */
export function flattenEpisodes(parts: readonly ArrayLike<number>[]): Float32Array {
  return concatArrays(parts, Float32Array);
}

/** V(s_T): 0 after termination, the bootstrap value after truncation. */
function endValue(episode: EpisodeRewards, bootstrapValue: number): number {
  if (!Number.isFinite(bootstrapValue)) throw new Error(`returns: bootstrapValue must be finite, got ${bootstrapValue}.`);
  return episode.terminated ? 0 : bootstrapValue;
}

function checkUnit(name: string, x: number): void {
  if (!(x >= 0 && x <= 1)) throw new Error(`returns: ${name} must lie in [0, 1], got ${x}.`);
}

function checkValues(length: number, values: ArrayLike<number>): void {
  if (values.length !== length) {
    throw new Error(`returns: values has length ${values.length}; expected one value per reward (${length}).`);
  }
}
