/**
 * What distributing the sampling costs on one machine: a MAML-TRPO meta-iteration with its rollouts in-process
 * (1 and 2 threads) and on 1 and 2 `metarl worker` processes (1 thread each) through a redis-server on loopback,
 * side by side in one run, with the payload per rollout job. Every mode computes the same numbers (checked).
 *
 *   node --import tsx bench/distributed-sampling.ts [--preset cheetah-vel-maml] [--iterations 3] [--json file]
 *
 * Needs Debian's redis-server. Reports the median over the timed iterations (the first is a warm-up: JIT, VecEnv
 * blocks built on the workers).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../agents/backend.js';
import type { MetaLearner } from '../agents/meta/types.js';
import { envSpec, Rng } from '../envs/index.js';
import { RedisChunkRunner } from '../distributed/redis-chunk-runner.js';
import { loadConfig } from '../experiments/config-file.js';
import { formatTable } from '../experiments/text-table.js';
import { createLearner } from '../experiments/learners.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { startRedis, startWorker, stopProcess, type MetarlProcess } from '../test/redis-fixture.js';
import { median } from './measure.js';

const { values } = parseArgs({ options: { preset: { type: 'string', default: 'cheetah-vel-maml' }, iterations: { type: 'string', default: '3' }, json: { type: 'string' } } });
const iterations = Number(values.iterations);

/** One mode's timings (s per meta-iteration, medians after the warm-up) and what it computed. */
interface ModeResult {
  mode: string;
  samplingSeconds: number;
  iterationSeconds: number;
  preReturns: number[];
  /** Rollout jobs only: mean JSON bytes per job sent (tasks, policy weights) and received (paths). */
  bytesPerJob?: { sent: number; received: number };
}

/** Run `iterations` meta-iterations of a fresh learner (same seeds in every mode). */
async function time(mode: string, config: ExperimentConfig, learner: MetaLearner): Promise<ModeResult> {
  const rng = Rng.fromSeed(config.seed);
  const tasks = envSpec(config.env).def.tasks;
  const sampling: number[] = [];
  const total: number[] = [];
  const preReturns: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const m = await learner.metaStep(tasks.sample(rng, config.metaBatchSize), rng.seed());
    sampling.push(m.timings.sampling / 1000);
    total.push(m.timings.total / 1000);
    preReturns.push(m.preReturn);
    console.error(`${mode}: iteration ${i + 1}: ${(m.timings.total / 1000).toFixed(2)} s (sampling ${(m.timings.sampling / 1000).toFixed(2)} s)`);
  }
  learner.dispose();
  return { mode, samplingSeconds: median(sampling.slice(1)), iterationSeconds: median(total.slice(1)), preReturns };
}

async function remote(workers: number, config: ExperimentConfig): Promise<ModeResult> {
  const redis = await startRedis();
  const procs: MetarlProcess[] = [];
  try {
    for (let w = 0; w < workers; w++) procs.push(await startWorker(redis));
    const runner = await RedisChunkRunner.connect(redis.url);
    try {
      const result = await time(`${workers} worker process${workers > 1 ? 'es' : ''}`, config, await createLearner(config, 1, runner));
      const { jobs, sentBytes, receivedBytes } = runner.traffic;
      return { ...result, bytesPerJob: { sent: sentBytes / jobs, received: receivedBytes / jobs } };
    } finally {
      await runner.close();
    }
  } finally {
    for (const p of procs) await stopProcess(p);
    await redis.stop();
  }
}

const { config } = await loadConfig(values.preset);
await initBackend(config.backend, (line) => console.error(line));
const results: ModeResult[] = [];
for (const threads of [1, 2]) results.push(await time(`in-process, ${threads} thread${threads > 1 ? 's' : ''}`, config, await createLearner({ ...config, algorithm: { ...config.algorithm, learnerThreads: 1 } }, threads)));
for (const workers of [1, 2]) results.push(await remote(workers, { ...config, algorithm: { ...config.algorithm, learnerThreads: 1 } }));
const same = results.every((r) => r.preReturns.every((v, i) => v === results[0].preReturns[i]));
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const table = formatTable([
  ['sampling', 'sampling s/it', 'meta-iteration s/it', 'per rollout job: sent / received'],
  ...results.map((r) => [r.mode, r.samplingSeconds.toFixed(2), r.iterationSeconds.toFixed(2), r.bytesPerJob ? `${kb(r.bytesPerJob.sent)} / ${kb(r.bytesPerJob.received)}` : '-']),
]);
console.log(`${values.preset} (${config.env}, ${config.metaBatchSize} tasks: one rollout job per task), learner on 1 thread, median of ${iterations - 1} iterations after a warm-up`);
console.log(table);
console.log(same ? 'every mode computed the same pre-adaptation returns' : 'MISMATCH: the modes computed different returns');
if (values.json) writeFileSync(values.json, `${JSON.stringify({ preset: values.preset, iterations, results, same }, null, 2)}\n`);
if (!same) process.exitCode = 1;
