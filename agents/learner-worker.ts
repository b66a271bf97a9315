/**
 * The worker-thread side of a LearnerPool (learner-pool.ts): start the TF.js backend the calling thread uses with
 * its gradient set-up, then serve the handlers of the pool's shard module. Started by the pool; never imported by
 * users.
 */
import { initBackend, type BackendName } from './backend.js';
import { disableHigherOrderGradients } from './higher-order-grad.js';
import type { ShardProgram } from './learner-pool.js';
import { registerFastMatMulGradient } from './matmul-grad.js';
import { importSetupModule } from '../envs/setup-modules.js';
import type { SyncHandlers } from '../envs/sync-channel.js';
import { serveWorker, type SyncWorkerChannel } from '../envs/sync-worker.js';

/** What a learner thread is started with. */
export interface LearnerWorkerData extends SyncWorkerChannel {
  /** Modules to import first (they register user-defined envs, learners and recurrent cores). */
  setupModules: string[];
  /** The calling thread's TF.js backend. */
  backend: BackendName;
  /** Whether the higher-order gradient fix is installed there (higher-order-grad.ts). */
  higherOrder: boolean;
  /** Whether the wasm-friendly matMul gradient is registered there (matmul-grad.ts). */
  fastMatMul: boolean;
  program: ShardProgram;
}

serveWorker(async (data: LearnerWorkerData) => {
  for (const module of data.setupModules) await importSetupModule(module);
  await initBackend(data.backend, () => {});
  if (!data.higherOrder) disableHigherOrderGradients();
  if (data.fastMatMul) await registerFastMatMulGradient();
  const module = (await import(data.program.module)) as Record<string, () => SyncHandlers>;
  return module[data.program.factory]();
});
