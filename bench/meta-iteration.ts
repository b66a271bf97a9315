/**
 * Time of one meta-iteration of ProMP or the multi-task PPO baseline, split into sampling / inner / outer.
 *
 *   node --import tsx bench/meta-iteration.ts [--learner promp|multitask] [--backend wasm] [--env PointNav-v0]
 *     [--tasks 20] [--episodes 20] [--hidden 64,64] [--epochs 5] [--iterations 2] [--json out.json]
 *
 * One warm-up iteration on a 2 x 2 batch (JIT, kernel set-up), then `iterations` timed iterations on
 * tasks x episodes; prints every row and the median. (MAML-TRPO has its own breakdown: bench/maml-iteration.ts.)
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend, useBackend, type BackendName } from '../agents/backend.js';
import { MultiTask } from '../agents/meta/multitask.js';
import { Promp } from '../agents/meta/promp.js';
import type { MetaLearner } from '../agents/meta/types.js';
import { envSpec } from '../envs/index.js';
import { formatRow, timeMetaIterations } from './meta-timing.js';

const { values } = parseArgs({
  options: {
    learner: { type: 'string', default: 'promp' },
    backend: { type: 'string', default: 'wasm' },
    env: { type: 'string', default: 'PointNav-v0' },
    tasks: { type: 'string', default: '20' },
    episodes: { type: 'string', default: '20' },
    hidden: { type: 'string', default: '64,64' },
    epochs: { type: 'string' },
    iterations: { type: 'string', default: '2' },
    json: { type: 'string' },
  },
});
if (values.learner !== 'promp' && values.learner !== 'multitask') throw new Error(`--learner must be promp or multitask, got '${values.learner}'.`);
const [numTasks, episodes, iterations] = [Number(values.tasks), Number(values.episodes), Number(values.iterations)];
const hidden = values.hidden.split(',').map(Number);
const taskDist = envSpec(values.env).def.tasks;

async function create(episodesPerTask: number): Promise<MetaLearner> {
  const common = { envId: values.env, hidden, episodesPerTask, seed: 1, ...(values.epochs ? { epochs: Number(values.epochs) } : {}) };
  return values.learner === 'promp' ? Promp.create(common) : MultiTask.create(common);
}

await initBackend('auto', () => {});
await useBackend(values.backend as BackendName);
const { rows, median } = await timeMetaIterations({
  create,
  tasks: taskDist,
  numTasks,
  episodes,
  iterations,
  onRow: (row, i) => console.log(`${values.learner} ${values.backend} iteration ${i}: ${formatRow(row)}`),
});
console.log(`median of ${iterations} (${numTasks} tasks x ${episodes} episodes, hidden [${hidden}], ${cpus()[0]?.model ?? 'cpu'}): ${formatRow(median)}`);
if (values.json) writeFileSync(values.json, JSON.stringify({ ...values, rows, median }, null, 2));
