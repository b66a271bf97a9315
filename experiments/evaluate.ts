/**
 * The evaluation protocol (DESIGN.md) on held-out tasks: the agent's adaptation curve (MAML family: return
 * after 0..k inner steps; RL2: return per episode of a trial) next to the baselines (random, pretrained
 * multi-task fine-tuned with the same inner step, oracle; for a learned inner rule also the agent's θ adapted by
 * plain SGD), mean ± 95% CI over evaluation seeds (the CI over
 * training seeds of several runs is evaluate-runs.ts), success rate where the env defines success. Writes eval.json (with config, env card, versions, backend and seeds) and
 * the plots.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { initBackend } from '../agents/backend.js';
import type { AdaptationCurve, MetaLearner } from '../agents/meta/types.js';
import { drawTrainingTasks, envSpec, makeVecEnv, Rng } from '../envs/index.js';
import type { Task, VecEnv } from '../envs/types.js';
import { writeFileAtomic } from './atomic-file.js';
import { pretrainedBaseline } from './baselines.js';
import { loadCheckpoint, type Checkpoint } from './checkpoint.js';
import { loadConfigModules } from './config-file.js';
import type { BaselineName, ExperimentConfig } from './config.js';
import { createBaselineLearner, createLearner, envOptions, learnerLabel, samplingWorkers } from './learners.js';
import { versions } from './package-info.js';
import { writePlots } from './plots.js';
import { randomPolicyCurve } from './random-curve.js';
import type { EvalCurve, EvalResult } from './results.js';
import { summarize } from './stats.js';

/** Overrides of the config's `eval` section (command-line flags). */
export interface EvalOptions {
  /** Tasks to evaluate on: the first N of the env's held-out test split (default) or N training tasks. */
  tasks?: number;
  split?: 'test' | 'train';
  /** Evaluation seeds. */
  seeds?: number;
  /** MAML family: inner steps k. */
  steps?: number;
  /** Episodes per point (MAML family) or trials per task (RL2). */
  episodes?: number;
  baselines?: BaselineName[];
  /** Training iterations of the multi-task and oracle baselines (default: config eval.baselineIterations). */
  baselineIterations?: number;
  /** Worker threads for sampling (default: one per core when there are several). */
  workers?: number;
  log: (line: string) => void;
}

/** The resolved protocol of one evaluation. */
interface Protocol {
  recurrent: boolean;
  /** Recurrent agents: the adapting state changes during an episode (RL2), not only between episodes (PEARL). */
  adaptsWithinEpisode: boolean;
  /** Threads stepping the sampling envs. */
  workers: number;
  split: 'test' | 'train';
  /** Curve points: k + 1, or E. */
  points: number;
  episodes: number;
  tasks: Task[];
  seeds: number[];
  /** Training iterations of the multi-task and oracle baselines. */
  baselineIterations: number;
}

/** Evaluate the run or checkpoint at `path`; writes `eval.json` and plots into the run directory. */
export async function evaluate(path: string, options: EvalOptions): Promise<{ result: EvalResult; file: string; plots: string[] }> {
  const started = performance.now();
  const { checkpoint, file } = loadCheckpoint(path);
  const config = checkpoint.config;
  const runDir = runDirOf(file);
  await loadConfigModules(config.modules);
  const backend = await initBackend(config.backend, options.log);
  const workers = samplingWorkers(options.workers);
  const agent = await createLearner(config, workers);
  agent.setState(checkpoint.learner);
  const protocol = resolveProtocol(config, agent, workers, options);
  options.log(`metarl: evaluating ${agent.name} (iteration ${checkpoint.iteration}) on ${protocol.tasks.length} held-out tasks x ${protocol.seeds.length} seeds`);
  try {
    const curves = await evaluateAll(agent, config, protocol, runDir, options);
    const result = await resultOf(checkpoint, resolve(path), backend.name, protocol, curves, (performance.now() - started) / 1000);
    const out = join(runDir, 'eval.json');
    writeFileAtomic(out, `${JSON.stringify(result, null, 2)}\n`);
    return { result, file: out, plots: await writePlots(runDir) };
  } finally {
    agent.dispose();
  }
}

/** The run directory of a checkpoint file (`<run>/checkpoints/ckpt-*.json`), else the file's directory. */
function runDirOf(checkpointFile: string): string {
  const dir = dirname(resolve(checkpointFile));
  return basename(dir) === 'checkpoints' && existsSync(join(dirname(dir), 'config.json')) ? dirname(dir) : dir;
}

function resolveProtocol(config: ExperimentConfig, agent: MetaLearner, workers: number, o: EvalOptions): Protocol {
  const recurrent = agent.adaptation.kind === 'in-context';
  const e = config.eval;
  const seeds = o.seeds ?? e.seeds;
  return {
    recurrent,
    adaptsWithinEpisode: recurrent && agent.adaptation.adaptsWithinEpisode !== false,
    workers,
    split: o.split ?? 'test',
    points: recurrent ? agent.adaptation.episodes : (o.steps ?? e.steps) + 1,
    episodes: o.episodes ?? e.episodes ?? (recurrent ? IN_CONTEXT_EVAL_TRIALS : agent.adaptation.episodes),
    tasks: evalTasks(config, o.split ?? 'test', o.tasks ?? e.tasks),
    seeds: Array.from({ length: seeds }, (_, s) => s),
    baselineIterations: o.baselineIterations ?? e.baselineIterations ?? config.iterations,
  };
}

/** The first `n` test tasks, or `n` training tasks drawn from a fixed seed of the run (PEARL's training tasks). */
function evalTasks(config: ExperimentConfig, split: 'test' | 'train', n: number): Task[] {
  const tasks = envSpec(config.env).def.tasks;
  return split === 'test' ? tasks.testTasks(n) : drawTrainingTasks(tasks, Rng.fromSeed(config.seed).fork().fork(), n);
}

/** Trials per task and point for an in-context agent when the config does not say. */
const IN_CONTEXT_EVAL_TRIALS = 10;

/** A way to measure one policy's curve on one task with one seed. */
type CurveFn = (task: Task, seed: number) => Promise<AdaptationCurve>;

async function evaluateAll(agent: MetaLearner, config: ExperimentConfig, p: Protocol, runDir: string, o: EvalOptions): Promise<Record<string, EvalCurve>> {
  const curves: Record<string, EvalCurve> = { agent: await measure(learnerLabel(config), p, agentCurve(agent, p)) };
  for (const name of o.baselines ?? config.eval.baselines) {
    o.log(`metarl: baseline ${name}`);
    if (name === 'random') curves.random = await measureRandom(config, p);
    else if (name === 'sgd-same-init') {
      const control = await measureSgdControl(agent, config, p);
      if (control) curves[name] = control;
      else o.log(`metarl: 'sgd-same-init' needs a learner with a learned inner rule (Meta-SGD, the LSTM optimizer); ${agent.name} has none (skipped)`);
    } else curves[name] = await measurePretrained(name, agent, config, p, runDir, o);
  }
  return curves;
}

/**
 * The agent's θ adapted by plain SGD with its `innerLr` (the multi-task baseline's inner step, no training), for a
 * learner with a learned inner rule: what its rule adds over SGD from the same initialisation. Undefined otherwise.
 */
async function measureSgdControl(agent: MetaLearner, config: ExperimentConfig, p: Protocol): Promise<EvalCurve | undefined> {
  const policy = await agent.policyForSgdControl?.();
  if (!policy || p.recurrent) return undefined;
  const control = await createBaselineLearner('multitask', config, agent, p.workers);
  try {
    control.setPolicy(policy);
    return await measure(`same θ + SGD (α = ${control.config.innerLr})`, p, gradientCurve(control, p.episodes, p.points));
  } finally {
    control.dispose();
  }
}

/** The agent's curve: a trial of E episodes (recurrent) or k inner steps (gradient-based). */
function agentCurve(agent: MetaLearner, p: Protocol): CurveFn {
  return p.recurrent
    ? (task, seed) => agent.adaptationCurve(task, { seed, episodes: p.points, trials: p.episodes })
    : gradientCurve(agent, p.episodes, p.points);
}

/** `points` points of a gradient-based learner's curve, `episodes` episodes each. */
function gradientCurve(learner: MetaLearner, episodes: number, points: number): CurveFn {
  return (task, seed) => learner.adaptationCurve(task, { seed, episodes, steps: points - 1 });
}

async function measureRandom(config: ExperimentConfig, p: Protocol): Promise<EvalCurve> {
  const vec: VecEnv = await makeVecEnv(config.env, p.episodes, envOptions(config), { workers: p.workers });
  try {
    return await measure('random', p, async (task, seed) => randomPolicyCurve(vec, task, p.points, seed));
  } finally {
    vec.close();
  }
}

async function measurePretrained(kind: 'multitask' | 'oracle', agent: MetaLearner, config: ExperimentConfig, p: Protocol, runDir: string, o: EvalOptions): Promise<EvalCurve> {
  const baseline = await pretrainedBaseline(kind, config, agent, { runDir, iterations: p.baselineIterations, workers: p.workers, log: o.log });
  try {
    const points = kind === 'oracle' ? 1 : p.points;
    const label = kind === 'oracle' ? 'oracle (task observed)' : 'multi-task + fine-tune';
    return await measure(label, p, gradientCurve(baseline, p.episodes, points));
  } finally {
    baseline.dispose();
  }
}

/** Run `curve` on every task for every seed: per seed the task-mean curve, then mean ± 95% CI over seeds. */
async function measure(label: string, p: Protocol, curve: CurveFn): Promise<EvalCurve> {
  const returns: number[][] = [];
  const rates: number[][] = [];
  for (const seed of p.seeds) {
    const perTask = [];
    for (const [i, task] of p.tasks.entries()) perTask.push(await curve(task, evalSeed(seed, i)));
    returns.push(meanOver(perTask.map((c) => c.returns)));
    if (perTask.every((c) => c.successRates)) rates.push(meanOver(perTask.map((c) => c.successRates as number[])));
  }
  return { label, ...summarize(returns), perSeed: returns, ...(rates.length === p.seeds.length ? { successRate: summarize(rates) } : {}) };
}

/** The seed of evaluation seed `seed` on test task `task`: disjoint from training seeds' early values. */
function evalSeed(seed: number, task: number): number {
  return 1_000_000 + seed * 10_000 + task;
}

/** Element-wise mean of equal-length rows. */
function meanOver(rows: readonly number[][]): number[] {
  return rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
}

async function resultOf(c: Checkpoint, source: string, backend: string, p: Protocol, curves: Record<string, EvalCurve>, wallSeconds: number): Promise<EvalResult> {
  const envCard = await envSpec(c.config.env).card(envOptions(c.config));
  return {
    format: 'metarl-eval/1',
    createdAt: new Date().toISOString(),
    source,
    envId: c.config.env,
    algorithm: c.algorithm,
    iteration: c.iteration,
    config: c.config,
    envCard,
    envCardHash: envCard.hash,
    backend,
    versions: versions(),
    protocol: { axis: p.recurrent ? 'episode in trial' : 'inner steps', ...(p.recurrent ? { adaptsWithinEpisode: p.adaptsWithinEpisode } : {}), points: p.points, episodes: p.episodes, split: p.split, tasks: p.tasks, seeds: p.seeds, ciOver: 'evaluation seeds', baselineIterations: p.baselineIterations },
    curves,
    wallSeconds,
  };
}
