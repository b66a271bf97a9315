/**
 * Training progress: a cli-progress bar (iteration, env steps, returns, ETA) on a terminal, one plain log
 * line per iteration otherwise (CI logs, pipes, files).
 */
import cliProgress from 'cli-progress';
import type { IterationRecord } from './results.js';

/** Receives each finished iteration. */
export interface ProgressReporter {
  /** Called once before the first iteration (`done` > 0 on resume). */
  start(total: number, done: number): void;
  update(record: IterationRecord, total: number, secondsPerIteration: number): void;
  /** A message that must not be mangled by the bar. */
  log(message: string): void;
  stop(): void;
}

/** The reporter for `stream`: a bar when it is a TTY, log lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress((line) => stream.write(`${line}\n`));
}

/** Format seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** `-12.34`, or `n/a` for a NaN return (skipped iteration). */
function formatReturn(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

/** The policy change as 3 significant digits, or `n/a` where the learner has none (PEARL, a skipped iteration). */
function formatKl(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(3) : 'n/a';
}

/** One line per iteration. */
export class LineProgress implements ProgressReporter {
  constructor(private readonly write: (line: string) => void) {}

  start(total: number, done: number): void {
    this.write(done > 0 ? `resuming at iteration ${done + 1} of ${total}` : `training ${total} iterations`);
  }

  update(r: IterationRecord, total: number, secondsPerIteration: number): void {
    const eta = formatDuration((total - r.iteration) * secondsPerIteration);
    const skipped = r.skipped ? `  SKIPPED (${r.skipped})` : '';
    const errors = r.physicsErrors > 0 ? `  physics errors ${r.physicsErrors}` : '';
    this.write(
      `iter ${r.iteration}/${total}  pre ${formatReturn(r.preReturn)}  post ${formatReturn(r.postReturn)}  kl ${formatKl(r.kl)}  ` +
        `steps ${r.totalEnvSteps}  ${secondsPerIteration.toFixed(1)} s/it  ETA ${eta}${skipped}${errors}`,
    );
  }

  log(message: string): void {
    this.write(message);
  }

  stop(): void {}
}

/** A live bar on a terminal (a MultiBar of one bar: it can print log lines above the bar). */
class BarProgress implements ProgressReporter {
  private readonly bars: cliProgress.MultiBar;
  private bar: cliProgress.SingleBar | undefined;

  constructor(stream: NodeJS.WriteStream) {
    this.bars = new cliProgress.MultiBar(
      {
        stream,
        format: 'iter {value}/{total} |{bar}| steps {steps} | pre {pre} post {post} | {rate} s/it | ETA {etaText}',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(total: number, done: number): void {
    this.bar = this.bars.create(total, done, { steps: 0, pre: '-', post: '-', rate: '-', etaText: '?' });
  }

  update(r: IterationRecord, total: number, secondsPerIteration: number): void {
    this.bar?.update(r.iteration, {
      steps: r.totalEnvSteps,
      pre: formatReturn(r.preReturn),
      post: formatReturn(r.postReturn),
      rate: secondsPerIteration.toFixed(1),
      etaText: formatDuration((total - r.iteration) * secondsPerIteration),
    });
  }

  log(message: string): void {
    this.bars.log(`${message}\n`);
  }

  stop(): void {
    this.bars.stop();
  }
}
