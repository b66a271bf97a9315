#!/usr/bin/env node
/**
 * The `metarl` command-line tool. Each subcommand is a thin call into a library function in its own file;
 * this file only parses arguments, prints results and turns errors into one clear line on stderr.
 */
import { resultRow, resultsMarkdown } from './results-table.js';
import { shipAgent } from './ship-agent.js';
import { DEFAULT_DEMO_AGENT, resolveAgentPath } from './shipped-agents.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { benchCommand, type BenchCommandOptions } from './bench-command.js';
import { checkEnvCommand, type CheckEnvOptions } from './check-env-command.js';
import { envsCommand, type EnvsCommandOptions } from './envs-command.js';
import { BASELINES, type BaselineName } from './config.js';
import { listPresets } from './config-file.js';
import { evalCommand, plotCommand, type EvalCommandOptions } from './eval-command.js';
import { rolloutCommand } from './rollout-command.js';
import { learnersCommand } from './learners-command.js';
import { setLearnerThreads } from './learners.js';
import { loadUserModules } from './user-modules.js';
import { INTERRUPTED_EXIT_CODE, trainCommand, type TrainCommandOptions } from './train-command.js';
import { replayCommand, viewCommand, type ViewOptions } from './view-command.js';
import { addDistributedCommands } from './cli-distributed.js';
import { collect, integer, nonNegativeInt, positiveInt, seedList, withModules, type CliIo, type CommandOutcome } from './cli-options.js';

export type { CliIo, CommandOutcome } from './cli-options.js';

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The `metarl` program, writing to `io`; parse errors throw CommanderError instead of exiting. */
export function createProgram(io: CliIo = processIo, outcome: CommandOutcome = { exitCode: 0 }): Command {
  const program = new Command('metarl')
    .description('Meta-RL robotics simulator: task-distribution envs, meta-learners, experiments.')
    .option('--verbose', 'print stack traces on errors')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  program.hook('preAction', async (_program, command) => {
    const opts = command.opts() as { module?: string[]; learnerThreads?: number };
    setLearnerThreads(opts.learnerThreads);
    await loadUserModules(opts.module ?? []);
  });
  addEnvsCommand(program, io);
  addLearnersCommand(program, io);
  addCheckEnvCommand(program, io, outcome);
  addRolloutCommand(program, io);
  addPresetsCommand(program, io);
  addTrainCommand(program, io, outcome);
  addEvalCommand(program, io);
  addPlotCommand(program, io);
  addResultsCommand(program, io);
  addShipCommand(program, io);
  addViewCommand(program, io);
  addDemoCommand(program, io);
  addReplayCommand(program, io);
  addBenchCommand(program, io);
  addDistributedCommands(program, io, outcome);
  return program;
}

function addEnvsCommand(program: Command, io: CliIo): void {
  withModules(program.command('envs'))
    .description('list the registered envs: dimensions, horizon, control step, task parameters, reference task')
    .option('--id <envId>', 'one env in detail: reference, reward terms and every deliberate difference from the reference')
    .option('--json', 'print the env cards as a JSON array (with --id: that card)')
    .action(async (opts: EnvsCommandOptions) => io.out(`${await envsCommand(opts)}\n`));
}

function addLearnersCommand(program: Command, io: CliIo): void {
  withModules(program.command('learners'))
    .description('list the registered learners (the config\'s algorithm.name) and their hyper-parameters')
    .action(() => io.out(`${learnersCommand()}\n`));
}

function addCheckEnvCommand(program: Command, io: CliIo, outcome: CommandOutcome): void {
  withModules(program.command('check-env'))
    .description('run the env conformance checks on the envs a module registers (or on a registered env id, or on all envs)')
    .argument('[target]', 'a .js/.mjs/.ts file that registers envs, or a registered env id (omit: every registered env)')
    .option('--id <id>', 'check only this env id')
    .option('--workers <n>', 'threads of the worker-thread check (default 2)', positiveInt('--workers'))
    .action(async (target: string | undefined, opts: CheckEnvOptions) => {
      const result = await checkEnvCommand(target, opts, (line) => io.err(`${line}\n`));
      io.out(`${result.text}\n`);
      if (!result.passed) outcome.exitCode = 1;
    });
}

function addRolloutCommand(program: Command, io: CliIo): void {
  withModules(program.command('rollout'))
    .description('run a seeded uniform random policy on one task of an env and report the episodes')
    .argument('<envId>', 'env id, e.g. PointNav-v0 (see `metarl envs`)')
    .option('--episodes <n>', 'episodes to run (positive integer)', positiveInt('--episodes'), 3)
    .option('--seed <s>', 'seed of the first reset and of the random policy (integer)', integer('--seed'), 0)
    .option('--task-seed <t>', 'seed of the training-task draw (integer)', integer('--task-seed'), 0)
    .option('--test-task', "use the env's first held-out test task instead of a sampled training task")
    .option('--json', 'print one JSON object instead of a table')
    .action(async (envId: string, opts: { episodes: number; seed: number; taskSeed: number; testTask?: boolean; json?: boolean }) =>
      io.out(`${await rolloutCommand(envId, opts)}\n`),
    );
}

function addPresetsCommand(program: Command, io: CliIo): void {
  program
    .command('presets')
    .description('list the experiment presets shipped in experiments/presets/')
    .action(() => io.out(`${listPresets().join('\n')}\n`));
}

function addTrainCommand(program: Command, io: CliIo, outcome: CommandOutcome): void {
  withModules(program.command('train'))
    .description('meta-train from a config file or preset; writes config.json, env-card.json, metrics.jsonl/.csv and checkpoints/')
    .argument('[config]', 'experiment config JSON file or preset name (see `metarl presets`)')
    .option('--set <key=value>', 'override a config field, e.g. --set iterations=5 --set algorithm.innerLr=0.05 (repeatable)', collect, [])
    .option('--out <dir>', 'output directory (default: the config outDir, else runs/<name>)')
    .option('--force', 'overwrite a non-empty output directory')
    .option('--resume <dir>', 'continue the run in <dir> from its newest checkpoint')
    .option('--view [port]', 'serve the live viewer of the run while it trains (default port 8080)', (v: string) => nonNegativeInt('--view')(v))
    .option('--allow-origin <origin>', 'with --view: also let pages from this origin open the viewer socket (repeatable)', collect, [])
    .option('--workers <n>', WORKERS_HELP, positiveInt('--workers'))
    .option('--learner-threads <n>', LEARNER_THREADS_HELP, positiveInt('--learner-threads'))
    .option('--seeds <list>', 'train once per training seed (0,1,2 or 0..9) into <out>/seed-<s>, then evaluate them together: 95% CI over training seeds', (v: string) => seedList(v))
    .option('--redis <url>', 'run the meta-batch rollouts on metarl worker processes through this Redis server (redis://[:password@]host:port, rediss:// for TLS; or the password in the environment variable METARL_REDIS_PASSWORD, hidden from ps); same numbers as in-process')
    .action(async (source: string | undefined, opts: TrainCommandOptions) => {
      const result = await trainCommand(source, opts, (line) => io.err(`${line}\n`));
      if (result.evaluation) io.out(`${result.evaluation}\n`);
      io.out(`${result.runDir}\n`);
      if (result.interrupted) outcome.exitCode = INTERRUPTED_EXIT_CODE;
    });
}

/** A commander parser for `--baselines random,oracle`. */
function baselineList(value: string): BaselineName[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.find((n) => !(BASELINES as readonly string[]).includes(n));
  if (bad !== undefined) throw new InvalidArgumentError(`unknown baseline '${bad}'; choose from ${BASELINES.join(', ')} (comma-separated), or 'none'.`);
  return names as BaselineName[];
}

/** Help texts of `--learner-threads` (the preAction hook hands it to experiments/learners.ts) and `--workers`. */
const LEARNER_THREADS_HELP = "threads of the learner's tensor work (per-task inner steps and meta-gradients, TRPO's Fisher-vector products, PPO minibatch gradients): the main thread and n-1 worker threads (default: the config's algorithm.learnerThreads, else as many as --workers on the wasm and cpu backends, 1 on tensorflow and webgpu); results do not depend on it";
const WORKERS_HELP = 'threads stepping the sampling envs: the main thread and n-1 worker threads (default: one per core when there are several; 1 = the main thread only); results do not depend on it';

function addEvalCommand(program: Command, io: CliIo): void {
  withModules(program.command('eval'))
    .description('evaluate a trained agent on held-out tasks against baselines; writes eval.json and plots into the run directory')
    .argument('<runs...>', 'run directory (its newest checkpoint) or a checkpoint file; several runs of one experiment (one per training seed) give one evaluation with the CI over training seeds')
    .option('--tasks <split>', "task split: 'test' (held-out, default) or 'train'", (v: string) => {
      if (v !== 'test' && v !== 'train') throw new InvalidArgumentError(`--tasks must be 'test' or 'train', got '${v}'.`);
      return v;
    })
    .option('--num-tasks <n>', 'tasks to evaluate on (default: config eval.tasks)', positiveInt('--num-tasks'))
    .option('--seeds <n>', 'evaluation seeds; the 95% CI is over these (default: config eval.seeds)', positiveInt('--seeds'))
    .option('--steps <k>', 'MAML family: inner steps of the adaptation curve (default: config eval.steps)', nonNegativeInt('--steps'))
    .option('--episodes <n>', 'episodes per point (MAML family) or trials per task (RL2)', positiveInt('--episodes'))
    .option('--baselines <list>', `comma-separated baselines (${BASELINES.join(', ')}); 'none' for none`, (v: string) => (v === 'none' ? [] : baselineList(v)))
    .option('--baseline-iterations <n>', 'training iterations of the multi-task and oracle baselines (default: config eval.baselineIterations); cached per run and count', positiveInt('--baseline-iterations'))
    .option('--workers <n>', WORKERS_HELP, positiveInt('--workers'))
    .option('--learner-threads <n>', LEARNER_THREADS_HELP, positiveInt('--learner-threads'))
    .option('--out <dir>', 'several runs: directory of the combined eval.json and plots (default: their common parent)')
    .option('--json', 'print eval.json instead of a table')
    .action(async (runs: string[], opts: EvalCommandOptions) => io.out(`${await evalCommand(runs, opts, (line) => io.err(`${line}\n`))}\n`));
}

function addPlotCommand(program: Command, io: CliIo): void {
  program
    .command('plot')
    .description('write SVG plots of a run: learning curve (metrics.jsonl) and adaptation curve with baselines (eval.json)')
    .argument('<runDir>', 'run directory written by metarl train / metarl eval')
    .action(async (runDir: string) => io.out(`${await plotCommand(runDir)}\n`));
}

function addResultsCommand(program: Command, io: CliIo): void {
  program
    .command('results')
    .description("the results table of evaluated runs (as in the README): budget, return before and after adaptation against the baselines, whether the agent adapts")
    .argument('<runs...>', 'run directories holding an eval.json (`metarl eval` writes it)')
    .action(async (runs: string[]) => io.out(`${resultsMarkdown(await Promise.all(runs.map(resultRow)))}\n`));
}

function addShipCommand(program: Command, io: CliIo): void {
  program
    .command('ship')
    .description('copy an evaluated run into experiments/trained/<name> as a shipped agent: newest checkpoint without replay buffers, baselines, eval.json, plots')
    .argument('<run>', 'run directory with an eval.json (`metarl eval` writes it)')
    .argument('<name>', "the agent's name (`metarl view <name>`, `metarl demo <name>`)")
    .action((run: string, name: string) => io.out(`shipped ${shipAgent(run, name)}\n`));
}

/** Resolves at the first Ctrl-C (SIGINT). */
function untilSigint(): Promise<void> {
  return new Promise((resolve) => process.once('SIGINT', () => resolve()));
}

function addViewCommand(program: Command, io: CliIo): void {
  withModules(program.command('view'))
    .description('serve the live 3D viewer: a trained agent adapting to held-out tasks, side by side (or a random policy with --env)')
    .argument('[run]', 'run directory, checkpoint file or shipped agent name (see `metarl demo`; omit to watch a random policy on --env)')
    .option('--env <id>', 'env id for a random policy when no run is given')
    .option('--port <p>', 'TCP port (default 8080; 0 picks a free one)', nonNegativeInt('--port'), 8080)
    .option('--host <h>', 'interface to listen on (default 127.0.0.1: this machine only; any other address requires an access token)', '127.0.0.1')
    .option('--allow-origin <origin>', 'also let pages from this origin open the viewer socket, e.g. http://localhost:8888, or * for any (repeatable)', collect, [])
    .option('--token <t>', 'access token for the page and socket (16+ URL-safe characters; default: a random one off loopback, none on 127.0.0.1)')
    .option('--steps <k>', 'MAML family: inner steps shown side by side (default: min(eval.steps, 3))', nonNegativeInt('--steps'))
    .option('--open', 'open the page in the default browser')
    .action(async (run: string | undefined, opts: ViewOptions) => {
      await viewCommand(run === undefined ? undefined : resolveAgentPath(run), opts, (line) => io.err(`${line}\n`), untilSigint());
    });
}

function addDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(`open the live viewer on a shipped agent adapting to held-out tasks (what \`npm run demo\` runs; default ${DEFAULT_DEMO_AGENT})`)
    .argument('[agent]', 'a shipped agent (experiments/trained/<agent>) or a run directory', DEFAULT_DEMO_AGENT)
    .option('--port <p>', 'TCP port (default 8080; 0 picks a free one)', nonNegativeInt('--port'), 8080)
    .option('--no-open', 'do not open a browser')
    .action(async (agent: string, opts: { port: number; open: boolean }) => {
      await viewCommand(resolveAgentPath(agent), opts, (line) => io.err(`${line}\n`), untilSigint());
    });
}

function addReplayCommand(program: Command, io: CliIo): void {
  withModules(program.command('replay'))
    .description("record a trained agent's adaptation into one self-contained HTML file that plays offline in any browser")
    .argument('<run>', 'run directory, checkpoint file or shipped agent name')
    .requiredOption('--out <file>', 'HTML file to write')
    .option('--takes <n>', 'held-out tasks recorded (default 3)', positiveInt('--takes'), 3)
    .option('--steps <k>', 'MAML family: inner steps shown side by side', nonNegativeInt('--steps'))
    .action(async (run: string, opts: ViewOptions & { out: string; takes: number }) => {
      io.out(`wrote ${await replayCommand(resolveAgentPath(run), opts, (line) => io.err(`${line}\n`))}\n`);
    });
}

function addBenchCommand(program: Command, io: CliIo): void {
  program
    .command('bench')
    .description('benchmark suite: physics, env, VecEnv, worker and sampling steps/s vs mujoco-js, physics fidelity, MAML/RL2 iteration times')
    .option('--json [file]', 'also write the report as JSON (default file: bench/results/bench-<ISO time>.json)')
    .option('--quick', 'small sizes everywhere: ~30 s instead of a few minutes')
    .action(async (opts: BenchCommandOptions) => {
      const result = await benchCommand(opts, (line) => io.err(`bench: ${line}\n`));
      io.out(`${result.table}\n`);
      if (result.jsonPath) io.err(`wrote ${result.jsonPath}\n`);
    });
}

/** Run the CLI on `argv` (arguments after the program name) and resolve to the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2), io: CliIo = processIo): Promise<number> {
  try {
    const outcome = { exitCode: 0 };
    await createProgram(io, outcome).parseAsync([...argv], { from: 'user' });
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander has printed its message (or the help)
    reportError(error, argv.includes('--verbose'), io);
    return 1;
  }
}

/** One line naming the problem (the library's messages name the fix); the stack trace only with --verbose. */
function reportError(error: unknown, verbose: boolean, io: CliIo): void {
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error: ${message.split('\n')[0]}\n`);
  if (verbose && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
}

/** Whether this module is the program node was started with (not imported). */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = await main();
