/**
 * Episode summaries for the rxjs adapters: the summary shape and the per-step accumulation shared by the
 * single-env (`rx.ts`) and vector-env (`rx-vec.ts`) streams.
 */
import type { StepInfo, Task } from './types.js';

/** One finished episode. */
export interface EpisodeSummary {
  /** Episode index within the rollout (per env for vector envs), from 0. */
  episode: number;
  /** Undiscounted sum of rewards, added in step order. */
  return: number;
  /** Steps in the episode. */
  length: number;
  /** Ended by the task's own rule. */
  terminated: boolean;
  /** Cut by the horizon, a physics error or `maxSteps`. */
  truncated: boolean;
  /** The task the episode ran with. */
  task: Task;
  /** Sum over the episode of each reward term, by term name. */
  rewardTerms: Record<string, number>;
  /** `info.success` of the last step, where the env defines success. */
  success?: boolean;
  /** The physics-error message, when the physics diverged (the episode was truncated). */
  physicsError?: string;
}

/** What one step contributes to a summary (a Transition, or one env's slice of a VecStepResult). */
export interface EpisodeStep {
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: StepInfo;
}

/** A summary of an episode with no steps yet. */
export function emptyEpisode(episode: number, task: Task): EpisodeSummary {
  return { episode, return: 0, length: 0, terminated: false, truncated: false, task, rewardTerms: {} };
}

/** Add one step to `summary` (mutated and returned). */
export function accumulateEpisode(summary: EpisodeSummary, step: EpisodeStep): EpisodeSummary {
  summary.return += step.reward;
  summary.length += 1;
  summary.terminated = step.terminated;
  summary.truncated = step.truncated;
  for (const [name, value] of Object.entries(step.info.rewardTerms)) summary.rewardTerms[name] = (summary.rewardTerms[name] ?? 0) + value;
  if (step.info.success === undefined) delete summary.success;
  else summary.success = step.info.success;
  if (step.info.physicsError !== undefined) summary.physicsError = step.info.physicsError;
  return summary;
}
