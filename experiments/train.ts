/**
 * Meta-training runs: `trainRun` starts one in a fresh output directory, `resumeRun` continues one from its
 * newest checkpoint. A run directory holds config.json, env-card.json, metrics.jsonl + metrics.csv and
 * checkpoints/. Resuming reproduces the metrics an uninterrupted run would have written: every random choice
 * of the loop comes from the trainer's RNG, whose state is checkpointed with the learner's. Both hold the run
 * directory's lock (run-lock.ts) from before they change anything in it until they return or the process exits.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '../agents/backend.js';
import type { MetaLearner } from '../agents/meta/types.js';
import { envSpec } from '../envs/index.js';
import { Rng } from '../envs/rng.js';
import type { EnvCard } from '../envs/types.js';
import { writeFileAtomic } from './atomic-file.js';
import { checkpointDir, checkpointOf, freshTrainerState, loadCheckpoint, saveCheckpoint, type TrainerState } from './checkpoint.js';
import { parseConfig, type ExperimentConfig } from './config.js';
import { applySet, loadConfigModules, type LoadedConfig } from './config-file.js';
import { createLearner, envOptions, learnerThreads, samplingWorkers } from './learners.js';
import { MetricsLog } from './metrics-log.js';
import type { ProgressReporter } from './progress.js';
import type { IterationRecord } from './results.js';
import { acquireRunLock, isLockFile } from './run-lock.js';
import { guardedMetaStep } from './train-step.js';
import type { ChunkRunner } from '../agents/meta/rollout-chunks.js';
import { RedisUnreachableError } from '../distributed/redis-link.js';

/** How to run. */
export interface TrainOptions {
  progress: ProgressReporter;
  /** One-line messages (backend choice, run directory, checkpoints). */
  log: (message: string) => void;
  /** Aborting (Ctrl-C) stops after the current iteration, with a checkpoint. */
  signal?: AbortSignal;
  /** Threads stepping the sampling envs (default: one per core when there are several; see samplingWorkers). */
  workers?: number;
  /**
   * Run the meta-batch rollouts on other processes (`--redis`: worker processes over Redis) instead of this
   * one's VecEnvs; the numbers are the same. Only learners that sample per task with a Gaussian policy can.
   */
  remote?: ChunkRunner;
  /** Called after each iteration's record is logged, e.g. to stream it to a viewer. */
  onIteration?: (record: IterationRecord, learner: MetaLearner, config: ExperimentConfig) => void | Promise<void>;
}

/** What a run did. */
export interface TrainResult {
  runDir: string;
  /** Iterations completed (all sessions). */
  iteration: number;
  /** Stopped by the signal before `config.iterations`. */
  interrupted: boolean;
  /** Records written by this session. */
  records: IterationRecord[];
}

/** Everything the loop needs. */
interface Session {
  runDir: string;
  config: ExperimentConfig;
  learner: MetaLearner;
  rng: Rng;
  trainer: TrainerState;
  metrics: MetricsLog;
  envCard: EnvCard;
  /** Iterations completed before this session. */
  done: number;
}

/** Keys `--set` may change on resume: they do not change what the completed iterations computed. */
const RESUME_SETTABLE = new Set(['iterations', 'checkpointEvery', 'keepCheckpoints', 'eval', 'outDir']);

/**
 * Start a new run of `loaded.config` in `out` (default: the config's outDir, else `runs/<name>`).
 * An existing non-empty directory is refused unless `force` (then its contents are replaced); a directory locked
 * by another live writer is refused either way (RunLockedError).
 */
export async function trainRun(loaded: LoadedConfig, options: TrainOptions & { out?: string; force?: boolean }): Promise<TrainResult> {
  const { config } = loaded;
  const runDir = resolve(options.out ?? config.outDir ?? join('runs', loaded.name));
  mkdirSync(runDir, { recursive: true });
  const lock = acquireRunLock(runDir, { log: options.log });
  try {
    prepareRunDir(runDir, options.force ?? false);
    await initBackend(config.backend, options.log);
    const envCard = await envSpec(config.env).card(envOptions(config));
    const learner = await createSamplingLearner(config, options);
    if (config.initPolicy) initPolicyFrom(learner, config.initPolicy, options.log);
    writeFileAtomic(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    writeFileAtomic(join(runDir, 'env-card.json'), `${JSON.stringify(envCard, null, 2)}\n`);
    const trainer = freshTrainerState(Rng.fromSeed(config.seed).fork().state());
    const session = { runDir, config, learner, rng: Rng.fromState(trainer.rng), trainer, metrics: new MetricsLog(runDir), envCard, done: 0 };
    options.log(`metarl: training ${config.algorithm.name} on ${config.env} into ${runDir}`);
    return await runLoop(session, options);
  } finally {
    lock.release();
  }
}

/**
 * Continue the run in `runDir` from its newest checkpoint. `sets` may raise `iterations` (or change checkpoint
 * and evaluation settings); anything else would change the completed iterations' meaning and is refused.
 */
export async function resumeRun(runDir: string, sets: readonly string[], options: TrainOptions): Promise<TrainResult> {
  const dir = resolve(runDir);
  // Not a run directory: no lock (resumedConfig says what is wrong), so nothing is created in it.
  const lock = existsSync(join(dir, 'config.json')) ? acquireRunLock(dir, { log: options.log }) : undefined;
  try {
    const config = await resumedConfig(dir, sets);
    const { checkpoint, file } = loadCheckpoint(dir);
    await initBackend(config.backend, options.log);
    const envCard = await envSpec(config.env).card(envOptions(config));
    if (checkpoint.envCardHash !== envCard.hash) {
      throw new Error(`cannot resume ${dir}: the env ${config.env} changed since the checkpoint (card hash ${checkpoint.envCardHash}, now ${envCard.hash}); start a new run.`);
    }
    writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    const learner = await createSamplingLearner(config, options);
    learner.setState(checkpoint.learner);
    const metrics = new MetricsLog(dir);
    metrics.truncate(checkpoint.iteration);
    options.log(`metarl: resuming ${dir} from ${file} (iteration ${checkpoint.iteration})`);
    const trainer = { ...checkpoint.trainer };
    return await runLoop({ runDir: dir, config, learner, rng: Rng.fromState(trainer.rng), trainer, metrics, envCard, done: checkpoint.iteration }, options);
  } finally {
    lock?.release();
  }
}

/** Start `learner` at the policy θ of the run, checkpoint or shipped agent at `path`; throws one line when it cannot. */
function initPolicyFrom(learner: MetaLearner, path: string, log: (line: string) => void): void {
  let loaded: ReturnType<typeof loadCheckpoint>;
  try {
    loaded = loadCheckpoint(path);
  } catch (error) {
    throw new Error(`initPolicy: ${(error as Error).message}`);
  }
  const { checkpoint, file } = loaded;
  const policy = checkpoint.learner.params.policy;
  if (!learner.setPolicy || !policy) {
    throw new Error(`initPolicy '${path}': ${learner.setPolicy ? `${file} has no 'policy' parameter group` : `learner ${learner.name} has no Gaussian MLP policy to initialise`}; remove initPolicy or point it at a MAML-family run.`);
  }
  try {
    learner.setPolicy(policy);
  } catch (error) {
    throw new Error(`initPolicy '${path}': ${(error as Error).message.replace(/^setState: /, '').replace(/\.$/, '')} (the policy sizes must match algorithm.hidden).`);
  }
  log(`metarl: policy θ initialised from ${file} (${checkpoint.algorithm}, iteration ${checkpoint.iteration})`);
}

/** The config's learner, sampling on the requested (or default) worker threads, which the log names. */
async function createSamplingLearner(config: ExperimentConfig, options: TrainOptions): Promise<MetaLearner> {
  const workers = samplingWorkers(options.workers);
  const threads = (n: number) => (n > 1 ? `on ${n} threads (the main thread and ${n - 1} worker${n > 2 ? 's' : ''})` : 'on the main thread');
  const sampling = options.remote ? 'on the Redis workers (--redis)' : `${threads(workers)} (--workers N)`;
  options.log(`metarl: sampling ${sampling}, learner tensor work ${threads(learnerThreads(config, workers))} (--learner-threads N)`);
  const learner = await createLearner(config, workers, options.remote);
  if (options.remote && !learner.samplesRemotely) {
    learner.dispose();
    throw new Error(`--redis: ${config.algorithm.name} samples in this process (its policy is not a per-task Gaussian MLP); distributed sampling serves ${REMOTE_SAMPLING_LEARNERS}. Drop --redis, or spread whole runs over the workers with metarl sweep.`);
  }
  return learner;
}

/** The built-in learners whose rollouts `--redis` can run on other processes. */
const REMOTE_SAMPLING_LEARNERS = 'maml (FOMAML too), meta-sgd, lstm-optimizer, promp, reptile and multitask';

async function resumedConfig(dir: string, sets: readonly string[]): Promise<ExperimentConfig> {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new Error(`cannot resume '${dir}': it has no config.json (is it a run directory written by metarl train?).`);
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const assignment of sets) {
    const key = assignment.split('=')[0].split('.')[0];
    if (!RESUME_SETTABLE.has(key)) throw new Error(`--set ${assignment}: '${key}' cannot change on resume (allowed: ${[...RESUME_SETTABLE].join(', ')}); start a new run instead.`);
    applySet(stored, assignment);
  }
  await loadConfigModules(stored.modules as string[] | undefined);
  return parseConfig(stored, file);
}

/** Check (and with `force`, empty) the locked `runDir`; its lock files do not count and are kept. */
function prepareRunDir(runDir: string, force: boolean): void {
  const entries = readdirSync(runDir).filter((name) => !isLockFile(name));
  if (entries.length > 0) {
    if (!force) throw new Error(`output directory ${runDir} already exists and is not empty: use --resume ${runDir} to continue it, --force to overwrite it, or --out DIR.`);
    for (const name of entries) rmSync(join(runDir, name), { recursive: true, force: true });
  }
  mkdirSync(checkpointDir(runDir), { recursive: true });
}

async function runLoop(s: Session, options: TrainOptions): Promise<TrainResult> {
  const { config, learner, trainer } = s;
  const records: IterationRecord[] = [];
  const sessionStart = performance.now();
  const tasks = envSpec(config.env).def.tasks;
  options.progress.start(config.iterations, s.done);
  let iteration = s.done;
  let saved = s.done;
  try {
    while (iteration < config.iterations && !options.signal?.aborted) {
      const batch = tasks.sample(s.rng, config.metaBatchSize);
      const record = await guardedMetaStep(learner, batch, s.rng.seed(), iteration + 1, trainer);
      iteration += 1;
      trainer.rng = s.rng.state();
      s.metrics.append(record);
      records.push(record);
      const perIteration = (performance.now() - sessionStart) / 1000 / records.length;
      options.progress.update(record, config.iterations, perIteration);
      if (record.skipped) options.progress.log(`iteration ${iteration}: update skipped (${record.skipped})`);
      if (iteration % config.checkpointEvery === 0 || iteration === config.iterations) saved = await save(s, iteration);
      await options.onIteration?.(record, learner, config);
      await yieldToEventLoop();
    }
    if (saved < iteration) saved = await save(s, iteration);
  } catch (error) {
    if (error instanceof RedisUnreachableError) {
      const kept = saved > 0 ? `its newest checkpoint (iteration ${saved}) is kept: continue with metarl train --resume ${s.runDir} --redis <url>` : 'no iteration was checkpointed yet';
      throw new Error(`${error.message} Stopped in iteration ${iteration + 1}; ${kept}.`);
    }
    throw error;
  } finally {
    options.progress.stop();
    learner.dispose();
  }
  const interrupted = iteration < config.iterations;
  if (interrupted) options.log(`metarl: interrupted after iteration ${iteration}; checkpoint written, continue with: metarl train --resume ${s.runDir}`);
  return { runDir: s.runDir, iteration, interrupted, records };
}

/**
 * Let timers, sockets and signal handlers run: an iteration's work resolves only microtasks, so without this a
 * Ctrl-C (or a viewer client) would wait for the whole run.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Write the checkpoint of `iteration`; @returns `iteration`. */
async function save(s: Session, iteration: number): Promise<number> {
  saveCheckpoint(checkpointDir(s.runDir), await checkpointOf(s.learner, iteration, s.config, s.envCard.hash, s.trainer), s.config.keepCheckpoints);
  return iteration;
}
