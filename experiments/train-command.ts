/**
 * `metarl train <config|preset> [--set k=v ...] [--out DIR] [--force] [--resume DIR]`: meta-train with a
 * progress bar, checkpoints and logs (train.ts). Ctrl-C stops after the current iteration with a checkpoint;
 * a second Ctrl-C quits at once (the newest checkpoint on disk stays valid).
 */
import { loadConfig } from './config-file.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { resumeRun, trainRun, type TrainResult } from './train.js';

/** Options of `metarl train`. */
export interface TrainCommandOptions {
  set: string[];
  out?: string;
  force?: boolean;
  resume?: string;
}

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Run `metarl train`; @returns the run's result. Installs a SIGINT handler for the duration of the run.
 * @param progress defaults to a bar on a TTY stderr, log lines otherwise.
 */
export async function trainCommand(source: string | undefined, opts: TrainCommandOptions, log: (line: string) => void, progress: ProgressReporter = createProgress()): Promise<TrainResult> {
  if (opts.resume && source) throw new Error(`give either a config or --resume DIR, not both (a resumed run keeps its own config.json; change iterations with --set iterations=N).`);
  if (opts.resume && (opts.out || opts.force)) throw new Error('--out and --force start a new run; they cannot be combined with --resume.');
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    progress.log('metarl: stopping after the current iteration and writing a checkpoint (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const options = { progress, log, signal: controller.signal };
    if (opts.resume) return await resumeRun(opts.resume, opts.set, options);
    if (!source) throw new Error('missing config: give a config file or a preset name (see metarl presets), or --resume DIR.');
    return await trainRun(loadConfig(source, opts.set), { ...options, out: opts.out, force: opts.force });
  } finally {
    process.off('SIGINT', onSigint);
  }
}
