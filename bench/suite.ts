/**
 * The benchmark suite behind `metarl bench`: in one process, side by side, the env-step rates of CheetahVel-v0
 * from raw Rapier physics to end-to-end sampling with the learners' policy, the mujoco-js half cheetah on one core
 * (the anchor), their ratios, the physics fidelity under random actions, MAML and RL2 meta-iteration times
 * (MAML with its tensor work on one thread and on all: the learner's scaling), and PEARL's gradient steps/s and
 * collection env steps/s. Speed is measured here and never asserted.
 */
import { availableParallelism, cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { versions } from '../experiments/package-info.js';
import { measureFidelity, type FidelityOptions, type FidelityReport } from './fidelity.js';
import { timeLearners, type LearnerSetup, type LearnerTiming } from './learner-timing.js';
import { median, type Rate } from './measure.js';
import { timePearl, type PearlSetup, type PearlTiming } from './pearl-timing.js';
import { formatRow } from './meta-timing.js';
import { loadMujocoCheetah, mujocoCheetahRate, type MujocoCheetah } from './mujoco-cheetah.js';
import { granularOptions, rawPhysicsRate, SAMPLING_POLICY, singleEnvRate, steppingAndSamplingRates, vecEnvRate, type PhysicsConfig, type RateOptions } from './physics-rates.js';

/** The env every rate row runs. */
export const BENCH_ENV_ID = 'CheetahVel-v0';
/** Envs of the vector-env rows (and robots per world of the raw-physics row). */
export const BENCH_NUM_ENVS = 64;
/**
 * The targets reported against: sampling / mujoco (x), sampling / worker VecEnv with random actions, MAML's
 * meta-iteration on one learner thread / on all (on 2 cores), and MAML's and RL2's env steps/s of a whole
 * meta-iteration / of its sampling alone (both on CheetahVel).
 */
export const GOALS = { samplingVsMujoco: 1.0, policyOverhead: 0.9, learnerScaling: 1.7, trainingVsSampling: 0.5, rl2TrainingVsSampling: 0.5 } as const;

/** Everything that sizes a run; recorded in the report. */
export interface BenchSettings {
  quick: boolean;
  envId: string;
  numEnvs: number;
  /** Worker threads of the worker-VecEnv rows and of the learners' sampling: availableParallelism(), at least 2. */
  workers: number;
  /** Env steps per timed run and timed runs per rate row (seeded by `seed`). */
  rates: Required<RateOptions>;
  /** Tasks per sampling round (numEnvs / samplingTasks episodes each, as a MAML meta-batch). */
  samplingTasks: number;
  fidelity: Required<FidelityOptions>;
  maml: LearnerSetup;
  /** RL2 on the MAML row's env (the cheetah-vel-rl2 meta-batch): the RL2 ratio. */
  rl2: LearnerSetup;
  /** RL2 on the pointnav-rl2 meta-batch, where sampling costs next to nothing (see Ratios.rl2PointNavTrainingVsSampling). */
  rl2PointNav: LearnerSetup;
  pearl: PearlSetup;
}

/** One rate row of the table. */
export interface RateRow {
  id: 'rawPhysics' | 'singleEnv' | 'vecEnv' | 'workerVecEnv' | 'sampling' | 'mujoco';
  label: string;
  /** Env steps per second; null when the row could not run (mujoco-js not installed). */
  rate: Rate | null;
  /** rate.median / the mujoco row's median; null without mujoco. */
  vsMujoco: number | null;
  /** Why the rate is null. */
  note?: string;
}

/** Quotients of row medians, except `policyOverhead`. */
export interface Ratios {
  /** End-to-end sampling / mujoco-js (goal >= GOALS.samplingVsMujoco); null without mujoco. */
  samplingVsMujoco: number | null;
  /**
   * End-to-end sampling / the worker VecEnv with random actions (goal >= GOALS.policyOverhead): the median of the
   * quotients of their runs pass by pass (they are timed in alternation, so each pair saw the same machine).
   */
  policyOverhead: number;
  /** Worker VecEnv / in-process VecEnv (same envs). */
  workerScaling: number;
  /**
   * MAML-TRPO meta-iteration time with the learner's tensor work on 1 thread / on all threads (goal >=
   * GOALS.learnerScaling). The sampling phase runs on all threads in both, so it caps this ratio (Amdahl).
   */
  learnerScaling: number;
  /** The same for the learner's phases alone (inner + outer): how its tensor work scales. */
  learnerWorkScaling: number;
  /**
   * MAML-TRPO env steps/s of a whole meta-iteration / of its sampling alone, i.e. sampling time / total time (goal
   * >= GOALS.trainingVsSampling).
   */
  trainingVsSampling: number;
  /** The same for RL2-PPO on the same env (the cheetah-vel-rl2 meta-batch; goal >= GOALS.rl2TrainingVsSampling). */
  rl2TrainingVsSampling: number;
  /**
   * The same for RL2-PPO on PointNav (pointnav-rl2's meta-batch). Its sampling is nearly free (a 2-D point, 40-step
   * trials), so this ratio is set by PPO's 4 epochs x 2 minibatches of backprop through the unroll against one
   * forward pass while acting, and stays well below the robots' ratio.
   */
  rl2PointNavTrainingVsSampling: number;
}

/** The machine and software the figures come from. */
export interface MachineInfo {
  cpu: string;
  /** Logical CPUs (os.cpus().length) and what Node may use (os.availableParallelism()). */
  cores: number;
  availableParallelism: number;
  platform: string;
  /** node, metarl, rapier, tfjs packages (experiments/package-info.ts). */
  versions: Record<string, string>;
  /** MuJoCo's version as mujoco-js reports it; null when mujoco-js is not installed. */
  mujoco: string | null;
  /** The TF.js backend the learners ran on. */
  tfBackend: string;
}

/** What `metarl bench` measures and writes as JSON. */
export interface BenchReport {
  kind: 'metarl-bench';
  /** ISO time the run started. */
  createdAt: string;
  /** Wall-clock time of the whole run (s). */
  durationS: number;
  machine: MachineInfo;
  settings: BenchSettings;
  physics: PhysicsConfig;
  /** Env steps per second, in table order. */
  rows: RateRow[];
  ratios: Ratios;
  goals: typeof GOALS;
  fidelity: FidelityReport;
  /** MAML (learner on all threads), MAML (learner on 1 thread), RL2 on the same env, then RL2 on PointNav (all threads). */
  learners: LearnerTiming[];
  /** PEARL at the cheetah-dir-pearl preset's sizes: gradient steps/s and collection env steps/s (gradient steps on 1 thread). */
  pearl: PearlTiming;
  /** The same with the gradient steps data-parallel: `workers` learner threads and as many groups of tasks per step. */
  pearlParallel: PearlTiming;
}

/** How a run reports progress, and (tests) how it loads the mujoco anchor. */
export interface BenchHooks {
  /** One line per finished measurement (default: none). */
  progress?: (line: string) => void;
  loadMujoco?: () => Promise<MujocoCheetah>;
}

/** The settings of a full run (a few minutes on 2 cores) or of a `quick` one (~30 s). */
export function benchSettings(quick: boolean): BenchSettings {
  const workers = Math.max(2, availableParallelism());
  const q = <T>(full: T, small: T): T => (quick ? small : full);
  return {
    quick,
    envId: BENCH_ENV_ID,
    numEnvs: BENCH_NUM_ENVS,
    workers,
    rates: { steps: q(12_800, 2_560), repeats: q(5, 2), seed: 0 },
    samplingTasks: 8,
    fidelity: { robots: 16, steps: q(1000, 100), seed: 0 },
    // The cheetah-vel-maml preset's meta-batch (10 tasks x 10 episodes, [64, 64] policy).
    maml: { learner: 'maml', envId: BENCH_ENV_ID, numTasks: q(10, 2), episodes: q(10, 2), hidden: [64, 64], iterations: q(3, 1), workers, learnerThreads: workers },
    // The cheetah-vel-rl2 preset's meta-batch (20 trials of 2 episodes of 200 steps, GRU 64).
    rl2: { learner: 'rl2', envId: BENCH_ENV_ID, numTasks: q(20, 2), episodes: 2, hidden: [64], iterations: q(3, 1), workers, learnerThreads: workers },
    // The pointnav-rl2 preset's meta-batch (20 trials of 2 episodes of 20 steps, GRU 64).
    rl2PointNav: { learner: 'rl2', envId: 'PointNav-v0', envOptions: { horizon: 20 }, numTasks: q(20, 4), episodes: 2, hidden: [64], iterations: q(3, 1), workers, learnerThreads: workers },
    // The cheetah-dir-pearl preset's sizes (nets 128 x 2, 4 tasks x 128 transitions per step, 2 tasks x 1000 + 1000 steps collected).
    pearl: { envId: 'CheetahDir-v0', netSize: 128, netDepth: 2, metaBatch: 4, batchSize: 128, gradientSteps: q(100, 10), collectionTasks: 2, collectionSteps: q(1000, 200), workers },
  };
}

/** Run every measurement of `settings` in this process and return the report. */
export async function runBench(settings: BenchSettings, hooks: BenchHooks = {}): Promise<BenchReport> {
  const log = hooks.progress ?? (() => {});
  const started = performance.now();
  const createdAt = new Date().toISOString();
  await initBackend('wasm', log);
  const { rows, physics, mujoco } = await measureRates(settings, log, hooks.loadMujoco ?? loadMujocoCheetah);
  log(`fidelity: ${settings.fidelity.robots} robots x ${settings.fidelity.steps} env steps ...`);
  const fidelity = await measureFidelity(settings.envId, settings.fidelity);
  const learners: LearnerTiming[] = [];
  for (const setups of [[settings.maml, { ...settings.maml, learnerThreads: 1 }], [settings.rl2], [settings.rl2PointNav]]) {
    log(`${setups[0].learner} on ${setups[0].envId}, learner on ${setups.map((s) => s.learnerThreads).join(' and ')} thread(s): warm-up, then ${setups[0].iterations} timed meta-iteration(s) ...`);
    learners.push(...(await timeLearners(setups, (s, row, i) => log(`  ${s.learner} (${s.learnerThreads} learner thread(s)) iteration ${i + 1}: ${formatRow(row)}`))));
  }
  const [pearl, pearlParallel] = await timePearlThreads(settings, log);
  const machine = machineInfo(mujoco, tf.getBackend());
  const durationS = (performance.now() - started) / 1000;
  return { kind: 'metarl-bench', createdAt, durationS, machine, settings, physics, rows, ratios: computeRatios(rows, learners), goals: GOALS, fidelity, learners, pearl, pearlParallel };
}

/** PEARL with its gradient steps on 1 thread (1 group of tasks), then on `workers` threads (as many groups). */
async function timePearlThreads(settings: BenchSettings, log: (line: string) => void): Promise<PearlTiming[]> {
  const out: PearlTiming[] = [];
  for (const threads of [1, settings.workers]) {
    log(`PEARL on ${settings.pearl.envId}, gradient steps on ${threads} thread(s): a warm-up iteration, then one of ${settings.pearl.gradientSteps} gradient steps ...`);
    const t = await timePearl({ ...settings.pearl, learnerThreads: threads, gradientShards: threads });
    log(`  ${t.gradientStepsPerSecond.toFixed(1)} gradient steps/s, collection ${Math.round(t.collectionEnvStepsPerSecond)} env steps/s`);
    out.push(t);
  }
  return out;
}

/** The rate rows, in table order, with their ratios to the mujoco row. */
async function measureRates(s: BenchSettings, log: (line: string) => void, loadMujoco: () => Promise<MujocoCheetah>) {
  const w = s.workers;
  const measured: RateRow[] = [];
  const add = (id: RateRow['id'], label: string, rate: Rate): void => {
    log(`  ${formatRate(rate)}`);
    measured.push({ id, label, rate, vsMujoco: null });
  };
  const row = async (id: RateRow['id'], label: string, measure: () => Promise<Rate>): Promise<void> => {
    log(`${label} ...`);
    add(id, label, await measure());
  };
  const mujoco = await mujocoRow(s.rates, log, loadMujoco);
  log('raw physics ...');
  const raw = await rawPhysicsRate(s.envId, s.numEnvs, s.rates);
  add('rawPhysics', rawPhysicsLabel(raw.config), raw.rate);
  await row('singleEnv', 'single env (makeEnv)', () => singleEnvRate(s.envId, s.rates));
  await row('vecEnv', `VecEnv ${s.numEnvs}, in-process`, () => vecEnvRate(s.envId, s.numEnvs, 1, s.rates));
  const workerLabel = `worker VecEnv ${s.numEnvs}, ${w} threads`;
  const samplingLabel = `sampling, MLP [${SAMPLING_POLICY.hidden}] ${SAMPLING_POLICY.activation} policy, ${workerLabel}`;
  log(`${workerLabel} and ${samplingLabel}, timed in alternation ...`);
  const paired = await steppingAndSamplingRates(s.envId, s.numEnvs, w, s.samplingTasks, s.rates);
  add('workerVecEnv', workerLabel, paired.stepping);
  add('sampling', samplingLabel, paired.sampling);
  const rows = [...measured, mujoco.row].map((r) => ({ ...r, vsMujoco: ratio(r.rate, mujoco.row.rate) }));
  return { rows, physics: raw.config, mujoco: mujoco.version };
}

/** `raw physics (engine, dt x frame-skip, solver iterations, robots per world)`. */
export function rawPhysicsLabel(c: PhysicsConfig): string {
  return `raw physics (${c.engine}, ${c.dt} s x ${c.frameSkip}, ${c.solverIterations} solver iterations, ${c.robotsPerWorld} robots/world)`;
}

/**
 * The mujoco-js anchor row (MuJoCo's version with it); a null rate, null version and the loader's message as the
 * note when mujoco-js cannot be loaded (e.g. not installed: it is a devDependency only).
 */
export async function mujocoRow(options: RateOptions, log: (line: string) => void, load: () => Promise<MujocoCheetah>): Promise<{ row: RateRow; version: string | null }> {
  const label = 'mujoco-js half_cheetah, 1 core';
  let cheetah: MujocoCheetah;
  try {
    cheetah = await load();
  } catch (err) {
    const note = (err as Error).message;
    log(`${label}: skipped (${note})`);
    return { row: { id: 'mujoco', label, rate: null, vsMujoco: null, note }, version: null };
  }
  try {
    log(`${label} (MuJoCo ${cheetah.version}) ...`);
    const rate = mujocoCheetahRate(cheetah, granularOptions(options, 1), options.seed ?? 0);
    log(`  ${formatRate(rate)}`);
    return { row: { id: 'mujoco', label, rate, vsMujoco: null }, version: cheetah.version };
  } finally {
    cheetah.free();
  }
}

/** `median env steps/s [min, max]`, rounded. */
function formatRate(r: Rate): string {
  return `${Math.round(r.median)} env steps/s [${Math.round(r.min)}, ${Math.round(r.max)}]`;
}

/** a.median / b.median, or null when either is missing. */
function ratio(a: Rate | null, b: Rate | null): number | null {
  return a && b ? a.median / b.median : null;
}

/**
 * The ratios of the report from its rows and learner timings ([MAML all threads, MAML 1 thread, RL2]; throws when
 * a row it needs is missing).
 */
export function computeRatios(rows: readonly RateRow[], learners: readonly LearnerTiming[]): Ratios {
  const rate = (id: RateRow['id']): Rate | null => {
    const r = rows.find((x) => x.id === id);
    if (!r) throw new Error(`computeRatios: no '${id}' row.`);
    return r.rate;
  };
  const required = (x: number | null, what: string): number => {
    if (x === null) throw new Error(`computeRatios: ${what} needs both rates.`);
    return x;
  };
  return {
    samplingVsMujoco: ratio(rate('sampling'), rate('mujoco')),
    policyOverhead: required(pairedRatio(rate('sampling'), rate('workerVecEnv')), 'policy overhead'),
    workerScaling: required(ratio(rate('workerVecEnv'), rate('vecEnv')), 'worker scaling'),
    ...learnerRatios(learners),
  };
}

/** The learner ratios from the timings [MAML on all learner threads, MAML on 1, RL2, RL2 on PointNav]. */
function learnerRatios(learners: readonly LearnerTiming[]): Pick<Ratios, 'learnerScaling' | 'learnerWorkScaling' | 'trainingVsSampling' | 'rl2TrainingVsSampling' | 'rl2PointNavTrainingVsSampling'> {
  const [all, one, rl2, rl2PointNav] = learners;
  if (!all || !one || !rl2 || !rl2PointNav || all.learner !== 'maml' || one.learnerThreads !== 1 || rl2.learner !== 'rl2' || rl2PointNav.learner !== 'rl2') {
    throw new Error('computeRatios: needs the learner timings [MAML on all learner threads, MAML on 1, RL2, RL2 on PointNav].');
  }
  const samplingShare = (l: LearnerTiming): number => l.phasesMs.sampling.median / l.phasesMs.total.median;
  const work = (l: LearnerTiming): number => l.phasesMs.inner.median + l.phasesMs.outer.median;
  return {
    learnerScaling: one.phasesMs.total.median / all.phasesMs.total.median,
    learnerWorkScaling: work(one) / work(all),
    trainingVsSampling: samplingShare(all),
    rl2TrainingVsSampling: samplingShare(rl2),
    rl2PointNavTrainingVsSampling: samplingShare(rl2PointNav),
  };
}

/** Median of a.runs[i] / b.runs[i] (runs timed in alternation), or null when a rate is missing. */
function pairedRatio(a: Rate | null, b: Rate | null): number | null {
  if (!a || !b) return null;
  if (a.runs.length !== b.runs.length) throw new Error(`pairedRatio: ${a.runs.length} runs against ${b.runs.length}; pair runs timed in alternation.`);
  return median(a.runs.map((x, i) => x / b.runs[i]));
}

function machineInfo(mujoco: string | null, tfBackend: string): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
    cores: cpu.length,
    availableParallelism: availableParallelism(),
    platform: `${process.platform} ${process.arch}`,
    versions: versions(),
    mujoco,
    tfBackend,
  };
}
