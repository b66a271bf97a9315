/**
 * `metarl check-env [file|id] [--id <id>]`: the env conformance suite (envs/check-env.ts, the same checks the
 * repository's own envs pass in its tests) on the envs a user's module registers, on one registered env, or on
 * every registered env; a pass/fail table per env with one line per failure naming what to fix.
 */
import { existsSync } from 'node:fs';
import { checkEnv, formatEnvCheckReport } from '../envs/check-env.js';
import { envSpec, listEnvs } from '../envs/index.js';
import { loadUserModules } from './user-modules.js';

/** Options of `metarl check-env`. */
export interface CheckEnvOptions {
  /** Check only this env id (of those the file registers, or any registered one). */
  id?: string;
  /** Threads of the worker-thread check (default 2). */
  workers?: number;
  /** More modules to load first (e.g. one the checked file depends on). */
  module?: string[];
}

/** Run the checks; @returns the tables and whether every check of every env passed. */
export async function checkEnvCommand(target: string | undefined, opts: CheckEnvOptions, log: (line: string) => void): Promise<{ text: string; passed: boolean }> {
  await loadUserModules(opts.module ?? []);
  const ids = await idsToCheck(target, opts.id);
  const tables: string[] = [];
  let passed = true;
  for (const id of ids) {
    log(`metarl: checking ${id}`);
    const report = await checkEnv(id, { workers: opts.workers });
    tables.push(formatEnvCheckReport(report));
    passed &&= report.passed;
  }
  return { text: tables.join('\n\n'), passed };
}

/** What an env id looks like (anything else is taken as a module file). */
const ENV_ID = /^[A-Z][A-Za-z0-9]*-v\d+$/;

/** The envs to check: those `target` (a module file) registers, the env `target` names, or every env. */
async function idsToCheck(target: string | undefined, id: string | undefined): Promise<string[]> {
  if (target === undefined) return id === undefined ? listEnvs() : [envSpec(id).id];
  if (!existsSync(target) && ENV_ID.test(target)) return [envSpec(target).id];
  const [loaded] = await loadUserModules([target], { checkEnvs: false });
  const registered = loaded?.envs ?? [];
  if (id !== undefined) {
    if (!registered.includes(id) && !listEnvs().includes(id)) throw new Error(`--id ${id}: ${target} registers ${registered.join(', ') || 'no env'}; give one of those ids.`);
    return [id];
  }
  if (registered.length === 0) throw new Error(`${target} registers no env (only learners?): nothing to check; call registerEnv(robotEnv({...})) in it, or give --id <env id>.`);
  return registered;
}
