/**
 * Worker threads served over a blocking channel (sync-channel.ts), for objects whose work runs on several threads
 * behind a synchronous interface (WorkerVecEnv) or one that awaits only its own thread's share (the learners'
 * LearnerPool). The parent starts a thread with {@link startSyncWorker} and gets a {@link SyncCaller} once the
 * thread is ready; the thread's entry module calls {@link serveWorker} with a function that builds its handlers.
 *
 * A `.ts` entry (run from source under tsx) has tsx's loader registered in the thread first: a worker does not
 * inherit its parent's loader hooks.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, parentPort, Worker, workerData, type MessagePort, type WorkerOptions } from 'node:worker_threads';
import { serveSync, SyncCaller, type SyncHandlers } from './sync-channel.js';

/** The channel ends every served worker receives in its `workerData`, next to its own start data. */
export interface SyncWorkerChannel {
  port: MessagePort;
  /** Shared answer counters, one slot per worker. */
  counters: Int32Array;
  slot: number;
}

/** What the thread reports once, on its parent port, before serving: ready, or why it could not start. */
export type SyncWorkerHello = { ready: true } | { ready: false; error: string };

/** A started worker and the blocking caller of its handlers. */
export interface SyncWorker {
  worker: Worker;
  caller: SyncCaller;
}

/**
 * Start a thread running `entry` with `data` (plus the channel ends) and wait until it serves. The thread is
 * unref'd: an unclosed owner must not keep the process alive.
 * @throws an Error with the thread's own message when it fails to start (the thread is terminated).
 */
export async function startSyncWorker(entry: URL, data: object, counters: Int32Array, slot: number): Promise<SyncWorker> {
  const { port1, port2 } = new MessageChannel();
  const worker = startWorkerThread(entry, { workerData: { ...data, port: port2, counters, slot }, transferList: [port2] });
  const hello = await new Promise<SyncWorkerHello>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (error) => resolve({ ready: false, error: error.message }));
    worker.once('exit', (code) => resolve({ ready: false, error: `the worker exited with code ${code} while starting` }));
  });
  if (!hello.ready) {
    await worker.terminate();
    throw new Error(hello.error);
  }
  worker.unref();
  return { worker, caller: new SyncCaller(port1, counters, slot) };
}

/**
 * The thread side: build the handlers from this thread's `workerData` with `start`, serve them on its channel,
 * then report ready (or report the error `start` threw).
 */
export function serveWorker<D extends object>(start: (data: D) => Promise<SyncHandlers>): void {
  const data = workerData as D & SyncWorkerChannel;
  start(data).then(
    (handlers) => {
      serveSync(data.port, data.counters, data.slot, handlers);
      parentPort?.postMessage({ ready: true } satisfies SyncWorkerHello);
    },
    (error: unknown) => parentPort?.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) } satisfies SyncWorkerHello),
  );
}

/**
 * The module `name` (no extension) in the folder of the module `base` (an `import.meta.url`), with base's
 * extension: `name.js` when compiled, `name.ts` when run from source under tsx.
 */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(base))}`, base);
}

/** A thread running `entry`; for a `.ts` entry the thread registers tsx's loader before importing it. */
export function startWorkerThread(entry: URL, options: WorkerOptions): Worker {
  if (extname(fileURLToPath(entry)) !== '.ts') return new Worker(entry, options);
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
