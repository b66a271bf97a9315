/**
 * Rollout chunks (agents/meta/rollout-chunks.ts): a meta-batch rollout cut into chunks of whole tasks, each run on
 * its own VecEnv block (as a worker process would), run in any order and joined, gives the paths of the whole
 * rollout on one VecEnv bit for bit, and leaves the noise stream in the same state.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { envSpec, makeVecEnv, Rng, type Task } from '../envs/index.js';
import { makeVecEnvBlock } from '../envs/registry.js';
import { disposeParams, type Params } from '../agents/nets.js';
import { gaussianArrays, gaussianPolicyInit } from '../agents/policies.js';
import { rolloutTasks } from '../agents/meta/task-rollouts.js';
import { chunkEnvs, joinRolloutChunks, runRolloutChunk, splitRollout, type ChunkResult } from '../agents/meta/rollout-chunks.js';

describe('rollout chunks', () => {
  const policies: Params[] = [];
  after(() => policies.forEach(disposeParams));

  const cases = [
    { env: 'PointNav-v0', options: { horizon: 15 }, tasks: 5, k: 2, chunks: 3, perTask: true },
    { env: 'PointNav-v0', options: { horizon: 12 }, tasks: 3, k: 3, chunks: 8, perTask: false },
    { env: 'HopperParams-v0', options: { horizon: 40 }, tasks: 3, k: 2, chunks: 2, perTask: true },
    // 100 cheetahs: with the robots of a VecEnv sharing one Rapier world, env 19 left this path at step 54
    { env: 'CheetahVel-v0', options: { horizon: 100 }, tasks: 10, k: 10, chunks: 10, perTask: false },
  ];
  for (const c of cases) {
    it(`${c.env}: ${c.tasks} tasks x ${c.k} episodes in ${Math.min(c.chunks, c.tasks)} chunks (${c.perTask ? 'one policy per task' : 'one policy'}) = one VecEnv`, async () => {
      await tf.setBackend('cpu');
      const spec = envSpec(c.env);
      const tasks: Task[] = spec.def.tasks.sample(Rng.fromSeed(1), c.tasks);
      const whole = await makeVecEnv(c.env, c.tasks * c.k, c.options);
      const [obsDim, actDim] = [whole.singleObservationSpace.dim, whole.singleActionSpace.dim];
      const thetas = (c.perTask ? tasks : [tasks[0]]).map((_, i) => gaussianPolicyInit(Rng.fromSeed(20 + i), obsDim, actDim, { hidden: [8], initLogStd: 0.3 }));
      policies.push(...thetas);
      const local = Rng.fromSeed(7);
      const want = await rolloutTasks(whole, { tasks, policies: thetas, episodesPerTask: c.k, seed: 5, noise: local, activation: 'tanh' });
      whole.close();

      const noise = Rng.fromSeed(7);
      const snapshots = await Promise.all(thetas.map(gaussianArrays));
      const chunks = splitRollout({ tasks, snapshots, episodesPerTask: c.k, seed: 5, activation: 'tanh' }, noise, c.chunks);
      assert.equal(chunks.length, Math.min(c.chunks, c.tasks));
      assert.deepEqual(chunks.map((ch) => ch.tasks), chunks.map((_, i) => tasks.filter((t) => chunks[i].tasks.includes(t))), 'consecutive whole tasks');
      assert.deepEqual(noise.state(), Rng.fromSeed(7).state(), 'splitting does not draw');
      const results: ChunkResult[] = [];
      for (const chunk of [...chunks].reverse()) {
        const block = await makeVecEnvBlock(c.env, chunkEnvs(chunk), c.options, chunk.firstEnv);
        results.unshift(runRolloutChunk(block, chunk));
        block.close();
      }
      const got = joinRolloutChunks(results, noise, c.tasks * c.k, actDim);
      assert.deepEqual(got, want);
      if (c.env === 'HopperParams-v0') assert.ok(new Set(got.map((p) => p.length)).size > 1, 'episodes of different lengths (falls end them): the chunks step for different times');
      assert.deepEqual(noise.state(), local.state(), 'the noise stream ends where the whole rollout left it');
    });
  }
});
