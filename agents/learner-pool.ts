/**
 * LearnerPool: a learner's tensor work, data-parallel over threads. The work of one call is split into units (a
 * task of a meta-batch, a trial group of a minibatch: fixed by the data, never by the thread count); the units
 * are dealt to the threads in contiguous blocks, the calling thread keeps the first block and each of the
 * `threads - 1` worker threads another, and every thread answers one result per unit it owns. Every call is
 * posted to the workers first, then the calling thread runs its own block while they run theirs (as WorkerVecEnv
 * does), and the call resolves once all have answered. Calls are asynchronous because a handler may be: reading
 * tensors back is, on the webgpu backend (the calling thread awaits its own block, then waits for the workers).
 *
 * The same code computes a unit on whichever thread owns it, each thread with its own TF.js engine on the same
 * backend and gradient set-up, so a unit's result does not depend on the thread count. Callers then reduce the
 * per-unit results in unit order in float64 ({@link weightedSum}): 1, 2 or N threads give the same bits.
 *
 * A thread's work is served by handlers from a shard module ({@link ShardProgram}; worker threads import the
 * setup modules first, envs/setup-modules.ts, so user-registered recurrent cores exist there too): each handler receives the
 * units it owns and its arguments (structured clones on a worker; the very objects on the calling thread: never
 * mutate them) and returns an array with one result per unit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { collectAll, LocalCaller, type SyncHandlers, type SyncRequest } from '../envs/sync-channel.js';
import { setupModules } from '../envs/setup-modules.js';
import { siblingModule, startSyncWorker, type SyncWorker } from '../envs/sync-worker.js';
import { blockSizes } from '../envs/worker-vec.js';
import { higherOrderGradientsEnabled } from './higher-order-grad.js';
import type { LearnerWorkerData } from './learner-worker.js';
import { fastMatMulGradientRegistered } from './matmul-grad.js';
import type { BackendName } from './backend.js';

/** Where a thread gets its handlers: `module` (a URL) exports `factory`, a function returning them. */
export interface ShardProgram {
  module: string;
  factory: string;
}

/** The backends whose kernels run on the calling thread, where worker threads add cores. */
const THREADED_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/**
 * Learner threads when the user does not say: as many as the sampling threads (`workers`) on the wasm and cpu
 * backends; 1 on the others (tensorflow's native kernels use every core themselves; on webgpu every thread would
 * open its own device on the one GPU).
 */
export function defaultLearnerThreads(workers: number | undefined): number {
  return THREADED_BACKENDS.includes(tf.getBackend()) ? Math.max(1, workers ?? 1) : 1;
}

/** Threads of a pool; see the file comment. Create with {@link LearnerPool.create}, end with {@link close}. */
export class LearnerPool {
  private closed = false;

  private constructor(
    private readonly local: LocalCaller,
    private readonly workers: SyncWorker[],
  ) {}

  /**
   * A pool of `threads` threads (the calling one and `threads - 1` workers) serving `program`'s handlers. The
   * workers start the active TF.js backend with the calling thread's gradient set-up (higher-order fix, matMul
   * gradient); resolves once all serve.
   */
  static async create(program: ShardProgram, threads: number): Promise<LearnerPool> {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`learnerThreads must be a positive integer, got ${threads}.`);
    const module = (await import(program.module)) as Record<string, () => SyncHandlers>;
    if (typeof module[program.factory] !== 'function') throw new Error(`LearnerPool: ${program.module} does not export a function '${program.factory}'.`);
    const local = new LocalCaller(module[program.factory]());
    const data: Omit<LearnerWorkerData, 'port' | 'counters' | 'slot'> = {
      setupModules: [...setupModules()],
      backend: tf.getBackend() as BackendName,
      higherOrder: higherOrderGradientsEnabled(),
      fastMatMul: fastMatMulGradientRegistered(),
      program,
    };
    const counters = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, threads - 1)));
    const entry = siblingModule('learner-worker', import.meta.url);
    const started = await Promise.allSettled(Array.from({ length: threads - 1 }, (_, w) => startSyncWorker(entry, data, counters, w)));
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(workers.map((w) => w.worker.terminate()));
      throw new Error(`a learner thread failed to start: ${(failure.reason as Error).message} (use 1 learner thread, --learner-threads 1, to run without worker threads).`);
    }
    return new LearnerPool(local, workers);
  }

  /** Threads: the calling one and the workers. */
  get numThreads(): number {
    return 1 + this.workers.length;
  }

  /** The units of each thread that owns any, for `numUnits` units: contiguous blocks, larger ones first. */
  blocks(numUnits: number): number[][] {
    const sizes = blockSizes(numUnits, Math.min(this.numThreads, numUnits));
    let first = 0;
    return sizes.map((size) => Array.from({ length: size }, () => first++));
  }

  /**
   * Run `method` on the units [0, numUnits): each owning thread is called with (its units, ...args(its units))
   * and answers one result per unit. @returns the results in unit order.
   */
  async map<R>(method: string, numUnits: number, args: (units: number[]) => unknown[] = () => []): Promise<R[]> {
    const blocks = this.blocks(numUnits);
    const answers = await this.callAll(blocks.map((units) => ({ method, args: [units, ...args(units)] })));
    const out: R[] = [];
    answers.forEach((answer, t) => {
      const results = answer as R[];
      if (!Array.isArray(results) || results.length !== blocks[t].length) throw new Error(`LearnerPool: '${method}' answered ${Array.isArray(results) ? results.length : typeof results} results for ${blocks[t].length} units.`);
      out.push(...results);
    });
    return out;
  }

  /** Call `method` with the same arguments on every thread (set-up, per-iteration data). */
  async broadcast(method: string, ...args: unknown[]): Promise<void> {
    await this.callAll(Array.from({ length: this.numThreads }, () => ({ method, args })));
  }

  /**
   * End the worker threads (idempotent), after running `release` (a synchronous handler without arguments, e.g. one
   * freeing the calling thread's tensors: a worker's go with it) on the calling thread.
   */
  close(release?: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (release) {
        this.local.post({ method: release, args: [] });
        this.local.collect();
      }
    } finally {
      for (const w of this.workers) void w.worker.terminate();
    }
  }

  /**
   * Post request t to thread t (workers first, the calling thread's own request last), run the calling thread's,
   * then collect the workers' in thread order; throws the first error (in thread order) after all are in.
   */
  private async callAll(requests: SyncRequest[]): Promise<unknown[]> {
    if (this.closed) throw new Error('LearnerPool: the pool is closed.');
    const workers = this.workers.slice(0, requests.length - 1);
    workers.forEach((w, k) => w.caller.post(requests[k + 1]));
    this.local.post(requests[0]);
    let failure: unknown;
    let own: unknown;
    try {
      own = await this.local.collectAsync();
    } catch (error) {
      failure = error;
    }
    let others: unknown[] = [];
    try {
      others = collectAll(workers.map((w) => w.caller));
    } catch (error) {
      failure ??= error;
    }
    if (failure) throw failure;
    return [own, ...others];
  }
}

/**
 * A handler's answers for its `units`: `f(unit, k)` for each in turn (k its position in `units`), each awaited
 * before the next starts, so a thread's tensor work runs in unit order.
 */
export async function mapUnits<R>(units: readonly number[], f: (unit: number, k: number) => R | Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const [k, unit] of units.entries()) out.push(await f(unit, k));
  return out;
}

/**
 * Σ_u weights[u] · parts[u] accumulated in float64 in unit order, then rounded to float32: the reduction that
 * makes a data-parallel result independent of the thread count. @param parts [U] vectors of equal length P.
 * @returns [P].
 */
export function weightedSum(parts: readonly ArrayLike<number>[], weights: readonly number[]): Float32Array {
  if (parts.length === 0) throw new Error('weightedSum: no parts.');
  const acc = new Float64Array(parts[0].length);
  parts.forEach((part, u) => {
    if (part.length !== acc.length) throw new Error(`weightedSum: part ${u} has ${part.length} values, expected ${acc.length}.`);
    const w = weights[u];
    for (let i = 0; i < acc.length; i++) acc[i] += w * part[i];
  });
  return Float32Array.from(acc);
}

/** Σ_u weights[u] · values[u] in float64, in unit order. */
export function weightedTotal(values: readonly number[], weights: readonly number[]): number {
  return values.reduce((s, v, u) => s + weights[u] * v, 0);
}

/** [1/n, ..., 1/n], n = `count`: the weights of a mean over units. */
export function meanWeights(count: number): number[] {
  return Array.from({ length: count }, () => 1 / count);
}
