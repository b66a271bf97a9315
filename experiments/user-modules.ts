/**
 * Loading users' modules (`--module <file>`, a config's `modules`): JavaScript or TypeScript files that register
 * envs and learners at import. Each file must load, register at least one env or learner, and every env it
 * registers must pass the quick conformance checks (observations agree with the spaces and layout); anything else stops the command with one line naming
 * the file and the fix, before a run directory is touched. Loaded modules are imported by VecEnv worker threads
 * too (envs/setup-modules.ts).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listLearners } from '../agents/index.js';
import { checkEnv, listEnvs } from '../envs/index.js';
import { addSetupModule, importSetupModule, setupModules } from '../envs/setup-modules.js';

/** What one module registered. */
export interface LoadedModule {
  /** Absolute path of the file. */
  file: string;
  envs: string[];
  learners: string[];
}

/** How to load. */
export interface LoadModulesOptions {
  /** Paths are relative to this directory (default: the working directory). */
  base?: string;
  /** Reject a module whose envs make observations of the wrong size (default true; check-env reports it instead). */
  checkEnvs?: boolean;
}

/**
 * Load `files` in order; a file already loaded into this process is not loaded again.
 * @returns what each newly loaded file registered.
 */
export async function loadUserModules(files: readonly string[], options: LoadModulesOptions = {}): Promise<LoadedModule[]> {
  const loaded: LoadedModule[] = [];
  for (const file of files) {
    const path = resolveModulePath(file, options.base);
    if (setupModules().includes(pathToFileURL(path).href)) continue;
    loaded.push(await loadUserModule(file, path, options.checkEnvs ?? true));
  }
  return loaded;
}

/** The absolute path of module `file` given relative to `base`; an error naming the fix when it does not exist. */
export function resolveModulePath(file: string, base = process.cwd()): string {
  const path = isAbsolute(file) ? file : resolve(base, file);
  if (!existsSync(path)) throw new Error(`module ${file}: no such file (${path}); give the path of a .js, .mjs or .ts file that registers envs or learners.`);
  return path;
}

async function loadUserModule(file: string, path: string, checkEnvs: boolean): Promise<LoadedModule> {
  const envsBefore = new Set(listEnvs());
  const learnersBefore = new Set(listLearners());
  const url = pathToFileURL(path).href;
  try {
    await importSetupModule(url);
  } catch (error) {
    throw new Error(`module ${file} failed to load: ${firstLine(error)} (fix the file; metarl check-env ${file} runs it with details).`);
  }
  const envs = listEnvs().filter((id) => !envsBefore.has(id));
  const learners = listLearners().filter((name) => !learnersBefore.has(name));
  if (envs.length === 0 && learners.length === 0) {
    throw new Error(`module ${file} registered no env or learner: call registerEnv(robotEnv({...})) or registerLearner({...}) from 'metarl' in it (importing metarl from the same installation as the CLI).`);
  }
  if (checkEnvs) for (const id of envs) await checkLoadedEnv(file, id);
  addSetupModule(url);
  return { file: path, envs, learners };
}

/** The quick checks a module's envs must pass to load: their observations agree with their spaces and layout. */
const LOAD_CHECKS = ['spaces and card', 'observation layout'];

/** Run {@link LOAD_CHECKS} on env `id`; the first failure becomes one line naming the file and the fix. */
async function checkLoadedEnv(file: string, id: string): Promise<void> {
  const report = await checkEnv(id, { checks: LOAD_CHECKS });
  const failure = report.results.find((r) => !r.passed);
  if (failure) throw new Error(`module ${file}: env ${id} is broken (${failure.check}): ${failure.failures[0]} (metarl check-env ${file} lists every problem).`);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
