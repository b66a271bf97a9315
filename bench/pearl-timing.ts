/**
 * PEARL speed on this machine: gradient steps per second of one PEARL/SAC step (five networks and the encoder)
 * for a grid of network widths and batch sizes, and env steps per second of its data collection (plain-JS acting
 * with posterior sampling on a VecEnv), each after a warm-up.
 *
 *   node --import tsx bench/pearl-timing.ts [--backend wasm] [--steps 30] [--env CheetahVel-v0] [--workers 2]
 *     [--grid 64x2:8x64,128x3:8x128,...]   (netSize x netDepth : metaBatch x batchSize)
 */
import { parseArgs } from 'node:util';
import { initBackend, type BackendRequest } from '../agents/backend.js';
import { Pearl } from '../agents/meta/pearl.js';
import type { PearlOptions } from '../agents/meta/pearl-options.js';
import '../envs/index.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '30' },
    env: { type: 'string', default: 'CheetahVel-v0' },
    workers: { type: 'string', default: '2' },
    grid: { type: 'string', default: '64x2:8x64,64x2:16x128,128x2:8x128,128x3:16x128,256x3:16x256,300x3:16x256' },
  },
});

/** One timed configuration. */
interface Row {
  net: string;
  rows: string;
  stepsPerSecond: number;
  msPerStep: number;
  /** Process CPU time per gradient step (robust to other processes on the machine; includes the short collection). */
  cpuMsPerStep: number;
}

/** A learner of `env` with the sizes of `spec` and data for training (one short metaStep). */
async function learnerFor(spec: string, steps: number): Promise<{ learner: Pearl; options: PearlOptions }> {
  const [net, batch] = spec.split(':');
  const [netSize, netDepth] = net.split('x').map(Number);
  const [metaBatch, batchSize] = batch.split('x').map(Number);
  const options: PearlOptions = {
    envId: values.env as string, envOptions: {}, seed: 0, vecRun: { workers: Number(values.workers) },
    numTrainTasks: 10, numTasksSample: 2, netSize, netDepth, encoderHidden: [netSize, netSize], metaBatch, batchSize,
    embeddingBatchSize: Math.min(batchSize, 100), numInitialSteps: 200, numStepsPrior: 200, numExtraRlStepsPosterior: 200, numTrainStepsPerItr: steps,
  };
  return { learner: await Pearl.create(options), options };
}

async function main(): Promise<void> {
  const backend = await initBackend(values.backend as BackendRequest, () => {});
  const steps = Number(values.steps);
  console.log(`PEARL timing on ${values.env}, backend ${backend.name} (${backend.detail}), ${steps} gradient steps per measurement`);
  const rows: Row[] = [];
  for (const spec of (values.grid as string).split(',')) {
    const { learner } = await learnerFor(spec, steps);
    await learner.metaStep([], 0); // initial data + warm-up (JIT, kernel caches)
    const cpu = process.cpuUsage();
    const m = await learner.metaStep([], 1);
    const used = process.cpuUsage(cpu);
    const [net, batch] = spec.split(':');
    const [mb, b] = batch.split('x').map(Number);
    rows.push({ net: `${net.replace('x', ' x ')} layers`, rows: `${mb} x ${b} = ${mb * b}`, stepsPerSecond: m.info.gradientStepsPerSecond as number, msPerStep: m.timings.outer / steps, cpuMsPerStep: (used.user + used.system) / 1000 / steps });
    learner.dispose();
  }
  console.table(rows.map((r) => ({ net: r.net, 'rows/step': r.rows, 'grad steps/s': r.stepsPerSecond.toFixed(1), 'ms/step': r.msPerStep.toFixed(1), 'CPU ms/step': r.cpuMsPerStep.toFixed(1) })));
  await collectionRate();
}

/** Env steps per second of PEARL's collection (prior + posterior phases) on 5 tasks side by side. */
async function collectionRate(): Promise<void> {
  const { learner, options } = await learnerFor('64x2:4x64', 1);
  learner.dispose();
  const heavy = await Pearl.create({ ...options, numTasksSample: 5, numStepsPrior: 2000, numExtraRlStepsPosterior: 2000 });
  await heavy.metaStep([], 0); // initial collection and warm-up (not timed)
  const m = await heavy.metaStep([], 1);
  const rate = m.envSteps / (m.timings.sampling / 1000);
  console.log(`collection: ${m.envSteps} env steps in ${(m.timings.sampling / 1000).toFixed(2)} s = ${rate.toFixed(0)} env steps/s (5 tasks, ${values.workers} thread(s), prior + posterior phases)`);
  heavy.dispose();
}

await main();
