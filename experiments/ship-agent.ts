/**
 * `metarl ship <run> <name>`: copy an evaluated run into experiments/trained/<name>/ as a shipped agent — its
 * newest checkpoint only, without the bulk buffers a resume needs (PEARL's replay buffers: tens of MB, not needed to
 * act, evaluate or view), the newest cached baselines, eval.json, metrics and plots. The result is what `metarl
 * view|demo|eval <name>` load.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { trainedDir } from './shipped-agents.js';

/** Files of a run directory a shipped agent keeps as they are (the ones present). */
const RUN_FILES = ['config.json', 'env-card.json', 'eval.json', 'metrics.jsonl', 'metrics.csv'];

/** Baseline kinds whose newest cached checkpoint is kept (the viewer's and `metarl eval`'s reference lanes). */
const BASELINE_KINDS = ['multitask', 'oracle'];

/**
 * Ship the run at `runDir` as `name` under `root` (default: the package's experiments/trained), replacing an agent
 * of that name. @returns the agent's directory.
 * @throws when the run has no checkpoint or no eval.json (ship evaluated agents only), or `name` is not a plain name.
 */
export function shipAgent(runDir: string, name: string, root = trainedDir()): string {
  if (!/^[\w-]+$/.test(name)) throw new Error(`ship: the agent name '${name}' must be letters, digits, '-' or '_' (it becomes a directory and the name of 'metarl view <name>').`);
  if (!existsSync(join(runDir, 'eval.json'))) throw new Error(`ship: ${runDir} has no eval.json; run 'metarl eval ${runDir}' first (a shipped agent carries its evaluation).`);
  const { checkpoint } = loadCheckpoint(runDir);
  const dest = join(root, name);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const file of RUN_FILES.filter((f) => existsSync(join(runDir, f)))) copyFileSync(join(runDir, file), join(dest, file));
  if (existsSync(join(runDir, 'plots'))) cpSync(join(runDir, 'plots'), join(dest, 'plots'), { recursive: true });
  const { buffers: _buffers, ...learner } = checkpoint.learner;
  saveCheckpoint(join(dest, 'checkpoints'), { ...checkpoint, learner }, 1);
  for (const kind of BASELINE_KINDS) {
    const newest = listCheckpoints(join(runDir, 'baselines', kind)).at(-1);
    if (!newest) continue;
    mkdirSync(join(dest, 'baselines', kind), { recursive: true });
    copyFileSync(newest, join(dest, 'baselines', kind, basename(newest)));
  }
  return dest;
}
