/**
 * What WorkerVecEnv (worker-vec.ts) starts its worker threads (vec-worker.ts) with.
 */
import type { SyncWorkerChannel } from './sync-worker.js';
import type { EnvOptions } from './task-def.js';

/** What a worker is started with (plus its channel ends). */
export interface VecWorkerData extends SyncWorkerChannel {
  envId: string;
  options: EnvOptions;
  /** Global index of this worker's first env, and how many envs it hosts. */
  firstIndex: number;
  numEnvs: number;
  /** Modules to import before looking the env id up (they register user-defined envs). */
  setupModules: string[];
}
