/**
 * The one interface every meta-learner implements (MAML, FOMAML, ProMP, Reptile, RL2, ...), so that one
 * training loop and one evaluator can drive any of them.
 *
 * A learner owns its policy parameters, its optimizer state and the vector envs it samples from; callers hand it
 * tasks and seeds. Everything random inside a call is derived from the `seed` argument (no unseeded global randomness), so
 * a call is reproducible from (state, tasks, seed).
 */
import type { Task } from '../../envs/types.js';
import type { Activation } from '../nets.js';
import type { AsyncBatchPolicy, BatchPolicy } from '../sampler.js';

/** Wall-clock time of one meta-iteration's phases, in milliseconds. */
export interface MetaTimings {
  /** Stepping the envs and acting (all rollouts of the iteration). */
  sampling: number;
  /**
   * Adaptation work outside the rollouts. MAML family: baseline fits, advantages and the inner gradient steps
   * that produce the adapted parameters used for the post-update rollouts. Recurrent learners (RL2): advantage
   * processing only (adaptation happens in the hidden state, during sampling).
   */
  inner: number;
  /** The meta-update (MAML: the TRPO step through the inner update; RL2: the PPO epochs). */
  outer: number;
  /** The whole call (≥ sampling + inner + outer). */
  total: number;
}

/** What one {@link MetaLearner.metaStep} did. Returns are undiscounted sums of rewards per episode. */
export interface MetaMetrics {
  /** Meta-iterations completed, counting this one (1 after the first call). */
  iteration: number;
  /**
   * Mean return before adaptation. MAML family: episodes of the unadapted policy θ (the first inner step's
   * samples). RL2: the first episode of each trial.
   */
  preReturn: number;
  /** Mean return after adaptation. MAML family: episodes of the adapted policies θ'. RL2: the last episode of each trial. */
  postReturn: number;
  /** Named losses, e.g. `{ inner, outerBefore, outerAfter }` (MAML) or `{ policy, value, entropy }` (RL2). */
  losses: Record<string, number>;
  /** Mean KL(π_old ‖ π_new) of the meta-update (NaN where the learner does not measure it). */
  kl: number;
  /** Env steps taken by this call (all rollouts). */
  envSteps: number;
  /** Episodes of this call truncated by a physics error (the env reported `info.physicsError`). */
  physicsErrors: number;
  timings: MetaTimings;
  /** Algorithm-specific diagnostics (e.g. TRPO `accepted`, `backtracks`, `cgIterations`). */
  info: Record<string, number | boolean>;
}

/** How to measure adaptation to one task. */
export interface AdaptationOptions {
  /** Seeds env resets and action noise of the whole measurement. */
  seed: number;
  /**
   * MAML family: episodes sampled with each policy θ_0..θ_k (K exploration episodes per step).
   * Recurrent (RL2): episodes per trial E (the hidden state is carried across them).
   */
  episodes: number;
  /** MAML family: inner gradient steps k (the curve has k + 1 points). Ignored by recurrent learners. */
  steps?: number;
  /**
   * Recurrent (RL2): independent trials averaged per episode index (default: learner's choice, ≥ 1).
   * Ignored by the MAML family (its `episodes` episodes already run in parallel).
   */
  trials?: number;
}

/** What {@link MetaLearner.adaptationCurve} measures, one entry per curve point. */
export interface AdaptationCurve {
  /** Mean undiscounted return of the point's episodes. */
  returns: number[];
  /**
   * Fraction of the point's episodes whose last step met the env's success criterion; absent when the env
   * defines no success.
   */
  successRates?: number[];
}

/** One policy to watch on its own env for `labels.length` consecutive episodes (state carried across them). */
export interface DemoRun {
  /**
   * A batched policy over ONE env (stateful policies keep their state across the run's episodes); an asynchronous
   * one (RL2's recurrent policy reads tensors back) is sampled with `sampleEpisodesAsync`.
   */
  policy: BatchPolicy | AsyncBatchPolicy;
  /** One label per episode, e.g. `after 1 step` or `episode 2`. */
  labels: string[];
}

/** How to watch a learner adapt to one task (viewers, replays). */
export interface AdaptationDemo {
  /** MAML family: one run per θ_0..θ_k with mean actions; RL2: one run of E episodes (a trial), mean actions. */
  runs: DemoRun[];
  /** The adaptation curve measured on the way (stochastic episodes, as {@link MetaLearner.adaptationCurve}). */
  curve: AdaptationCurve;
}

/** A tensor as plain data: row-major values and shape (checkpoints, worker messages). */
export interface TensorState {
  /** Optional name (e.g. an optimizer slot `policy/0/m`). */
  name?: string;
  shape: number[];
  /**
   * Row-major values, [prod(shape)]: float32 for tensors, float64 for JS-side statistics kept in double
   * precision (running means, penalty coefficients), so a restored learner continues bit for bit.
   */
  data: Float32Array | Float64Array;
}

/** Everything needed to resume a learner (configuration excluded: the caller rebuilds it from its config). */
export interface MetaLearnerState {
  /** The learner's {@link MetaLearner.name}; {@link MetaLearner.setState} rejects another learner's state. */
  name: string;
  /** Meta-iterations completed. */
  iteration: number;
  /** Parameter groups in a fixed order, e.g. `{ policy: [...] }` or `{ policy: [...], value: [...] }`. */
  params: Record<string, TensorState[]>;
  /** Optimizer slots (Adam moments, step counters as 1-element tensors); empty for TRPO. */
  optimizer: TensorState[];
  /**
   * Optional bulk data that resuming needs besides parameters, e.g. an off-policy learner's replay buffers
   * (PEARL: `replay`, `encoder`), keyed by a name of letters, digits, `_` and `-`. Checkpoints store each as a
   * binary sidecar file (`ckpt-<iteration>.<name>.bin`) referenced by byte length and sha256.
   */
  buffers?: Record<string, Float32Array>;
}

/**
 * How a learner adapts to a new task, which decides its adaptation curve's axis (see
 * {@link MetaLearner.adaptationCurve}): `gradient-steps` (MAML family: k inner steps, `episodes` = K episodes per
 * step) or `in-context` (recurrent: a trial of `episodes` = E episodes, adaptation in the hidden state).
 */
export interface AdaptationShape {
  kind: 'gradient-steps' | 'in-context';
  /** K episodes per inner step, or E episodes per trial. */
  episodes: number;
  /**
   * In-context learners: the name of each of the E episodes of a trial, as the viewer's lanes show them (default
   * `episode 1`, `episode 2`, ...; PEARL: `prior sample`, `after 1 context episode`, ...).
   */
  episodeLabels?: readonly string[];
  /**
   * In-context learners: whether the adapting state changes during an episode (RL2's recurrent state, every step:
   * the default) or only between episodes (PEARL's posterior, after each context episode, so its first episode is
   * the prior's and cannot have adapted).
   */
  adaptsWithinEpisode?: boolean;
}

/**
 * The policy network and inner step of a gradient-based learner, which the multi-task and oracle baselines copy
 * so that they are fine-tuned the same way (multitask-options.ts names).
 */
export interface FineTuneSettings {
  hidden: number[];
  activation: Activation;
  initLogStd: number;
  episodesPerTask: number;
  innerLr: number;
  gamma: number;
  gaeLambda: number;
  normalizeAdvantages: boolean;
}

/** A meta-reinforcement-learning algorithm. */
export interface MetaLearner {
  /** Algorithm name as results and checkpoints record it, e.g. `maml-trpo`, `fomaml-trpo`, `rl2-ppo`. */
  readonly name: string;
  /** How it adapts: by gradient steps or in context (decides the evaluation protocol and the viewer's lanes). */
  readonly adaptation: AdaptationShape;
  /** True when its meta-batch rollouts run on other processes (it was made with `LearnerContext.remote`). */
  readonly samplesRemotely?: boolean;
  /** Gradient-based learners: the settings the pretrained baselines copy (absent: the baselines' defaults). */
  fineTuneSettings?(): FineTuneSettings;
  /**
   * Learners with a learned inner update rule (Meta-SGD, the LSTM optimizer): their policy θ as plain data, which
   * the evaluation adapts with plain SGD (`fineTuneSettings().innerLr`) as the control "same θ, no learned rule".
   * Undefined (or absent) when the inner step is plain SGD already or there is no such θ.
   */
  policyForSgdControl?(): Promise<TensorState[] | undefined>;
  /** Learners with one Gaussian MLP policy θ: replace θ by `policy` (plain data with θ's shapes), nothing else. */
  setPolicy?(policy: readonly TensorState[]): void;
  /**
   * One meta-iteration on a batch of training tasks: sample, adapt, meta-update the learner's parameters.
   * @param taskBatch the meta-batch (M tasks).
   * @param seed seeds this call's env resets and action noise.
   */
  metaStep(taskBatch: readonly Task[], seed: number): Promise<MetaMetrics>;
  /**
   * Mean return (and success rate) on `task` as adaptation proceeds; the learner's own parameters are not changed.
   * - MAML family: entry s (s = 0..k) is the mean return of `episodes` episodes sampled with θ_s, where
   *   θ_0 = θ and θ_{s+1} is one inner step from θ_s on θ_s's episodes (length k + 1; entry 0 is the
   *   unadapted policy).
   * - Recurrent (RL2): entry e (e = 0..E−1) is the mean return of episode e of a trial of E = `episodes`
   *   episodes on the task, averaged over `trials` trials (length E).
   * Either way entry 0 is "before adaptation" and later entries are "after more experience of the task".
   */
  adaptationCurve(task: Task, options: AdaptationOptions): Promise<AdaptationCurve>;
  /**
   * The policies that show adaptation to `task` (same options as {@link adaptationCurve}); they read the
   * learner's current parameters, so use them before the next metaStep or dispose.
   */
  demo(task: Task, options: AdaptationOptions): Promise<AdaptationDemo>;
  /**
   * A deep copy of the learner's state (parameters, optimizer, iteration counter), taken now; asynchronous because
   * reading tensors back is (on the webgpu backend it can only be).
   */
  getState(): Promise<MetaLearnerState>;
  /** Replace the state with a copy of `state`; throws when its name or shapes do not match this learner. */
  setState(state: MetaLearnerState): void;
  /** Free tensors and close envs. The learner is unusable afterwards. */
  dispose(): void;
}
