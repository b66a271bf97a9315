/** A shard module for test/learner-pool.test.ts: handlers that report which thread served which unit. */
import { threadId } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { SyncHandlers } from '../envs/sync-channel.js';

/** The fixture's handlers. */
export function fixtureHandlers(): SyncHandlers {
  let offset = 0;
  return {
    setOffset: (value: number) => void (offset = value),
    whoami: (units: number[], scale: number) => units.map((u) => ({ unit: u, value: scale * u + offset, thread: threadId, backend: tf.getBackend() })),
    fail: (units: number[]) => {
      if (units.includes(2)) throw new Error(`unit 2 cannot be computed`);
      return units.map(() => null);
    },
    short: (units: number[]) => units.slice(1),
  };
}
