/**
 * `metarl train <config|preset> [--set k=v ...] [--out DIR] [--force] [--resume DIR]`: meta-train with a
 * progress bar, checkpoints and logs (train.ts). Ctrl-C stops after the current iteration with a checkpoint;
 * a second Ctrl-C quits at once (the newest checkpoint on disk stays valid).
 */
import type { MetaLearner } from '../agents/meta/types.js';
import { normalizeAllowedOrigin } from '../viewer/access.js';
import { startViewerServer, type ViewerServer } from '../viewer/index.js';
import type { ExperimentConfig } from './config.js';
import { loadConfig } from './config-file.js';
import { envOptions } from './learners.js';
import type { IterationRecord } from './results.js';
import { learnerTakeSource } from './take-source.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { resumeRun, trainRun, type TrainResult } from './train.js';
import { trainSeeds } from './train-seeds.js';
import { RedisChunkRunner } from '../distributed/redis-chunk-runner.js';

/** Options of `metarl train`. */
export interface TrainCommandOptions {
  set: string[];
  out?: string;
  force?: boolean;
  resume?: string;
  /** Serve the live viewer while training (the agent as it is after each iteration); `true`: port 8080. */
  view?: number | true;
  /** With `view`: extra origins whose pages may open the viewer's WebSocket (`--allow-origin`, repeatable). */
  allowOrigin?: string[];
  /** Worker threads for sampling (default: one per core when there are several). */
  workers?: number;
  /** Modules registering envs/learners (`--module`, repeatable), recorded in the run's config. */
  module?: string[];
  /** Train once per training seed into `<out>/seed-<s>` and evaluate them together (CI over training seeds). */
  seeds?: number[];
  /** Redis URL: the meta-batch rollouts run on `metarl worker` processes (same numbers as in-process). */
  redis?: string;
}

/** Port of `--view` without a value. */
const DEFAULT_VIEW_PORT = 8080;

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Run `metarl train`; @returns the run's result. Installs a SIGINT handler for the duration of the run.
 * @param progress defaults to a bar on a TTY stderr, log lines otherwise.
 */
export async function trainCommand(source: string | undefined, opts: TrainCommandOptions, log: (line: string) => void, progress: ProgressReporter = createProgress()): Promise<TrainResult & { evaluation?: string }> {
  if (opts.resume && opts.seeds) throw new Error('--seeds starts new runs; resume each seed directory with --resume <out>/seed-<s>.');
  if (opts.resume && source) throw new Error(`give either a config or --resume DIR, not both (a resumed run keeps its own config.json; change iterations with --set iterations=N).`);
  if (opts.resume && (opts.out || opts.force)) throw new Error('--out and --force start a new run; they cannot be combined with --resume.');
  if (opts.allowOrigin?.length && opts.view === undefined) throw new Error('--allow-origin applies to the live viewer: give it together with --view.');
  opts.allowOrigin?.forEach(normalizeAllowedOrigin); // fail now, not after the first iteration
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    progress.log('metarl: stopping after the current iteration and writing a checkpoint (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const viewer = opts.view === undefined ? undefined : new TrainingViewer(opts.view === true ? DEFAULT_VIEW_PORT : opts.view, opts.allowOrigin ?? [], log);
  let remote: RedisChunkRunner | undefined;
  try {
    if (opts.redis) {
      remote = await RedisChunkRunner.connect(opts.redis, { onRetry: (line) => progress.log(line) });
      log(`metarl: rollouts go to the workers on ${remote.display} (start them with metarl worker --redis <url>)`);
    }
    const options = { progress, log, signal: controller.signal, onIteration: viewer?.onIteration, workers: opts.workers, remote };
    if (opts.resume) {
      if (opts.module?.length) throw new Error('--module cannot be combined with --resume: a resumed run loads the modules its config.json lists.');
      return await resumeRun(opts.resume, opts.set, options);
    }
    if (!source) throw new Error('missing config: give a config file or a preset name (see metarl presets), or --resume DIR.');
    const loaded = await loadConfig(source, opts.set, opts.module);
    if (opts.seeds) return await trainSeeds(loaded, opts.seeds, { ...options, out: opts.out, force: opts.force });
    return await trainRun(loaded, { ...options, out: opts.out, force: opts.force });
  } finally {
    process.off('SIGINT', onSigint);
    await viewer?.close();
    await remote?.close();
  }
}

/**
 * The viewer of a training run: started after the first iteration (when the learner exists), it shows the
 * learner's current parameters adapting to held-out tasks, and receives each iteration's returns as metrics.
 */
class TrainingViewer {
  private server: ViewerServer | undefined;

  constructor(
    private readonly port: number,
    private readonly allowOrigins: string[],
    private readonly log: (line: string) => void,
  ) {}

  readonly onIteration = async (record: IterationRecord, learner: MetaLearner, config: ExperimentConfig): Promise<void> => {
    if (!this.server) {
      const source = await learnerTakeSource(learner, { envId: config.env, envOptions: envOptions(config), steps: Math.min(config.eval.steps, 3) });
      try {
        this.server = await startViewerServer({ source, port: this.port, allowOrigins: this.allowOrigins, log: this.log });
      } catch (e) {
        source.close();
        throw e;
      }
      this.log(`metarl: live viewer of the training run at ${this.server.url}`);
    }
    this.server.publishMetrics({ iteration: record.iteration, preReturn: record.preReturn, postReturn: record.postReturn, totalEnvSteps: record.totalEnvSteps });
  };

  async close(): Promise<void> {
    await this.server?.close();
  }
}
