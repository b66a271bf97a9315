/**
 * The worker-thread side of WorkerVecEnv: one Rapier world holding a contiguous block of a vector env's robots,
 * served over a SyncChannel. Started by worker-vec.ts with {@link VecWorkerData}; never imported by users.
 */
import './builtin-envs.js';
import { makeVecEnvBlock } from './registry.js';
import { importSetupModule } from './setup-modules.js';
import { serveWorker } from './sync-worker.js';
import { loadBlockPolicy } from './block-policy.js';
import { vecBlockHandlers } from './vec-block.js';
import type { VecWorkerData } from './vec-worker-protocol.js';

serveWorker(async (data: VecWorkerData) => {
  for (const module of data.setupModules) await importSetupModule(module);
  const vec = await makeVecEnvBlock(data.envId, data.numEnvs, data.options, data.firstIndex);
  return vecBlockHandlers(vec, data.firstIndex, loadBlockPolicy);
});
