/**
 * A `metarl worker` job thread (see job-threads.ts): imports the built-in envs and the worker's setup modules,
 * then runs one job at a time: rollout chunks on cached VecEnv blocks, whole training runs of a sweep.
 */
import { parentPort, workerData } from 'node:worker_threads';
import '../envs/builtin-envs.js';
import { importSetupModule } from '../envs/setup-modules.js';
import type { JobReply, JobRequest, JobThreadData } from './job-thread-protocol.js';
import { RolloutJobRunner } from './rollout-job.js';

const data = workerData as JobThreadData;
const ready = (async () => {
  for (const module of data.modules) await importSetupModule(module);
})();
const rollouts = new RolloutJobRunner();

async function runJob({ id, kind, data: job }: JobRequest): Promise<unknown> {
  await ready;
  if (kind === 'rollout') return rollouts.run(job);
  const { runSweepJob } = await import('./sweep-job.js');
  return runSweepJob(job, (progress) => parentPort?.postMessage({ id, progress } satisfies JobReply));
}

parentPort?.on('message', (request: JobRequest) => {
  runJob(request).then(
    (value) => parentPort?.postMessage({ id: request.id, ok: true, value } satisfies JobReply),
    (error: unknown) => parentPort?.postMessage({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies JobReply),
  );
});
