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
import type { MetaLearner, MetaTimings } from '../agents/meta/types.js';
import { envSpec, Rng } from '../envs/index.js';

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

type Row = MetaTimings & { envSteps: number };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await initBackend('auto', () => {});
await useBackend(values.backend as BackendName);
const warm = await create(2);
await warm.metaStep(taskDist.sample(Rng.fromSeed(0), 2), 0);
warm.dispose();
const learner = await create(episodes);
const rng = Rng.fromSeed(1);
const rows: Row[] = [];
for (let i = 0; i < iterations; i++) {
  const m = await learner.metaStep(taskDist.sample(rng, numTasks), 10 + i);
  rows.push({ ...m.timings, envSteps: m.envSteps });
  console.log(`${values.learner} ${values.backend} iteration ${i}: ${fmt(rows[i])}`);
}
learner.dispose();
const med: Row = { sampling: 0, inner: 0, outer: 0, total: 0, envSteps: 0 };
for (const k of Object.keys(med) as (keyof Row)[]) med[k] = median(rows.map((r) => r[k]));
console.log(`median of ${iterations} (${numTasks} tasks x ${episodes} episodes, hidden [${hidden}], ${cpus()[0]?.model ?? 'cpu'}): ${fmt(med)}`);
if (values.json) writeFileSync(values.json, JSON.stringify({ ...values, rows, median: med }, null, 2));

function fmt(r: Row): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `total ${s(r.total)} = sampling ${s(r.sampling)} + inner ${s(r.inner)} + outer ${s(r.outer)} (${r.envSteps} env steps)`;
}
