/**
 * The worker-thread side of WorkerVecEnv: one Rapier world holding a contiguous block of a vector env's robots,
 * served over a SyncChannel. Started by worker-vec.ts with {@link VecWorkerData}; never imported by users.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initPhysics } from '../sim/rapier.js';
import './builtin-envs.js';
import { envSpec } from './registry.js';
import { importSetupModule } from './setup-modules.js';
import { serveSync } from './sync-channel.js';
import { loadBlockPolicy } from './block-policy.js';
import { vecBlockHandlers } from './vec-block.js';
import { applyEnvOptions } from './task-def.js';
import type { VecWorkerData, VecWorkerHello } from './vec-worker-protocol.js';
import { RobotVecEnv } from './vec-env.js';

async function start(data: VecWorkerData): Promise<void> {
  for (const module of data.setupModules) await importSetupModule(module);
  await initPhysics();
  const vec = new RobotVecEnv(applyEnvOptions(envSpec(data.envId).def, data.options), data.numEnvs, data.options, data.firstIndex);
  serveSync(data.port, data.counters, data.slot, vecBlockHandlers(vec, data.firstIndex, loadBlockPolicy));
}

start(workerData as VecWorkerData).then(
  () => parentPort?.postMessage({ ready: true } satisfies VecWorkerHello),
  (error: unknown) => parentPort?.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) } satisfies VecWorkerHello),
);
