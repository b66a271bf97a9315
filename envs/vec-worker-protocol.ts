/**
 * What WorkerVecEnv (worker-vec.ts) and its worker threads (vec-worker.ts) say to each other at start.
 */
import type { MessagePort } from 'node:worker_threads';
import type { EnvOptions } from './task-def.js';

/** What a worker is started with. */
export interface VecWorkerData {
  envId: string;
  options: EnvOptions;
  /** Global index of this worker's first env, and how many envs it hosts. */
  firstIndex: number;
  numEnvs: number;
  /** Modules to import before looking the env id up (they register user-defined envs). */
  setupModules: string[];
  port: MessagePort;
  counters: Int32Array;
  slot: number;
}

/** What the worker reports once, on its parent port, before serving: ready, or why it could not start. */
export type VecWorkerHello = { ready: true } | { ready: false; error: string };
