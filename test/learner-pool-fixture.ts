/** A shard module for test/learner-pool.test.ts: handlers that report which thread served which unit, some asynchronously. */
import { threadId } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { SyncHandlers } from '../envs/sync-channel.js';

/** Threads that ran the `release` handler. */
export const released: number[] = [];

/** The fixture's handlers. */
export function fixtureHandlers(): SyncHandlers {
  let offset = 0;
  const later = <T>(value: () => T): Promise<T> => new Promise((resolve) => setTimeout(resolve, 5)).then(value);
  return {
    setOffset: (value: number) => void (offset = value),
    whoami: (units: number[], scale: number) => units.map((u) => ({ unit: u, value: scale * u + offset, thread: threadId, backend: tf.getBackend() })),
    fail: (units: number[]) => {
      if (units.includes(2)) throw new Error(`unit 2 cannot be computed`);
      return units.map(() => null);
    },
    short: (units: number[]) => units.slice(1),
    later: (units: number[], scale: number) => later(() => units.map((u) => ({ unit: u, value: scale * u }))),
    laterFail: (units: number[]) => later(() => {
      throw new Error(`unit ${units[0]} cannot be read`);
    }),
    release: () => void released.push(threadId),
  };
}
