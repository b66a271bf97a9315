/**
 * Blocking request/response between the main thread and worker threads, so a worker-backed object can keep a
 * synchronous interface (VecEnv.step returns its result, it does not return a promise).
 *
 * Requests travel over a MessagePort; the worker answers on the same port and then bumps a shared counter and
 * notifies it. The caller sleeps in `Atomics.wait` on that counter and takes the answer with
 * `receiveMessageOnPort`, never through the event loop. Posting to every worker before collecting any answer
 * lets the workers run in parallel.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** A request: a method name and its arguments (structured-cloneable). */
export interface SyncRequest {
  method: string;
  args: unknown[];
}

/** An answer: the method's value, or the message of the error it threw. */
export type SyncAnswer = { ok: true; value: unknown } | { ok: false; error: string };

/** One side of a blocking call: post a request, later collect its value (or its error, thrown). */
export interface Caller {
  post(request: SyncRequest): void;
  collect(): unknown;
}

/** The main-thread end of one worker's channel. */
export class SyncCaller implements Caller {
  private pending = false;

  /**
   * @param port the main-thread end of the worker's MessageChannel
   * @param counters shared Int32Array of answer counters, one slot per worker
   * @param slot this worker's slot in `counters`
   */
  constructor(
    private readonly port: MessagePort,
    private readonly counters: Int32Array,
    private readonly slot: number,
  ) {}

  /** Send a request without waiting (at most one outstanding); collect it with {@link SyncCaller.collect}. */
  post(request: SyncRequest): void {
    if (this.pending) throw new Error('SyncCaller: a request is already outstanding; collect() it first.');
    this.pending = true;
    this.port.postMessage(request);
  }

  /** Block until the outstanding request's answer arrives; returns its value or throws its error. */
  collect(): unknown {
    if (!this.pending) throw new Error('SyncCaller: no outstanding request to collect.');
    let seen = Atomics.load(this.counters, this.slot);
    let message = receiveMessageOnPort(this.port);
    while (message === undefined) {
      Atomics.wait(this.counters, this.slot, seen);
      seen = Atomics.load(this.counters, this.slot);
      message = receiveMessageOnPort(this.port);
    }
    this.pending = false;
    const answer = message.message as SyncAnswer;
    if (!answer.ok) throw new Error(answer.error);
    return answer.value;
  }
}

/**
 * A {@link Caller} served on the calling thread itself: `post` only records the request, `collect` runs it. Errors
 * come back exactly as a worker's do (an Error with the handler's message).
 */
export class LocalCaller implements Caller {
  private request: SyncRequest | undefined;

  constructor(private readonly handlers: SyncHandlers) {}

  post(request: SyncRequest): void {
    if (this.request) throw new Error('LocalCaller: a request is already outstanding; collect() it first.');
    this.request = request;
  }

  collect(): unknown {
    const { method } = this.outstanding();
    const value = this.run();
    if (value instanceof Promise) {
      value.catch(() => {}); // its outcome is moot: the caller gets this error instead
      throw new Error(`LocalCaller: the "${method}" handler returned a promise; collect it with collectAsync().`);
    }
    return value;
  }

  /** {@link collect} for a caller that can wait: a handler may return a promise (e.g. it reads tensors back). */
  async collectAsync(): Promise<unknown> {
    const value = this.run();
    try {
      return await value;
    } catch (error) {
      throw new Error(errorMessage(error));
    }
  }

  private outstanding(): SyncRequest {
    if (!this.request) throw new Error('LocalCaller: no outstanding request to collect.');
    return this.request;
  }

  /** Run the outstanding request: its value (perhaps a promise), or the handler's error as a worker would report it. */
  private run(): unknown {
    const result = answer(this.handlers, this.outstanding());
    this.request = undefined;
    if (!result.ok) throw new Error(result.error);
    return result.value;
  }
}

/** Worker-side handlers: method name -> function of the request's arguments. */
export type SyncHandlers = Record<string, (...args: never[]) => unknown>;

/**
 * Serve requests arriving on `port` with `handlers`, answering each one and waking the caller. A handler may return
 * a promise (e.g. it imports a module first): the answer waits for it.
 */
export function serveSync(port: MessagePort, counters: Int32Array, slot: number, handlers: SyncHandlers): void {
  port.on('message', (request: SyncRequest) => {
    const reply = (a: SyncAnswer): void => {
      port.postMessage(a);
      Atomics.add(counters, slot, 1);
      Atomics.notify(counters, slot);
    };
    const a = answer(handlers, request);
    if (a.ok && a.value instanceof Promise) a.value.then((value) => reply({ ok: true, value }), (error: unknown) => reply(failed(error)));
    else reply(a);
  });
}

function answer(handlers: SyncHandlers, { method, args }: SyncRequest): SyncAnswer {
  const handler = handlers[method];
  if (!handler) return { ok: false, error: `worker: unknown method "${method}"` };
  try {
    return { ok: true, value: (handler as (...a: unknown[]) => unknown)(...args) };
  } catch (error) {
    return failed(error);
  }
}

function failed(error: unknown): SyncAnswer {
  return { ok: false, error: errorMessage(error) };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Collect the answer of every caller (each with a posted request), in order; throws the first error after all are in. */
export function collectAll(callers: readonly Caller[]): unknown[] {
  const answers: unknown[] = [];
  let failure: unknown;
  for (const caller of callers) {
    try {
      answers.push(caller.collect());
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
  return answers;
}
