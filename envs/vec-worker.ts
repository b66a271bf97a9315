/**
 * The worker-thread side of WorkerVecEnv: one Rapier world holding a contiguous block of a vector env's robots,
 * served over a SyncChannel. Started by worker-vec.ts with {@link VecWorkerData}; never imported by users.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { initPhysics } from '../sim/rapier.js';
import { envSpec } from './index.js';
import { serveSync } from './sync-channel.js';
import { loadBlockPolicy } from './block-policy.js';
import { vecBlockHandlers } from './vec-block.js';
import { applyEnvOptions, type EnvOptions } from './task-def.js';
import type { Task } from './types.js';
import { RobotVecEnv } from './vec-env.js';

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

async function start(data: VecWorkerData): Promise<void> {
  for (const module of data.setupModules) await import(module);
  await initPhysics();
  const vec = new RobotVecEnv(applyEnvOptions(envSpec(data.envId).def, data.options), data.numEnvs, data.options, data.firstIndex);
  serveSync(data.port, data.counters, data.slot, vecBlockHandlers(vec, data.firstIndex, loadBlockPolicy));
}

start(workerData as VecWorkerData).then(
  () => parentPort?.postMessage({ ready: true } satisfies VecWorkerHello),
  (error: unknown) => parentPort?.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) } satisfies VecWorkerHello),
);
