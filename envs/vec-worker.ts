/**
 * The worker-thread side of WorkerVecEnv: one Rapier world holding a contiguous block of a vector env's robots,
 * served over a SyncChannel. Started by worker-vec.ts with {@link VecWorkerData}; never imported by users.
 */
import { initPhysics } from '../sim/rapier.js';
import './builtin-envs.js';
import { envSpec } from './registry.js';
import { importSetupModule } from './setup-modules.js';
import { serveWorker } from './sync-worker.js';
import { loadBlockPolicy } from './block-policy.js';
import { vecBlockHandlers } from './vec-block.js';
import { applyEnvOptions } from './task-def.js';
import type { VecWorkerData } from './vec-worker-protocol.js';
import { RobotVecEnv } from './vec-env.js';

serveWorker(async (data: VecWorkerData) => {
  for (const module of data.setupModules) await importSetupModule(module);
  await initPhysics();
  const vec = new RobotVecEnv(applyEnvOptions(envSpec(data.envId).def, data.options), data.numEnvs, data.options, data.firstIndex);
  return vecBlockHandlers(vec, data.firstIndex, loadBlockPolicy);
});
