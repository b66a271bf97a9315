/**
 * The threads a `metarl worker` runs its jobs on, so that its main thread stays free to renew the jobs' locks
 * with Redis (a job's CPU work on the main thread would block the renewals and the job would be taken for
 * stalled). Each thread serves one job at a time; a thread that dies fails its job and is replaced.
 */
import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorkerThread } from '../envs/sync-worker.js';
import type { JobKind, JobReply, JobRequest, JobThreadData } from './job-thread-protocol.js';

/** A thread and the job it is running. */
interface Slot {
  worker: Worker;
  /** Set when a job claims the thread, before its message is posted. */
  busy?: { id: number; resolve: (value: unknown) => void; reject: (error: Error) => void; onProgress?: (line: string) => void };
}

/** A fixed set of job threads; {@link run} a job on a free one. */
export class JobThreads {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private nextId = 0;
  private closed = false;

  /**
   * @param threads threads in the set (also the sampling threads of a sweep's training run on one of them)
   * @param modules setup modules (file URLs) every thread imports first: users' envs and learners.
   */
  constructor(
    private readonly threads: number,
    private readonly modules: readonly string[],
  ) {
    for (let i = 0; i < threads; i++) this.slots.push(this.start());
  }

  /**
   * Run a job of `kind` with `data` on the next free thread; resolves with its result, rejects with its error.
   * @param onProgress receives the job's progress lines (a sweep run's latest iteration).
   */
  async run(kind: JobKind, data: unknown, onProgress?: (line: string) => void): Promise<unknown> {
    const id = this.nextId++;
    let settle!: NonNullable<Slot['busy']>;
    const result = new Promise((resolve, reject) => (settle = { id, resolve, reject, onProgress }));
    const slot = await this.claim(settle);
    slot.worker.postMessage({ id, kind, data } satisfies JobRequest);
    return result;
  }

  /** Stop every thread (a running job is failed). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private start(): Slot {
    const worker = startWorkerThread(siblingModule('job-thread', import.meta.url), { workerData: { modules: [...this.modules], threads: this.threads } satisfies JobThreadData });
    const slot: Slot = { worker };
    worker.on('message', (reply: JobReply) => this.settle(slot, reply));
    worker.on('error', (error) => this.fail(slot, error));
    worker.on('exit', (code) => this.fail(slot, new Error(`the job thread exited with code ${code}`)));
    return slot;
  }

  private settle(slot: Slot, reply: JobReply): void {
    const busy = slot.busy;
    if (!busy || busy.id !== reply.id) return;
    if ('progress' in reply) return busy.onProgress?.(reply.progress);
    slot.busy = undefined;
    if (reply.ok) busy.resolve(reply.value);
    else busy.reject(new Error(reply.error));
    this.waiting.shift()?.();
  }

  /** A thread died: fail its job and put a new thread in its place. */
  private fail(slot: Slot, error: Error): void {
    const busy = slot.busy;
    slot.busy = undefined;
    busy?.reject(error);
    if (this.closed) return;
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.slots[index] = this.start();
    this.waiting.shift()?.();
  }

  /** The first free thread, marked busy with `job` in the same tick it is found. */
  private async claim(job: NonNullable<Slot['busy']>): Promise<Slot> {
    for (;;) {
      const slot = this.slots.find((s) => !s.busy);
      if (slot) {
        slot.busy = job;
        return slot;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }
}
