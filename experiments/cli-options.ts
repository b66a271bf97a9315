/**
 * The pieces every `metarl` command definition shares: where the CLI writes, the exit code a command reports, and
 * commander parsers for integers, repeatable options, `--module` and `--seeds`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { parseSeeds } from './train-seeds.js';

/** Where the CLI writes: stdout and stderr by default, captured strings in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** What a command reports back besides its output: the exit code of a run that ended early (e.g. Ctrl-C). */
export interface CommandOutcome {
  exitCode: number;
}

/** A commander argument parser accepting a positive integer; the error names `flag` and the valid form. */
export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, e.g. ${flag} 3.`);
    return n;
  };
}

/** A commander argument parser accepting an integer >= 0; the error names `flag` and the valid form. */
export function nonNegativeInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${flag} must be an integer >= 0, e.g. ${flag} 3.`);
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

/** Help text of `--module`. */
const MODULE_HELP = 'a .js/.mjs/.ts file that registers envs or learners (registerEnv / registerLearner from metarl); repeatable';

/** Add the repeatable `--module <file>` option (loaded before the command runs, by the preAction hook). */
export function withModules(command: Command): Command {
  return command.option('--module <file>', MODULE_HELP, collect, []);
}

/** A commander parser for `--seeds 0,1,2` / `--seeds 0..9`. */
export function seedList(value: string): number[] {
  try {
    return parseSeeds(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
