/**
 * PEARL speed on this machine: gradient steps per second of its training (one step = SAC's five networks and the
 * context encoder on a meta-batch of tasks) and env steps per second of its data collection (plain-JS acting with
 * posterior sampling on a VecEnv), from one timed meta-iteration after a warm-up one. `metarl bench` runs
 * {@link timePearl} at the cheetah-dir-pearl preset's sizes; run as a script it times a grid of network widths and
 * batch sizes, each with the gradient steps on 1 thread and, data-parallel, on `--threads` threads (as many groups of
 * tasks per step: PEARL's `learnerThreads` and `gradientShards`), side by side:
 *
 *   node --import tsx bench/pearl-timing.ts [--backend wasm] [--steps 30] [--env CheetahVel-v0] [--workers 2]
 *     [--threads 2] [--grid 64x2:8x64,128x3:8x128,...]   (netSize x netDepth : metaBatch x batchSize)
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, type BackendRequest } from '../agents/backend.js';
import { Pearl } from '../agents/meta/pearl.js';
import '../envs/index.js';

/** The sizes PEARL is timed at. */
export interface PearlSetup {
  envId: string;
  /** Hidden units and layers of the SAC networks (the encoder gets `netSize` x 2 hidden units too). */
  netSize: number;
  netDepth: number;
  /** Tasks per gradient step and transitions per task (SAC batch and context batch alike). */
  metaBatch: number;
  batchSize: number;
  /** Gradient steps of the timed iteration. */
  gradientSteps: number;
  /** Tasks collected on per iteration, and env steps per task in each of the prior and posterior phases. */
  collectionTasks: number;
  collectionSteps: number;
  /** Threads stepping the collection envs. */
  workers: number;
  /** Threads of the gradient steps and groups of tasks per step (PEARL's `learnerThreads`, `gradientShards`; default 1). */
  learnerThreads?: number;
  gradientShards?: number;
}

/** What {@link timePearl} measured. */
export interface PearlTiming extends PearlSetup {
  gradientStepsPerSecond: number;
  msPerGradientStep: number;
  /** Process CPU time per gradient step (robust to other processes on the machine; includes the collection). */
  cpuMsPerGradientStep: number;
  /** Env steps of the timed iteration's collection, and their rate. */
  collectionEnvSteps: number;
  collectionEnvStepsPerSecond: number;
}

/** Time one PEARL meta-iteration of `setup` after a warm-up one (initial data, JIT and kernel caches). */
export async function timePearl(setup: PearlSetup): Promise<PearlTiming> {
  const { envId, netSize, netDepth, metaBatch, batchSize, gradientSteps, collectionTasks, collectionSteps, workers, learnerThreads = 1, gradientShards = 1 } = setup;
  const learner = await Pearl.create({
    envId, envOptions: {}, seed: 0, vecRun: { workers }, learnerThreads, gradientShards,
    numTrainTasks: Math.max(2, collectionTasks), numTasksSample: collectionTasks, netSize, netDepth, encoderHidden: [netSize, netSize], metaBatch, batchSize,
    embeddingBatchSize: batchSize, numInitialSteps: collectionSteps, numStepsPrior: collectionSteps, numExtraRlStepsPosterior: collectionSteps, numTrainStepsPerItr: gradientSteps,
  });
  try {
    await learner.metaStep([], 0);
    const cpu = process.cpuUsage();
    const m = await learner.metaStep([], 1);
    const used = process.cpuUsage(cpu);
    return {
      ...setup,
      gradientStepsPerSecond: m.info.gradientStepsPerSecond as number,
      msPerGradientStep: m.timings.outer / gradientSteps,
      cpuMsPerGradientStep: (used.user + used.system) / 1000 / gradientSteps,
      collectionEnvSteps: m.envSteps,
      collectionEnvStepsPerSecond: m.envSteps / (m.timings.sampling / 1000),
    };
  } finally {
    learner.dispose();
  }
}

/** The script: a grid of sizes (gradient steps) and one collection rate. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      steps: { type: 'string', default: '30' },
      env: { type: 'string', default: 'CheetahVel-v0' },
      workers: { type: 'string', default: '2' },
      threads: { type: 'string', default: String(availableParallelism()) },
      grid: { type: 'string', default: '64x2:8x64,64x2:16x128,128x2:8x128,128x3:16x128,256x3:16x256,300x3:16x256' },
    },
  });
  const backend = await initBackend(values.backend as BackendRequest, () => {});
  const threads = Number(values.threads);
  const common = { envId: values.env as string, gradientSteps: Number(values.steps), workers: Number(values.workers), collectionTasks: 2, collectionSteps: 200 };
  console.log(`PEARL timing on ${common.envId}, backend ${backend.name} (${backend.detail}), ${common.gradientSteps} gradient steps per measurement`);
  const rows = [];
  for (const spec of (values.grid as string).split(',')) {
    const [net, batch] = spec.split(':');
    const [netSize, netDepth] = net.split('x').map(Number);
    const [metaBatch, batchSize] = batch.split('x').map(Number);
    const t = await timePearl({ ...common, netSize, netDepth, metaBatch, batchSize });
    const p = await timePearl({ ...common, netSize, netDepth, metaBatch, batchSize, learnerThreads: threads, gradientShards: threads });
    rows.push({
      net: `${netSize} x ${netDepth} layers`, 'rows/step': `${metaBatch} x ${batchSize} = ${metaBatch * batchSize}`, 'grad steps/s': t.gradientStepsPerSecond.toFixed(1), 'ms/step': t.msPerGradientStep.toFixed(1),
      'CPU ms/step': t.cpuMsPerGradientStep.toFixed(1), [`ms/step, ${threads} threads`]: p.msPerGradientStep.toFixed(1), speed_up: (t.msPerGradientStep / p.msPerGradientStep).toFixed(2),
    });
  }
  console.table(rows);
  const c = await timePearl({ ...common, netSize: 64, netDepth: 2, metaBatch: 4, batchSize: 64, gradientSteps: 1, collectionTasks: 5, collectionSteps: 2000 });
  console.log(`collection: ${c.collectionEnvSteps} env steps = ${c.collectionEnvStepsPerSecond.toFixed(0)} env steps/s (5 tasks, ${common.workers} thread(s), prior + posterior phases)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
