/**
 * rxjs adapters over a single Env: rollouts as Observables, for viewers and loggers.
 *
 * Every Observable here is cold, synchronous on subscribe and cooperative: subscribing runs the rollout
 * loop at once, and the loop checks `subscriber.closed` before every env step, so `take(n)` or an
 * unsubscribe stops stepping immediately. Each subscription resets the env and drives it; do not subscribe
 * twice to rollouts of one env at the same time. Vector-env variants live in `rx-vec.ts`
 * and are re-exported here, so `rx.ts` is the one import for all adapters.
 */
import { Observable, filter, map, scan } from 'rxjs';
import { accumulateEpisode, emptyEpisode, type EpisodeSummary } from './rx-episode.js';
import type { Env, StepInfo, Task } from './types.js';

export type { EpisodeSummary } from './rx-episode.js';
export { vecEpisodes$, vecTransitions$, type VecEpisodeSummary, type VecPolicy, type VecRolloutOptions, type VecTransition } from './rx-vec.js';

/** A policy for one env: observation [obsDim] -> action [actDim]. It must not keep or mutate `obs`. */
export type Policy = (obs: Float32Array) => ArrayLike<number>;

/** Options for single-env rollouts. */
export interface RolloutOptions {
  /** Seed for the first reset only; later resets continue the env's own stream (Gymnasium style). */
  seed?: number;
  /** Episodes to run before completing. Default 1. */
  episodes?: number;
  /**
   * Per-episode step limit (a TimeLimit wrapper): an episode still running after `maxSteps` steps is cut,
   * its last transition reported with `truncated: true`. Default: no limit beyond the env's own horizon.
   */
  maxSteps?: number;
}

/** One env step, with private copies of everything (safe to keep). */
export interface Transition {
  /** Observation the action was computed from, [obsDim]. */
  obs: Float32Array;
  /** Action passed to `env.step` (as returned by the policy, before the env clips it), [actDim]. */
  action: Float32Array;
  reward: number;
  /** Observation after the step, [obsDim]. */
  nextObs: Float32Array;
  terminated: boolean;
  /** The env truncated the episode, or `maxSteps` was reached. */
  truncated: boolean;
  info: StepInfo;
  /** Episode index within this rollout, from 0. */
  episode: number;
  /** Steps taken in this episode after this one, from 1 (equals `info.episodeStep`). */
  step: number;
}

/** The event stream behind the single-env adapters: a reset, then the steps of that episode, repeated. */
export type RolloutEvent =
  | { kind: 'reset'; episode: number; /** First observation, [obsDim]. */ obs: Float32Array; task: Task }
  | { kind: 'step'; transition: Transition };

/** One rendered instant: the robot's body poses after `step` steps of `episode` (step 0: right after reset). */
export interface Frame {
  episode: number;
  step: number;
  /** `env.bodyPoses()`: per body position xyz (m) then quaternion xyzw, relative to the robot origin, [numBodies*7]. */
  poses: Float32Array;
  /** Reward of the step that led here (0 for the reset frame). */
  reward: number;
}

/**
 * Resets and steps `env` with `policy`, emitting a `reset` event per episode and a `step` event per step,
 * then completes after `options.episodes` episodes. Events are emitted before the next env call, so
 * reading the env (e.g. `bodyPoses()`) synchronously in an operator sees the state of that event.
 */
export function rollout$(env: Env, policy: Policy, options: RolloutOptions = {}): Observable<RolloutEvent> {
  const { seed, episodes = 1, maxSteps = Infinity } = options;
  return new Observable<RolloutEvent>((subscriber) => {
    for (let episode = 0; episode < episodes && !subscriber.closed; episode++) {
      const start = env.reset(episode === 0 && seed !== undefined ? { seed } : {});
      let obs = start.obs.slice();
      subscriber.next({ kind: 'reset', episode, obs: obs.slice(), task: start.info.task });
      for (let step = 1, done = false; !done && !subscriber.closed; step++) {
        const action = Float32Array.from(policy(obs.slice()));
        const r = env.step(action);
        const truncated = r.truncated || (!r.terminated && step >= maxSteps);
        const nextObs = r.obs.slice();
        subscriber.next({ kind: 'step', transition: { obs, action, reward: r.reward, nextObs: nextObs.slice(), terminated: r.terminated, truncated, info: r.info, episode, step } });
        obs = nextObs;
        done = r.terminated || truncated;
      }
    }
    subscriber.complete();
  });
}

/** One {@link Transition} per env step over `options.episodes` episodes (default 1); see {@link rollout$}. */
export function transitions$(env: Env, policy: Policy, options: RolloutOptions = {}): Observable<Transition> {
  return rollout$(env, policy, options).pipe(
    filter((e) => e.kind === 'step'),
    map((e) => e.transition),
  );
}

/** One {@link EpisodeSummary} per finished episode (an episode cut short by unsubscribing is not reported). */
export function episodes$(env: Env, policy: Policy, options: RolloutOptions = {}): Observable<EpisodeSummary> {
  return rollout$(env, policy, options).pipe(
    scan((acc: EpisodeSummary, e) => (e.kind === 'reset' ? emptyEpisode(e.episode, e.task) : accumulateEpisode(acc, e.transition)), emptyEpisode(-1, {})),
    filter((s) => s.length > 0 && (s.terminated || s.truncated)),
  );
}

/** A {@link Frame} after every reset (step 0) and after every env step, for viewers; poses are read as each event is emitted. */
export function frames$(env: Env, policy: Policy, options: RolloutOptions = {}): Observable<Frame> {
  return rollout$(env, policy, options).pipe(
    map((e) =>
      e.kind === 'reset'
        ? { episode: e.episode, step: 0, poses: env.bodyPoses(), reward: 0 }
        : { episode: e.transition.episode, step: e.transition.step, poses: env.bodyPoses(), reward: e.transition.reward },
    ),
  );
}
