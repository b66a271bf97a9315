/**
 * The plain-JSON records a run writes: one {@link IterationRecord} per meta-iteration (metrics.jsonl /
 * metrics.csv) and one {@link EvalResult} per evaluation (eval.json). Plots and reports read only these.
 */
import type { EnvCard, Task } from '../envs/types.js';
import type { MetaMetrics } from '../agents/meta/types.js';

/**
 * One meta-iteration of a training run (a line of metrics.jsonl): the learner's {@link MetaMetrics} (returns are
 * NaN when the update was skipped) plus the run's bookkeeping.
 */
export interface IterationRecord extends MetaMetrics {
  /** Env steps since the start of the run (all iterations, resumed ones included). */
  totalEnvSteps: number;
  /** Wall-clock seconds since the run started (training time only, summed across resumes). */
  wallSeconds: number;
  /** Why the iteration's update was skipped (e.g. a NaN loss); absent when it was applied. */
  skipped?: string;
}

/** Mean and 95% confidence half-width of a quantity measured at each point of a curve. */
export interface CurveSummary {
  /** Mean over seeds, one entry per curve point. */
  mean: number[];
  /** Half-width of the 95% Student-t confidence interval of the mean over seeds; NaN (null in JSON) when n = 1. */
  ci95: number[];
  /** Seeds the mean and interval are over (see {@link EvalResult} `protocol.ciOver` for which seeds). */
  n: number;
}

/**
 * What a confidence interval is over: the evaluation seeds of one trained agent (rollout noise only), or the
 * training seeds of independently trained agents (what the literature reports).
 */
export type CiOver = 'evaluation seeds' | 'training seeds';

/** One policy's adaptation curve on the held-out tasks. */
export interface EvalCurve extends CurveSummary {
  /** Legend label, e.g. "MAML-TRPO", "random", "multi-task + fine-tune", "oracle". */
  label: string;
  /** Per seed (see `protocol.ciOver`): the curve averaged over the test tasks (and evaluation seeds), [seeds][points]. */
  perSeed: number[][];
  /** Success rate (fraction of episodes whose last step met the env's success criterion), where defined. */
  successRate?: CurveSummary;
}

/** What `metarl eval` writes to eval.json. */
export interface EvalResult {
  /** File format marker and version. */
  format: 'metarl-eval/1';
  /** ISO time the evaluation finished. */
  createdAt: string;
  /** The run directory or checkpoint evaluated (the first of `sources` when several training seeds were). */
  source: string;
  /** Every run evaluated, one per training seed (present when the CI is over training seeds). */
  sources?: string[];
  envId: string;
  /** Learner name, e.g. `maml-trpo`, `rl2-ppo`. */
  algorithm: string;
  /** Meta-iterations the evaluated agent had completed. */
  iteration: number;
  /** The experiment config (as validated). */
  config: unknown;
  envCard: EnvCard;
  envCardHash: string;
  /** TF.js backend used. */
  backend: string;
  /** Versions of node, metarl and the packages results depend on. */
  versions: Record<string, string>;
  protocol: {
    /** What the curve's x axis counts: inner gradient steps (MAML family) or episodes of a trial (RL2). */
    axis: 'inner steps' | 'episode in trial';
    /** Curve points: k + 1 (MAML family) or E (RL2). */
    points: number;
    /** Episodes per policy per point (MAML family: K) or trials averaged per point (RL2). */
    episodes: number;
    /** Which tasks: the env's held-out test split (never trained on), or training tasks (generalisation gap). */
    split: 'test' | 'train';
    /** The tasks evaluated on. */
    tasks: Task[];
    /** Evaluation seeds: env resets and action noise. */
    seeds: number[];
    /** What the CIs are over (absent in files written before it was recorded: evaluation seeds). */
    ciOver?: CiOver;
    /** The training seeds of the runs, when the CI is over training seeds. */
    trainingSeeds?: number[];
    /** Training iterations of the multi-task and oracle baselines (absent in files written before it was recorded). */
    baselineIterations?: number;
    /**
     * Episodes of a trial: whether the agent's adapting state changes during an episode (RL2) or only between
     * episodes (PEARL). Absent in files written before it was recorded: read as "during" for every trial.
     */
    adaptsWithinEpisode?: boolean;
  };
  /** `agent` first, then the baselines (`random`, `multitask`, `oracle`) that were evaluated. */
  curves: Record<string, EvalCurve>;
  /** Wall-clock seconds the evaluation took. */
  wallSeconds: number;
}
