/**
 * Where an experiment config comes from: a JSON file or a named preset (experiments/presets/<name>.json),
 * then `--set key=value` overrides, then validation (config.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseConfig, type ExperimentConfig } from './config.js';
import { packageRoot } from './package-info.js';
import { loadUserModules, resolveModulePath } from './user-modules.js';

/** A validated config and where it came from. */
export interface LoadedConfig {
  config: ExperimentConfig;
  /** The file path, or `preset <name>`. */
  origin: string;
  /** Name used for the default output directory: the config's `name`, else the file or preset name. */
  name: string;
}

/** Directory of the shipped presets. */
export function presetsDir(): string {
  return join(packageRoot(), 'experiments', 'presets');
}

/** Names of the shipped presets, sorted. */
export function listPresets(): string[] {
  return readdirSync(presetsDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * Load `source` (a path to a JSON file, or a preset name), apply `sets` (`key.path=value`; the value is
 * parsed as JSON when it is valid JSON, else taken as a string), load the config's `modules` (relative to the
 * config file) and then `modules` (relative to the working directory: `--module`), and validate. The loaded
 * config lists all of them as absolute paths. Throws an Error naming the fix.
 */
export async function loadConfig(source: string, sets: readonly string[] = [], modules: readonly string[] = []): Promise<LoadedConfig> {
  const { raw, origin, name, dir } = readSource(source);
  for (const assignment of sets) applySet(raw, assignment);
  const paths = [...configModules(raw, origin).map((m) => resolveModulePath(m, dir)), ...modules.map((m) => resolveModulePath(m))];
  if (paths.length > 0) raw.modules = [...new Set(paths)];
  await loadConfigModules(raw.modules as string[] | undefined);
  const config = parseConfig(raw, origin);
  return { config, origin, name: config.name ?? name };
}

/** Load the modules a validated (or stored) config lists: call before creating its env or learner. */
export async function loadConfigModules(modules: readonly string[] | undefined): Promise<void> {
  await loadUserModules(modules ?? []);
}

/** The `modules` of a raw config, checked to be a list of file names. */
function configModules(raw: Record<string, unknown>, origin: string): string[] {
  const modules = raw.modules ?? [];
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string' && m !== '')) {
    throw new Error(`invalid config ${origin}: modules: must be a list of file paths, e.g. ["./my-env.ts"].`);
  }
  return modules;
}

function readSource(source: string): { raw: Record<string, unknown>; origin: string; name: string; dir: string } {
  if (existsSync(source)) return { raw: readJsonObject(source, source), origin: source, name: basename(source).replace(/\.json$/, ''), dir: dirname(resolve(source)) };
  const preset = join(presetsDir(), `${source}.json`);
  if (!source.includes('/') && existsSync(preset)) return { raw: readJsonObject(preset, `preset ${source}`), origin: `preset ${source}`, name: source, dir: process.cwd() };
  throw new Error(`no config file or preset named '${source}'. Give a path to a JSON file or one of the presets: ${listPresets().join(', ')}.`);
}

function readJsonObject(path: string, origin: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${origin} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${origin} must hold a JSON object (an experiment config).`);
  return value as Record<string, unknown>;
}

/**
 * Apply one `--set key.path=value` to `raw` in place (intermediate objects are created). The schema later
 * rejects keys that do not exist, so a typo is reported with the allowed keys.
 */
export function applySet(raw: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  const path = assignment.slice(0, eq).split('.');
  if (eq <= 0 || path.some((p) => p === '')) throw new Error(`--set expects key=value with a dotted key, e.g. --set algorithm.innerLr=0.05; got '${assignment}'.`);
  const value = parseValue(assignment.slice(eq + 1));
  let node = raw;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new Error(`--set ${assignment}: '${key}' is not an object in the config.`);
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
