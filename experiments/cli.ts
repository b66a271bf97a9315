#!/usr/bin/env node
/**
 * The `metarl` command-line tool. Each subcommand is a thin call into a library function in its own file;
 * this file only parses arguments, prints results and turns errors into one clear line on stderr.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { envsCommand } from './envs-command.js';
import { rolloutCommand } from './rollout-command.js';

/** Where the CLI writes: stdout and stderr by default, captured strings in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A commander argument parser accepting a positive integer; the error names `flag` and the valid form. */
export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, e.g. ${flag} 3.`);
    return n;
  };
}

/** A commander argument parser accepting any (safe) integer; the error names `flag` and the valid form. */
export function integer(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${flag} must be an integer, e.g. ${flag} 0.`);
    return n;
  };
}

/** The `metarl` program, writing to `io`; parse errors throw CommanderError instead of exiting. */
export function createProgram(io: CliIo = processIo): Command {
  const program = new Command('metarl')
    .description('Meta-RL robotics simulator: task-distribution envs, meta-learners, experiments.')
    .option('--verbose', 'print stack traces on errors')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  addEnvsCommand(program, io);
  addRolloutCommand(program, io);
  return program;
}

function addEnvsCommand(program: Command, io: CliIo): void {
  program
    .command('envs')
    .description('list the registered envs: dimensions, horizon, control step, task parameters')
    .option('--json', 'print the env cards as a JSON array')
    .action(async (opts: { json?: boolean }) => io.out(`${await envsCommand(opts)}\n`));
}

function addRolloutCommand(program: Command, io: CliIo): void {
  program
    .command('rollout')
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

/** Run the CLI on `argv` (arguments after the program name) and resolve to the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2), io: CliIo = processIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
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
