/**
 * The results table of evaluated runs (`metarl results <run>...`, the README's results table): one row per run —
 * env, learner, training budget (iterations, env steps, wall clock), the agent's return before adaptation and at
 * the last adaptation point against the random, multi-task fine-tuned and oracle baselines at that point, success
 * rate where the env defines it, and whether the agent adapts: better after adaptation than before AND than the
 * fine-tuned multi-task policy at the same adaptation budget, the 95% CIs apart (see {@link adaptationVerdict}).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readMetrics } from './metrics-log.js';
import { readEvalResult } from './plot-eval-file.js';
import type { CurveSummary, EvalResult } from './results.js';

/** Mean and 95% half-width at one curve point (ci NaN when there is no interval, n = 1). */
export interface PointEstimate {
  mean: number;
  ci: number;
}

/** One evaluated run as the results table shows it. */
export interface ResultRow {
  /** The run directory as given. */
  run: string;
  envId: string;
  algorithm: string;
  iterations: number;
  /** Env steps of training (per training seed when the evaluation is over several). */
  envSteps: number;
  /** Training wall clock in seconds (mean over training seeds). */
  trainSeconds: number;
  /** Name of the last adaptation point, e.g. `k=3` or `ep 2`. */
  after: string;
  agentBefore: PointEstimate;
  agentAfter: PointEstimate;
  /** Baselines at the same adaptation point (absent when not evaluated). */
  baselines: Partial<Record<'random' | 'multitask' | 'oracle', PointEstimate>>;
  /** The agent's success rate at the last point, where the env defines success. */
  successAfter?: PointEstimate;
  /** n and what the CIs are over. */
  n: number;
  ciOver: string;
  /** `yes`, or `no:` and the reason. */
  verdict: string;
}

/** The row of `runDir`, from its eval.json and its training metrics (or those of its training-seed runs). */
export async function resultRow(runDir: string): Promise<ResultRow> {
  const file = join(runDir, 'eval.json');
  if (!existsSync(file)) throw new Error(`${runDir} has no eval.json: run \`metarl eval ${runDir}\` first.`);
  const result = await readEvalResult(file);
  const trainings = (result.sources ?? [runDir]).map((source) => readMetrics(join(source, 'metrics.jsonl')).at(-1));
  const last = result.protocol.points - 1;
  const at = (curve: CurveSummary | undefined, point: number): PointEstimate | undefined =>
    curve && { mean: curve.mean[Math.min(point, curve.mean.length - 1)], ci: curve.ci95[Math.min(point, curve.ci95.length - 1)] };
  const agent = result.curves.agent;
  const baselines: ResultRow['baselines'] = {};
  for (const name of ['random', 'multitask', 'oracle'] as const) {
    const estimate = at(result.curves[name], last);
    if (estimate) baselines[name] = estimate;
  }
  const agentBefore = at(agent, 0)!;
  const agentAfter = at(agent, last)!;
  return {
    run: runDir,
    envId: result.envId,
    algorithm: agent.label,
    iterations: result.iteration,
    envSteps: trainings[0]?.totalEnvSteps ?? NaN,
    trainSeconds: trainings.reduce((s, r) => s + (r?.wallSeconds ?? NaN), 0) / trainings.length,
    after: result.protocol.axis === 'inner steps' ? `k=${last}` : `ep ${last + 1}`,
    agentBefore,
    agentAfter,
    baselines,
    successAfter: at(agent.successRate, last),
    n: agent.n,
    ciOver: result.protocol.ciOver ?? 'evaluation seeds',
    verdict: adaptationVerdict(agentBefore, agentAfter, baselines.multitask, at(result.curves.multitask, 0), adaptsWithinFirstEpisode(result)),
  };
}

/**
 * Whether the agent can adapt during its first episode: an in-context agent whose state changes within an episode
 * (RL2; files written before `adaptsWithinEpisode` was recorded count every trial-axis agent). PEARL's first
 * episode is its prior's, so being above the multi-task policy there is not adaptation.
 */
function adaptsWithinFirstEpisode(result: EvalResult): boolean {
  return result.protocol.axis === 'episode in trial' && result.protocol.adaptsWithinEpisode !== false;
}

/**
 * `yes` when the agent after adaptation is above itself before adaptation and above the fine-tuned multi-task
 * policy at the same point, each with the 95% intervals apart (lower end above the other's upper end). An
 * in-context learner that adapts within its first episode (episode 1 already above the multi-task policy's first
 * point, the last episode no better than the first) gets `yes, within episode 1`. Otherwise `no:` and the first
 * comparison that failed. Without intervals (n = 1) the means decide and the verdict says so.
 */
export function adaptationVerdict(before: PointEstimate, after: PointEstimate, multitask?: PointEstimate, multitaskBefore?: PointEstimate, inContext = false): string {
  const apart = (a: PointEstimate, b: PointEstimate) => a.mean - (Number.isFinite(a.ci) ? a.ci : 0) > b.mean + (Number.isFinite(b.ci) ? b.ci : 0);
  const noCi = !Number.isFinite(after.ci) ? ' (n=1, means only)' : '';
  if (!apart(after, before)) {
    const withinFirst = inContext && multitaskBefore !== undefined && apart(before, multitaskBefore) && (!multitask || apart(after, multitask));
    return withinFirst ? `yes, within episode 1: above multi-task from episode 1 on, later episodes no better${noCi}` : `no: after adaptation not above before with CIs apart${noCi}`;
  }
  if (!multitask) return `yes over before; multi-task not evaluated${noCi}`;
  if (!apart(after, multitask)) return `no: not above multi-task fine-tuned${noCi}`;
  return `yes${noCi}`;
}

/** The rows as a Markdown table (the README's format). */
export function resultsMarkdown(rows: readonly ResultRow[]): string {
  const header = ['run', 'env', 'learner', 'iterations', 'env steps', 'train time', 'before', 'after', 'random', 'multi-task + fine-tune', 'oracle', 'success after', 'CI over', 'adapts'];
  const lines = rows.map((r) => [
    r.run,
    r.envId,
    r.algorithm,
    String(r.iterations),
    formatSteps(r.envSteps),
    formatDuration(r.trainSeconds),
    estimate(r.agentBefore),
    `${estimate(r.agentAfter)} (${r.after})`,
    estimate(r.baselines.random),
    estimate(r.baselines.multitask),
    estimate(r.baselines.oracle),
    r.successAfter ? r.successAfter.mean.toFixed(2) : 'n/a',
    `${r.n} ${r.ciOver}`,
    r.verdict,
  ]);
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function estimate(e: PointEstimate | undefined): string {
  if (!e) return 'not evaluated';
  return Number.isFinite(e.ci) ? `${e.mean.toFixed(2)} ± ${e.ci.toFixed(2)}` : `${e.mean.toFixed(2)} (n=1)`;
}

function formatSteps(steps: number): string {
  if (!Number.isFinite(steps)) return '?';
  return steps >= 1e6 ? `${(steps / 1e6).toFixed(2)}M` : `${Math.round(steps / 1e3)}k`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  return seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(0)} s`;
}
