/**
 * WorkerVecEnv: the VecEnv interface over several threads. The envs are split into contiguous blocks, one Rapier
 * world per block; the calling thread steps the first block itself and a worker thread steps each other block.
 * Every call goes to all workers at once, the calling thread then does its own block while they run, and the call
 * returns once all have answered, so the interface stays synchronous. (Stepping a block on the calling thread
 * instead of leaving it asleep saves a thread and its wake-ups: 64 cheetahs on 2 threads stepped 12-16% faster
 * than on 2 worker threads, on 2 cores.) Robot j of a block stands where env firstIndex + j stands in the
 * in-process VecEnv and robots do not depend on each other, so the results are bit-identical to it.
 *
 * Workers import the env registry themselves: envs registered at run time by user code must be importable by
 * the workers too (`setupModules`). A batched policy runs on the calling thread over all envs; a block policy
 * (envs/block-policy.ts: the learners' Gaussian MLP) runs in every block, on its thread (`stepWithBlockPolicy`).
 */
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { initPhysics } from '../sim/rapier.js';
import { setupModules } from './setup-modules.js';
import type { RobotSpec } from '../sim/robot-spec.js';
import type { Box } from './box.js';
import { envCard } from './env-card.js';
import { collectAll, LocalCaller, type Caller, type SyncRequest } from './sync-channel.js';
import { siblingModule, startSyncWorker, type SyncWorkerChannel } from './sync-worker.js';
import { actionSpace, observationSpace, type EnvOptions, type RobotTaskDef } from './task-def.js';
import type { EnvCard, StepInfo, Task, VecEnv, VecStepResult } from './types.js';
import { concatArrays } from './typed-arrays.js';
import type { BlockPolicy } from './block-policy.js';
import { vecBlockHandlers, type ActedStep } from './vec-block.js';
import { checkEnvCount, RobotVecEnv, subarray } from './vec-env.js';
import type { VecWorkerData } from './vec-worker-protocol.js';

/** How to run a vector env. */
export interface VecRunOptions {
  /**
   * Threads that step the physics, each with its own world: the calling thread and `workers - 1` worker threads
   * (at most one per env). 1 (the default) keeps everything on the calling thread.
   */
  workers?: number;
  /**
   * Module URLs the workers import first: files that register your own envs, in addition to the modules loaded
   * into this process with `addSetupModule` (envs/setup-modules.ts; the CLI's `--module` does that).
   */
  setupModules?: string[];
}

/** A block of envs and who steps it: a worker thread, or the calling thread (no `worker`). */
interface Block {
  worker?: Worker;
  caller: Caller;
  firstIndex: number;
  numEnvs: number;
}

/** A VecEnv whose robots live in worker threads. Create with {@link WorkerVecEnv.create}; `close()` ends the threads. */
export class WorkerVecEnv<T extends Task> implements VecEnv<T> {
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box;
  readonly card: EnvCard;
  readonly robot: RobotSpec;
  private closed = false;

  private constructor(
    def: RobotTaskDef<T>,
    readonly numEnvs: number,
    options: EnvOptions,
    private readonly blocks: Block[],
  ) {
    this.robot = def.robot;
    this.singleObservationSpace = observationSpace(def, options);
    this.singleActionSpace = actionSpace(def);
    this.card = envCard(def, options);
  }

  /**
   * Host `numEnvs` envs of `def` (a registered env with the env options already applied) on `run.workers` threads
   * (at most one per env): the first block on this thread, one worker thread per other block. Resolves once every
   * worker has built its world.
   */
  static async create<T extends Task>(def: RobotTaskDef<T>, numEnvs: number, options: EnvOptions, run: VecRunOptions): Promise<WorkerVecEnv<T>> {
    checkEnvCount(numEnvs);
    await initPhysics(); // the env card names the engine version, on this thread too
    const workers = run.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`VecEnv: workers must be a positive integer, got ${workers}.`);
    const sizes = blockSizes(numEnvs, Math.min(workers, numEnvs));
    const counters = new Int32Array(new SharedArrayBuffer(4 * (sizes.length - 1)));
    const firsts = sizes.map((_, w) => sizes.slice(0, w).reduce((a, b) => a + b, 0));
    const local = new RobotVecEnv(def, sizes[0], options, 0);
    const modules = [...new Set([...setupModules(), ...(run.setupModules ?? [])])];
    const started = await Promise.allSettled(sizes.slice(1).map((size, w) => startBlock(def.id, options, modules, firsts[w + 1], size, counters, w)));
    const workerBlocks = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      local.close();
      await Promise.all(workerBlocks.map((b) => b.worker?.terminate()));
      throw failure.reason;
    }
    const localBlock: Block = { caller: new LocalCaller(vecBlockHandlers(local, 0)), firstIndex: 0, numEnvs: sizes[0] };
    return new WorkerVecEnv(def, numEnvs, options, [localBlock, ...workerBlocks]);
  }

  /** Threads stepping the physics: the calling thread and the worker threads. */
  get numThreads(): number {
    return this.blocks.length;
  }

  setTasks(tasks: readonly T[]): void {
    if (tasks.length !== this.numEnvs) throw new Error(`VecEnv.setTasks: need ${this.numEnvs} tasks (one per env), got ${tasks.length}.`);
    this.callAll((b) => ({ method: 'setTasks', args: [tasks.slice(b.firstIndex, b.firstIndex + b.numEnvs)] }));
  }

  getTasks(): T[] {
    return (this.callAll(() => ({ method: 'getTasks', args: [] })) as T[][]).flat();
  }

  reset(seed?: number): Float32Array {
    return concatArrays(this.callAll(() => ({ method: 'reset', args: [seed] })) as Float32Array[], Float32Array);
  }

  step(actions: ArrayLike<number>): VecStepResult {
    const act = this.singleActionSpace.dim;
    if (actions.length !== this.numEnvs * act)
      throw new Error(`VecEnv.step: actions must have numEnvs*actDim = ${this.numEnvs}*${act} = ${this.numEnvs * act} entries, got ${actions.length}.`);
    return joinSteps(this.callAll((b) => ({ method: 'step', args: [Float32Array.from(subarray(actions, b.firstIndex * act, b.numEnvs * act))] })) as VecStepResult[]);
  }

  /** Install `policy` on every block: worker threads import its module first (see envs/block-policy.ts). */
  setBlockPolicy(policy: BlockPolicy): void {
    this.callAll(() => ({ method: 'setPolicy', args: [policy] }));
  }

  /** Every block acts with the installed block policy on its own thread, then steps; see VecEnv. */
  stepWithBlockPolicy(stepData: (first: number, count: number) => unknown): { actions: Float32Array; result: VecStepResult } {
    const parts = this.callAll((b) => ({ method: 'actAndStep', args: [stepData(b.firstIndex, b.numEnvs)] })) as ActedStep[];
    return { actions: concatArrays(parts.map((p) => p.actions), Float32Array), result: joinSteps(parts.map((p) => p.result)) };
  }

  bodyPoses(): Float32Array {
    return concatArrays(this.callAll(() => ({ method: 'bodyPoses', args: [] })) as Float32Array[], Float32Array);
  }

  /** Digest of every worker's physics state (stable for a given worker count; differs from the in-process digest). */
  stateHash(): string {
    const hashes = this.callAll(() => ({ method: 'stateHash', args: [] })) as string[];
    return createHash('sha256').update(hashes.join(',')).digest('hex').slice(0, 16);
  }

  /** Free every block's world and end the worker threads. */
  close(): void {
    if (this.closed) return;
    this.callAll(() => ({ method: 'close', args: [] }));
    this.closed = true;
    for (const b of this.blocks) void b.worker?.terminate();
  }

  /**
   * Post a request to every block, then collect all answers in block order: the calling thread's block (first) runs
   * while the workers run theirs.
   */
  private callAll(request: (block: Block) => SyncRequest): unknown[] {
    this.checkOpen();
    for (const b of this.blocks) b.caller.post(request(b));
    return collectAll(this.blocks.map((b) => b.caller));
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('VecEnv: this vector env is closed.');
  }
}

/** The blocks' step results as one, in block order. */
function joinSteps(parts: readonly VecStepResult[]): VecStepResult {
  return {
    obs: concatArrays(parts.map((p) => p.obs), Float32Array),
    rewards: concatArrays(parts.map((p) => p.rewards), Float32Array),
    terminated: concatArrays(parts.map((p) => p.terminated), Uint8Array),
    truncated: concatArrays(parts.map((p) => p.truncated), Uint8Array),
    infos: parts.flatMap((p) => p.infos as Array<StepInfo & { finalObs?: Float32Array }>),
  };
}

/** `total` split into `parts` contiguous block sizes differing by at most one, larger blocks first. */
export function blockSizes(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, w) => Math.floor(total / parts) + (w < total % parts ? 1 : 0));
}

/** Start one worker hosting envs [firstIndex, firstIndex + numEnvs) and wait for it to be ready. */
async function startBlock(envId: string, options: EnvOptions, modules: string[], firstIndex: number, numEnvs: number, counters: Int32Array, slot: number): Promise<Block> {
  const data: Omit<VecWorkerData, keyof SyncWorkerChannel> = { envId, options, firstIndex, numEnvs, setupModules: modules };
  try {
    const { worker, caller } = await startSyncWorker(siblingModule('vec-worker', import.meta.url), data, counters, slot);
    return { worker, caller, firstIndex, numEnvs };
  } catch (error) {
    throw new Error(`VecEnv worker for ${envId} failed to start: ${(error as Error).message} (workers know the built-in envs and those registered by the modules in setupModules).`);
  }
}
