/**
 * rxjs adapters over a VecEnv: batched rollouts and per-sub-env episode summaries as Observables.
 *
 * Like the single-env adapters in `rx.ts`: cold, synchronous on subscribe, and cooperative (the loop checks
 * `subscriber.closed` before every step, so `take(n)` or an unsubscribe stops stepping immediately).
 */
import { Observable, defer, from, mergeMap, scan } from 'rxjs';
import { accumulateEpisode, emptyEpisode, type EpisodeSummary } from './rx-episode.js';
import type { VecEnv, VecStepResult } from './types.js';

/** A batched policy: observations [numEnvs*obsDim] -> actions [numEnvs*actDim]. It must not keep or mutate `obs`. */
export type VecPolicy = (obs: Float32Array) => ArrayLike<number>;

/** Options for vector-env rollouts. */
export interface VecRolloutOptions {
  /** Seed for the initial reset (env i gets `seed + i`); without one the envs' own streams continue. */
  seed?: number;
  /** Vector steps to take before completing. */
  steps: number;
}

/** One vector step: the observations and actions it was computed from, and what the VecEnv returned. */
export interface VecTransition {
  /** Vector steps taken after this one, from 1. */
  step: number;
  /** Observations the actions were computed from, [numEnvs*obsDim]. */
  obs: Float32Array;
  /** Actions passed to `vecEnv.step`, [numEnvs*actDim]. */
  actions: Float32Array;
  /** The VecEnv's result; `result.obs` already holds first observations for envs that finished (autoreset). */
  result: VecStepResult;
}

/** A finished episode of sub-env `envIndex` (its `episode` counts that env's episodes, from 0). */
export interface VecEpisodeSummary extends EpisodeSummary {
  envIndex: number;
}

/** Resets `vecEnv` once, then emits one {@link VecTransition} per vector step for `options.steps` steps. */
export function vecTransitions$(vecEnv: VecEnv, policy: VecPolicy, options: VecRolloutOptions): Observable<VecTransition> {
  return new Observable<VecTransition>((subscriber) => {
    let obs = vecEnv.reset(options.seed).slice();
    for (let step = 1; step <= options.steps && !subscriber.closed; step++) {
      const actions = Float32Array.from(policy(obs.slice()));
      const result = vecEnv.step(actions);
      subscriber.next({ step, obs, actions, result });
      obs = result.obs.slice();
    }
    subscriber.complete();
  });
}

/**
 * One {@link VecEpisodeSummary} per episode of any sub-env that finishes within `options.steps` vector
 * steps, in env order within a step. Returns add the VecEnv's float32 rewards; reward terms sum the
 * infos' doubles. The task is read with `getTasks()` at each episode's first step.
 */
export function vecEpisodes$(vecEnv: VecEnv, policy: VecPolicy, options: VecRolloutOptions): Observable<VecEpisodeSummary> {
  const fresh = (envIndex: number, episode: number): VecEpisodeSummary => ({ ...emptyEpisode(episode, {}), envIndex });
  return defer(() => {
    const start = { running: Array.from({ length: vecEnv.numEnvs }, (_, i) => fresh(i, 0)), finished: [] as VecEpisodeSummary[] };
    return vecTransitions$(vecEnv, policy, options).pipe(
      scan((state, { result }) => {
        const tasks = state.running.some((s) => s.length === 0) ? vecEnv.getTasks() : [];
        const finished: VecEpisodeSummary[] = [];
        const running = state.running.map((s, i) => {
          if (s.length === 0) s.task = tasks[i];
          accumulateEpisode(s, { reward: result.rewards[i], terminated: result.terminated[i] === 1, truncated: result.truncated[i] === 1, info: result.infos[i] });
          if (!s.terminated && !s.truncated) return s;
          finished.push(s);
          return fresh(i, s.episode + 1);
        });
        return { running, finished };
      }, start),
      mergeMap((state) => from(state.finished)),
    );
  });
}
