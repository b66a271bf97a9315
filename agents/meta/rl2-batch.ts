/**
 * RL2 training data: the sampler's paths grouped into trials (E consecutive episodes of one env/task), packed
 * time-major and zero-padded into arrays [T, B, ·] (T = longest trial, B = trials), plus GAE over each trial.
 *
 * A trial is ONE RL sequence: its inputs are rebuilt exactly as {@link Rl2TrialPolicy} built them while acting
 * (`[obs, prevAction, prevReward, done]`, with zeros and done = 1 at each episode start), and its advantages run
 * over the concatenated rewards of its episodes. The end of a trial is terminal (value 0): the hidden state is
 * reset there, so nothing after it belongs to the same sequence.
 */
import { rl2InputDim } from '../policies.js';
import { flattenEpisodes, gae } from '../returns.js';
import { pathReturn, type Path } from '../sampler.js';

/** One trial: the E episodes of one env, in order. */
export interface Trial {
  envIndex: number;
  paths: Path[];
  /** Total steps (sum of the episode lengths). */
  length: number;
}

/** A packed batch of B trials, time-major: entry (t, b) of a [T, B, w] array is at (t*B + b)*w. */
export interface TrialBatch {
  /** Padded trial length T (the longest trial). */
  T: number;
  /** Trials B. */
  B: number;
  inputDim: number;
  actDim: number;
  /** Raw RL2 inputs [T*B*inputDim] (zeros on padding). */
  xs: Float32Array;
  /** Actions taken [T*B*actDim] (zeros on padding). */
  actions: Float32Array;
  /** 1 on real steps, 0 on padding, [T*B]. */
  mask: Float32Array;
  /** Rewards [T*B] (0 on padding). */
  rewards: Float32Array;
  /**
   * The value head's time inputs [T*B*2] (0 on padding): the time left in the step's episode and in its trial, as
   * fractions of the horizon H and of the nominal trial E·H: (H − k)/H and (E·H − e·H − k)/(E·H) at step k of
   * episode e (both 0-based). See {@link trialTimes}.
   */
  times: Float32Array;
  /** Steps of each trial, [B]. */
  lengths: number[];
}

/**
 * Group paths (as `sampleEpisodes` returns them: sorted by env, then episode) into one trial per env.
 * @throws when an env does not have exactly `episodesPerTrial` episodes.
 */
export function groupTrials(paths: readonly Path[], episodesPerTrial: number): Trial[] {
  const byEnv = new Map<number, Path[]>();
  for (const p of paths) byEnv.set(p.envIndex, [...(byEnv.get(p.envIndex) ?? []), p]);
  return [...byEnv.entries()]
    .sort(([a], [b]) => a - b)
    .map(([envIndex, ps]) => {
      if (ps.length !== episodesPerTrial) throw new Error(`groupTrials: env ${envIndex} has ${ps.length} episodes; expected ${episodesPerTrial}.`);
      ps.sort((a, b) => a.episode - b.episode);
      return { envIndex, paths: ps, length: ps.reduce((n, p) => n + p.length, 0) };
    });
}

/**
 * The RL2 input rows of one trial, [length * rl2InputDim(obsDim, actDim)]: row t is `[o_t, a_{t-1}, r_{t-1}, d]`
 * with d = 1 at an episode's first step. The previous action and reward run across episode boundaries (the first
 * step of episode e sees the last action and reward of episode e - 1, as in Duan et al.); the trial's first row
 * has zeros there.
 */
export function trialInputs(trial: Trial, obsDim: number, actDim: number): Float32Array {
  const width = rl2InputDim(obsDim, actDim);
  const out = new Float32Array(trial.length * width);
  const actions = trialField(trial, 'actions');
  const rewards = trialField(trial, 'rewards');
  let row = 0;
  for (const path of trial.paths) {
    for (let t = 0; t < path.length; t++, row++) {
      const o = row * width;
      out.set(path.obs.subarray(t * obsDim, (t + 1) * obsDim), o);
      if (row > 0) {
        out.set(actions.subarray((row - 1) * actDim, row * actDim), o + obsDim);
        out[o + obsDim + actDim] = rewards[row - 1];
      }
      if (t === 0) out[o + width - 1] = 1; // done flag: an episode starts
    }
  }
  return out;
}

/** Concatenate one field of a trial's paths, [length * width]. */
function trialField(trial: Trial, field: 'actions' | 'rewards'): Float32Array {
  return flattenEpisodes(trial.paths.map((p) => p[field]));
}

/** Write the rows [len * width] of trial b into a time-major array [T*B*width]. */
function scatterTimeMajor(dst: Float32Array, src: Float32Array, b: number, B: number, width: number): void {
  const len = src.length / width;
  for (let t = 0; t < len; t++) dst.set(src.subarray(t * width, (t + 1) * width), (t * B + b) * width);
}

/** Entries of a step's time input (time left in the episode, time left in the trial). */
export const TIME_INPUTS = 2;

/**
 * The time inputs of one trial's steps, [length * 2]: (H − k)/H and (E·H − e·H − k)/(E·H) at step k of episode e
 * (0-based), with H = `horizon` and E = the trial's episodes. A finite trial's value depends on the steps left,
 * which a recurrent state cannot count reliably; giving them to the value head (not to the policy) removes that
 * error from the advantages without changing what the policy can condition on.
 */
export function trialTimes(trial: Trial, horizon: number): Float32Array {
  const trialSteps = trial.paths.length * horizon;
  const out = new Float32Array(trial.length * TIME_INPUTS);
  let row = 0;
  trial.paths.forEach((path, e) => {
    for (let k = 0; k < path.length; k++, row++) {
      out[row * TIME_INPUTS] = (horizon - k) / horizon;
      out[row * TIME_INPUTS + 1] = (trialSteps - e * horizon - k) / trialSteps;
    }
  });
  return out;
}

/** Pack trials into a time-major, zero-padded {@link TrialBatch}; `horizon` (H) scales the time inputs. */
export function packTrials(trials: readonly Trial[], obsDim: number, actDim: number, horizon: number): TrialBatch {
  const B = trials.length;
  const T = Math.max(...trials.map((tr) => tr.length));
  const inputDim = rl2InputDim(obsDim, actDim);
  const batch: TrialBatch = {
    T, B, inputDim, actDim,
    xs: new Float32Array(T * B * inputDim),
    actions: new Float32Array(T * B * actDim),
    mask: new Float32Array(T * B),
    rewards: new Float32Array(T * B),
    times: new Float32Array(T * B * TIME_INPUTS),
    lengths: trials.map((tr) => tr.length),
  };
  trials.forEach((trial, b) => {
    scatterTimeMajor(batch.xs, trialInputs(trial, obsDim, actDim), b, B, inputDim);
    scatterTimeMajor(batch.actions, trialField(trial, 'actions'), b, B, actDim);
    scatterTimeMajor(batch.rewards, trialField(trial, 'rewards'), b, B, 1);
    scatterTimeMajor(batch.times, trialTimes(trial, horizon), b, B, TIME_INPUTS);
    scatterTimeMajor(batch.mask, new Float32Array(trial.length).fill(1), b, B, 1);
  });
  return batch;
}

/**
 * GAE(λ) advantages and λ-return value targets over each whole trial (episode boundaries inside a trial do not
 * cut the recursion; the trial end is terminal).
 * @param values V(s_t) [T*B], time-major (padding ignored).
 * @returns `adv` and `targets` [T*B], time-major, 0 on padding.
 */
export function trialAdvantages(batch: TrialBatch, values: Float32Array, gamma: number, lambda: number): { adv: Float32Array; targets: Float32Array } {
  const { T, B } = batch;
  const adv = new Float32Array(T * B);
  const targets = new Float32Array(T * B);
  batch.lengths.forEach((len, b) => {
    const col = (src: Float32Array) => Float32Array.from({ length: len }, (_, t) => src[t * B + b]);
    const v = col(values);
    const a = gae({ rewards: col(batch.rewards), terminated: true }, v, gamma, lambda);
    for (let t = 0; t < len; t++) {
      adv[t * B + b] = a[t];
      targets[t * B + b] = a[t] + v[t];
    }
  });
  return { adv, targets };
}

/** Columns `cols` (trials) of a time-major array [T*B*width] -> [T*cols.length*width]. */
export function selectTrials(src: Float32Array, T: number, B: number, width: number, cols: readonly number[]): Float32Array {
  const out = new Float32Array(T * cols.length * width);
  for (let t = 0; t < T; t++) {
    cols.forEach((b, k) => out.set(src.subarray((t * B + b) * width, (t * B + b + 1) * width), (t * cols.length + k) * width));
  }
  return out;
}

/** Write `src` [T*cols.length*width] (columns `cols` of a batch, time-major) into `dst` [T*B*width]: inverse of {@link selectTrials}. */
export function scatterTrials(dst: Float32Array, src: Float32Array, T: number, B: number, width: number, cols: readonly number[]): void {
  for (let t = 0; t < T; t++) {
    cols.forEach((b, k) => dst.set(src.subarray((t * cols.length + k) * width, (t * cols.length + k + 1) * width), (t * B + b) * width));
  }
}

/** Mean undiscounted return of episode e of the trials, for e = 0..E-1 ([E]). */
export function returnPerEpisode(trials: readonly Trial[]): number[] {
  const E = trials[0]?.paths.length ?? 0;
  return Array.from({ length: E }, (_, e) => trials.reduce((s, tr) => s + pathReturn(tr.paths[e]), 0) / trials.length);
}
