import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../envs/rng.js';
import { mlpForward, mlpInit } from '../agents/nets.js';
import { mlpArrays, mlpForwardArrays, snapshotParams } from '../agents/mlp-arrays.js';
import { normals, maxAbsDiff } from './helpers.js';

describe('mlp-arrays: the plain-JS MLP', () => {
  it('equals mlpForward for every batch size around the 4-row tile and odd layer widths (tanh, relu, linear)', async () => {
    await tf.setBackend('cpu');
    const params = mlpInit(Rng.fromSeed(3), [5, 16, 7, 3], { scheme: 'orthogonal' });
    const layers = mlpArrays(await snapshotParams(params));
    for (const batch of [1, 2, 3, 4, 5, 6, 7, 8, 9, 64]) {
      const x = normals(Rng.fromSeed(batch), batch * 5);
      for (const act of ['tanh', 'relu', 'linear'] as const) {
        const viaTf = tf.tidy(() => mlpForward(params, tf.tensor2d(x, [batch, 5]), act).dataSync());
        const viaJs = mlpForwardArrays(layers, x, batch, act);
        assert.equal(viaJs.length, batch * 3);
        assert.ok(maxAbsDiff(viaJs, viaTf) < 1e-5, `batch ${batch}, ${act}: ${maxAbsDiff(viaJs, viaTf)}`);
      }
    }
    tf.dispose(params);
  });

  it('a row of a batch is computed as it would be alone (no mixing across rows)', async () => {
    const params = mlpInit(Rng.fromSeed(5), [4, 9, 2]);
    const layers = mlpArrays(await snapshotParams(params));
    const x = normals(Rng.fromSeed(6), 7 * 4);
    const batched = mlpForwardArrays(layers, x, 7);
    for (let r = 0; r < 7; r++) {
      assert.deepEqual(Array.from(mlpForwardArrays(layers, x.subarray(r * 4, r * 4 + 4), 1)), Array.from(batched.subarray(r * 2, r * 2 + 2)));
    }
    tf.dispose(params);
  });

  it('rejects inputs of the wrong size and snapshots that are not [W, b] pairs', async () => {
    const params = mlpInit(Rng.fromSeed(1), [3, 4, 2]);
    const snapshot = await snapshotParams(params);
    assert.throws(() => mlpForwardArrays(mlpArrays(snapshot), new Float32Array(7), 2), /x has 7 values, expected batch 2 × 3/);
    assert.throws(() => mlpArrays(snapshot.slice(0, 3)), /expected \[W, b\] pairs, got 3 arrays/);
    assert.throws(() => mlpArrays([snapshot[0], snapshot[3]]), /layer 0 has W \[3,4\] and b \[2\]/);
    assert.throws(() => mlpArrays([snapshot[0], snapshot[1], snapshot[0], snapshot[1]]), /layer 1 takes 3 inputs, the previous layer gives 4/);
    tf.dispose(params);
  });
});
