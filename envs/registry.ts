/**
 * The env registry: registerEnv / makeEnv(id) / makeVecEnv(id, n) / listEnvs().
 */
import { initPhysics } from '../sim/rapier.js';
import { applyEnvOptions, type EnvOptions } from './task-def.js';
import { RobotVecEnv } from './vec-env.js';
import type { VecRunOptions } from './worker-vec.js';
import type { EnvSpec } from './robot-env.js';
import type { Env, Task, VecEnv } from './types.js';

const specs = new Map<string, EnvSpec<Task>>();

/** Register an env family under its id (`Name-vN`); ids are unique. */
export function registerEnv<T extends Task>(spec: EnvSpec<T>): void {
  if (!/^[A-Z][A-Za-z0-9]*-v\d+$/.test(spec.id)) throw new Error(`registerEnv: id "${spec.id}" must look like Name-vN.`);
  if (specs.has(spec.id)) throw new Error(`registerEnv: "${spec.id}" is already registered; pick another id (or bump its version, e.g. Name-v1).`);
  specs.set(spec.id, spec as unknown as EnvSpec<Task>);
}

/** The registered spec for `id`, or an error listing the valid ids. */
export function envSpec(id: string): EnvSpec<Task> {
  const spec = specs.get(id);
  if (!spec) throw new Error(`Unknown env id "${id}". Valid ids: ${listEnvs().join(', ')}.`);
  return spec;
}

/** A new single env. */
export async function makeEnv(id: string, options?: EnvOptions): Promise<Env<Task>> {
  return envSpec(id).make(options);
}

/** A new vector env of `numEnvs` robots: on this thread, or over `run.workers` worker threads (same numbers). */
export async function makeVecEnv(id: string, numEnvs: number, options?: EnvOptions, run?: VecRunOptions): Promise<VecEnv<Task>> {
  return envSpec(id).makeVec(numEnvs, options, run);
}

/**
 * Envs [firstIndex, firstIndex + numEnvs) of a larger vector env of `id`, on this thread: robot j
 * stands where env firstIndex + j stands, so it computes that env's numbers (a worker thread's block, a
 * distributed rollout's chunk). Its `reset(seed)` seeds robot j with seed + j: pass the whole env's seed + firstIndex.
 */
export async function makeVecEnvBlock(id: string, numEnvs: number, options: EnvOptions, firstIndex: number): Promise<RobotVecEnv<Task>> {
  const def = envSpec(id).def;
  await initPhysics();
  return new RobotVecEnv(applyEnvOptions(def, options), numEnvs, options, firstIndex);
}

/** Registered env ids, sorted. */
export function listEnvs(): string[] {
  return [...specs.keys()].sort();
}
