/**
 * The agents shipped with the package (experiments/trained/<name>/: a run directory holding its newest checkpoint,
 * eval.json and plots), addressed by name on `metarl view`, `metarl replay` and `metarl demo`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-info.js';

/** The agent `npm run demo` (`metarl demo`) shows when none is named: a half-cheetah adapting its direction. */
export const DEFAULT_DEMO_AGENT = 'cheetah-dir-pearl';

/** Directory of the shipped agents. */
export function trainedDir(): string {
  return join(packageRoot(), 'experiments', 'trained');
}

/** Names of the shipped agents, sorted. */
export function listShippedAgents(): string[] {
  return readdirSync(trainedDir(), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * `pathOrName` when it exists on disk, else the shipped agent of that name; throws naming the shipped agents when
 * it is neither.
 */
export function resolveAgentPath(pathOrName: string): string {
  if (existsSync(pathOrName)) return pathOrName;
  const shipped = join(trainedDir(), pathOrName);
  if (/^[\w-]+$/.test(pathOrName) && existsSync(shipped)) return shipped;
  throw new Error(`no run directory, checkpoint or shipped agent named '${pathOrName}'. Shipped agents: ${listShippedAgents().join(', ')}.`);
}
