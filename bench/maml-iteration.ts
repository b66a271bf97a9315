/**
 * Time of one MAML-TRPO meta-iteration, split into sampling / inner / outer, per TF.js backend.
 *
 *   node --import tsx bench/maml-iteration.ts [--backends wasm,cpu] [--env PointNav-v0] [--tasks 20]
 *     [--episodes 20] [--hidden 64,64] [--iterations 2] [--first-order] [--breakdown] [--subsample 0.5,0.2,0.1]
 *     [--learner-threads 1] [--stock-matmul-grad] [--json out.json]
 *
 * Per backend: one warm-up meta-iteration on a 2 x 2 batch (JIT, kernel set-up), then `iterations` timed
 * meta-iterations on tasks x episodes; the median is reported. `--breakdown` also times the pieces of the outer
 * TRPO step on one meta-batch: the meta-gradient (second order), one Fisher-vector product of the KL through
 * the inner update (third order; TRPO runs cgIterations + 1 of them), and one loss + KL evaluation (a
 * line-search trial), and with `--subsample` one product on each fraction of the samples (TRPO's
 * `subsampleFactor`, agents/meta/policy-curvature.ts). `--stock-matmul-grad` puts tfjs-core's own matMul gradient back after Maml.create installs
 * the wasm-friendly one (agents/matmul-grad.ts), to measure what that saves.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, useBackend, type BackendName } from '../agents/backend.js';
import { flaggedBatchMatMulGradConfig } from '../agents/matmul-grad.js';
import { adaptParams, disposeTaskData, metaGradient, outerKl, outerLoss, type MamlTaskData } from '../agents/meta/maml-objective.js';
import { outerBatch } from '../agents/meta/policy-batch.js';
import { curvatureTask } from '../agents/meta/policy-curvature.js';
import { Maml } from '../agents/meta/maml.js';
import { groupPathsByTask, processTaskPaths, toPolicyBatch } from '../agents/meta/task-samples.js';
import { rolloutTasks } from '../agents/meta/task-rollouts.js';
import { disposeParams, paramCount } from '../agents/nets.js';
import type { Path } from '../agents/sampler.js';
import { tidyRead } from '../agents/tensor-read.js';
import { hessianVectorProduct } from '../agents/trpo.js';
import { envSpec, makeVecEnv, Rng } from '../envs/index.js';
import { median } from './measure.js';
import { formatRow, timeMetaIterations, type TimingRow } from './meta-timing.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,cpu' },
    env: { type: 'string', default: 'PointNav-v0' },
    tasks: { type: 'string', default: '20' },
    episodes: { type: 'string', default: '20' },
    hidden: { type: 'string', default: '64,64' },
    iterations: { type: 'string', default: '2' },
    'first-order': { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
    subsample: { type: 'string', default: '' },
    'learner-threads': { type: 'string', default: '1' },
    'stock-matmul-grad': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const envId = values.env;
const numTasks = Number(values.tasks);
const episodes = Number(values.episodes);
const hidden = values.hidden.split(',').map(Number);
const iterations = Number(values.iterations);
const firstOrder = values['first-order'];
const taskDist = envSpec(envId).def.tasks;

/** Maml.create, then (with --stock-matmul-grad) tfjs-core's matMul gradient in place of the wasm-friendly one. */
async function createMaml(episodesPerTask: number): Promise<Maml> {
  const maml = await Maml.create({ envId, hidden, episodesPerTask, firstOrder, seed: 1, learnerThreads: Number(values['learner-threads']) });
  if (values['stock-matmul-grad']) tf.registerGradient(flaggedBatchMatMulGradConfig);
  return maml;
}

async function timeIterations(): Promise<{ rows: TimingRow[]; median: TimingRow; params: number }> {
  let params = 0;
  const timing = await timeMetaIterations({
    create: createMaml,
    tasks: taskDist,
    numTasks,
    episodes,
    iterations,
    onRow: (row, i) => console.log(`  iteration ${i + 1}: ${formatRow(row)}`),
    inspect: (learner) => (params = paramCount((learner as Maml).policyParams)),
  });
  return { ...timing, params };
}

/** One meta-batch's task data, built with the same public pieces Maml.metaStep uses (one inner step). */
async function buildTaskData(maml: Maml): Promise<MamlTaskData[]> {
  const tasks = taskDist.sample(Rng.fromSeed(3), numTasks);
  const vec = await makeVecEnv(envId, numTasks * episodes);
  const rng = Rng.fromSeed(4);
  const obsDim = vec.singleObservationSpace.dim;
  const actDim = vec.singleActionSpace.dim;
  const update = { lr: maml.config.innerLr, firstOrder, activation: maml.config.activation };
  const adv = { gamma: 0.99, lambda: 1, normalize: true };
  const roll = (policies: tf.Tensor[][]) => rolloutTasks(vec, { tasks, policies, episodesPerTask: episodes, seed: rng.seed(), noise: rng, activation: 'tanh' });
  const group = (paths: Path[]) => groupPathsByTask(paths, numTasks, episodes).map((g) => toPolicyBatch(processTaskPaths(g, obsDim, adv), obsDim, actDim));
  const pre = group(await roll([maml.policyParams]));
  const adapted = pre.map((b) => tf.tidy(() => adaptParams(maml.policyParams, [b], update)));
  const post = group(await roll(adapted));
  const data = pre.map((b, i) => ({ inner: [b], outer: outerBatch(adapted[i], post[i], 'tanh') }));
  adapted.forEach(disposeParams);
  vec.close();
  return data;
}

/** Milliseconds of the outer step's pieces (median of 3 after one warm-up call). */
async function timeBreakdown(): Promise<Record<string, number>> {
  const maml = await createMaml(episodes);
  const data = await buildTaskData(maml);
  const update = { lr: maml.config.innerLr, firstOrder, activation: maml.config.activation };
  const params = maml.policyParams;
  const v = Float32Array.from({ length: paramCount(params) }, (_, i) => Math.sin(i));
  const hvp = hessianVectorProduct((ps) => outerKl(ps, data, update), params);
  const time = async (f: () => Promise<unknown>): Promise<number> => {
    await f();
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      await f();
      runs.push(performance.now() - t0);
    }
    return median(runs);
  };
  const out: Record<string, number> = {
    metaGradient: await time(() => tidyRead(() => [metaGradient(params, data, update).grads[0]])),
    fisherVectorProduct: await time(() => hvp(v)),
    lossAndKl: await time(() => tidyRead(() => [outerLoss(params, data, update), outerKl(params, data, update)])),
  };
  for (const factor of values.subsample.split(',').filter((f) => f !== '').map(Number)) {
    const copies = data.map((task, i) => curvatureTask(params, task, update, factor, Rng.fromSeed(i)));
    out[`fisherVectorProduct@${factor}`] = await time(() => hessianVectorProduct((ps) => outerKl(ps, copies, update), params)(v));
    disposeTaskData(copies);
  }
  disposeTaskData(data);
  maml.dispose();
  return out;
}

await initBackend('auto', () => {});
const results: Record<string, unknown> = {};
const matMulGrad = values['stock-matmul-grad'] ? 'tfjs-core matMul gradient' : 'wasm-friendly matMul gradient';
console.log(`MAML${firstOrder ? ' (first order)' : ''}-TRPO on ${envId}: ${numTasks} tasks x ${episodes} episodes, hidden [${hidden}], ${matMulGrad}, ${cpus().length} x ${cpus()[0]?.model}`);
for (const backend of values.backends.split(',') as BackendName[]) {
  await useBackend(backend);
  console.log(`backend ${backend}:`);
  const timing = await timeIterations();
  console.log(`  median: ${formatRow(timing.median)}; ${timing.params} policy parameters`);
  const breakdown = values.breakdown ? await timeBreakdown() : undefined;
  if (breakdown) console.log(`  outer pieces (ms): ${JSON.stringify(breakdown, (_, x) => (typeof x === 'number' ? Math.round(x) : x))}`);
  results[backend] = { ...timing, breakdown, numTensors: tf.memory().numTensors };
}
if (values.json) writeFileSync(values.json, JSON.stringify({ envId, numTasks, episodes, hidden, firstOrder, matMulGrad, results }, null, 2));
