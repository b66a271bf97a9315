/**
 * The commands that spread work over machines through Redis: `metarl worker` and `metarl sweep` (distributed/).
 */
import type { Command } from 'commander';
import { sweepCommand, sweepStatus, type SweepOptions } from '../distributed/sweep.js';
import { workerCommand, type WorkerCommandOptions } from '../distributed/worker.js';
import { setupModules } from '../envs/setup-modules.js';
import { collect, positiveInt, seedList, withModules, type CliIo, type CommandOutcome } from './cli-options.js';
import { INTERRUPTED_EXIT_CODE } from './train-command.js';

/** Add `metarl worker` and `metarl sweep [run|status]` to `program`. */
export function addDistributedCommands(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addWorkerCommand(program, io);
  addSweepCommand(program, io, outcome);
}

function addWorkerCommand(program: Command, io: CliIo): void {
  withModules(program.command('worker'))
    .description('take jobs from a Redis server until stopped (Ctrl-C lets the current jobs finish): the rollouts of metarl train --redis runs and the runs of metarl sweep; runs only the envs and learners registered here (built-ins and --module files)')
    .requiredOption('--redis <url>', 'Redis server: redis://[:password@]host:port[/db], rediss:// for TLS (or the password in the environment variable METARL_REDIS_PASSWORD, hidden from ps)')
    .option('--threads <n>', 'job threads: rollout chunks run in parallel, a sweep run samples on this many threads (default: one per core)', positiveInt('--threads'))
    .option('--lock-ms <ms>', 'a job whose worker died (its lock not renewed) goes to another worker after this long', positiveInt('--lock-ms'), 30_000)
    .action(async (opts: WorkerCommandOptions) => {
      const stop = new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => {
          process.once('SIGINT', () => process.exit(INTERRUPTED_EXIT_CODE));
          resolve();
        });
      });
      await workerCommand(opts, setupModules(), (line) => io.err(`${line}\n`), stop);
    });
}

function addSweepCommand(program: Command, io: CliIo, outcome: CommandOutcome): void {
  const sweep = program.command('sweep').description('whole training runs (and their evaluations) for metarl worker processes: grid points x training seeds, summarised with 95% CIs over training seeds');
  withModules(sweep.command('run [config]', { isDefault: true }))
    .description('queue the runs of a config or preset (metarl sweep <config> ...), wait for them, write <out>/<point>/seed-<s>, eval.json and plots per point, and <out>/sweep.md')
    .requiredOption('--redis <url>', 'Redis server: redis://[:password@]host:port[/db], rediss:// for TLS (or the password in the environment variable METARL_REDIS_PASSWORD, hidden from ps)')
    .requiredOption('--seeds <list>', 'training seeds: 0,1,2 or a range 0..9', (v: string) => seedList(v))
    .option('--grid <key=v1,v2>', 'a config key and its values, e.g. --grid algorithm.innerLr=0.05,0.1 (repeatable: the product of the axes)', collect, [])
    .option('--set <key=value>', 'override a config field at every grid point (repeatable)', collect, [])
    .option('--out <dir>', 'output directory (default runs/<name>-sweep)')
    .option('--shared-dir <dir>', 'instead of --out: an output directory every worker and this machine see at the same path; the workers write the runs there instead of sending them back through Redis')
    .action(async (source: string | undefined, opts: SweepOptions) => {
      if (!source) throw new Error('missing config: give a config file or preset name, e.g. metarl sweep pointnav-rl2 --seeds 0..2 --redis redis://127.0.0.1:6379.');
      const result = await sweepCommand(source, opts, (line) => io.err(`${line}\n`));
      io.out(`${result.table}\n`);
      io.err(`wrote ${result.file}\n`);
      if (result.failed > 0) outcome.exitCode = 1;
    });
  sweep
    .command('status')
    .description('the sweep queue: runs queued, running, done and failed (with their errors)')
    .requiredOption('--redis <url>', 'Redis server')
    .action(async (opts: { redis: string }) => io.out(`${await sweepStatus(opts.redis)}\n`));
}
