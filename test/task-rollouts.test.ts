/**
 * rolloutTasks: per-task Gaussian policies acting row range by row range. On a VecEnv stepping on several threads
 * (stepByBlocks: workers' blocks first) the paths equal the in-process ones bit for bit, and both equal a plain
 * policy that acts for all envs at once, group by group, drawing its noise env by env.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { envSpec, makeVecEnv, Rng, type Task, type VecEnv } from '../envs/index.js';
import { disposeParams, type Params } from '../agents/nets.js';
import { gaussianActArrays, gaussianArrays, gaussianPolicyInit } from '../agents/policies.js';
import { rolloutTasks } from '../agents/meta/task-rollouts.js';
import { sampleEpisodes, type BatchPolicy, type Path } from '../agents/sampler.js';
import { concatArrays } from '../envs/typed-arrays.js';
import { randomActions } from './helpers.js';

const ENV = 'PointNav-v0';
const OPTIONS = { horizon: 15 };
const OBS = 4; // PointNav: position and velocity
const ACT = 2;

describe('rolloutTasks', () => {
  const policies: Params[] = [];
  const policy = (seed: number): Params => {
    policies.push(gaussianPolicyInit(Rng.fromSeed(seed), OBS, ACT, { hidden: [8], initLogStd: -0.3 }));
    return policies[policies.length - 1];
  };
  after(() => policies.forEach(disposeParams));

  /** The old way: one call per step, each group's rows through gaussianActArrays in turn, one noise stream. */
  function allAtOnce(thetas: Params[], envsPerGroup: number, noise: Rng): BatchPolicy {
    const copies = thetas.map(gaussianArrays);
    return (obs) =>
      concatArrays(copies.map((c, g) => gaussianActArrays(c, obs.subarray(g * envsPerGroup * OBS, (g + 1) * envsPerGroup * OBS), envsPerGroup, noise, 'tanh').actions), Float32Array);
  }

  for (const [tasksCount, k, threads] of [[3, 2, 4], [2, 3, 4], [1, 5, 2]] as const) {
    it(`${tasksCount} tasks x ${k} episodes on ${threads} threads: the same paths as in-process and as an all-at-once policy`, async () => {
      await tf.setBackend('cpu');
      const n = tasksCount * k;
      const tasks: Task[] = envSpec(ENV).def.tasks.sample(Rng.fromSeed(1), tasksCount);
      const thetas = tasksCount === 1 ? [policy(2)] : tasks.map((_, i) => policy(10 + i));
      const request = (noiseSeed: number) => ({ tasks, policies: thetas, episodesPerTask: k, seed: 5, noise: Rng.fromSeed(noiseSeed), activation: 'tanh' as const });
      const local = await makeVecEnv(ENV, n, OPTIONS);
      const threaded = await makeVecEnv(ENV, n, OPTIONS, { workers: threads });
      assert.ok(threaded.stepByBlocks, 'a multi-thread VecEnv steps block by block');
      const want = rolloutTasks(local, request(7));
      assert.deepEqual(rolloutTasks(threaded, request(7)), want);
      local.setTasks(tasks.flatMap((t) => Array<Task>(k).fill(t)));
      const reference: Path[] = sampleEpisodes(local, allAtOnce(thetas, thetas.length === 1 ? n : k, Rng.fromSeed(7)), { seed: 5 });
      assert.deepEqual(want, reference);
      assert.notDeepEqual(rolloutTasks(local, request(8)).map((p) => p.actions), want.map((p) => p.actions), 'the noise seed matters');
      local.close();
      threaded.close();
    });
  }
});

describe('WorkerVecEnv.stepByBlocks', () => {
  it('asks for the workers\' blocks first and this thread\'s last, and equals step', async () => {
    const n = 5;
    const tasks: Task[] = envSpec(ENV).def.tasks.sample(Rng.fromSeed(3), n);
    const [a, b]: VecEnv[] = [await makeVecEnv(ENV, n, OPTIONS, { workers: 3 }), await makeVecEnv(ENV, n, OPTIONS, { workers: 3 })];
    for (const vec of [a, b]) {
      vec.setTasks(tasks);
      vec.reset(4);
    }
    for (const actions of randomActions(9, 20, n * ACT)) {
      const asked: Array<[number, number]> = [];
      const blocked = b.stepByBlocks!((first, count) => {
        asked.push([first, count]);
        return actions.slice(first * ACT, (first + count) * ACT);
      });
      assert.deepEqual(asked, [[2, 2], [4, 1], [0, 2]]);
      assert.deepEqual(blocked, a.step(actions));
    }
    a.close();
    b.close();
  });

  it('a block of the wrong size, or a throwing caller, is reported and the env stays usable', async () => {
    const vec = await makeVecEnv(ENV, 4, OPTIONS, { workers: 2 });
    vec.reset(0);
    assert.throws(() => vec.stepByBlocks!((_first, count) => new Float32Array(count * ACT + 1)), /envs 2\.\.3 need 4 actions, got 5/);
    assert.throws(
      () =>
        vec.stepByBlocks!((first, count) => {
          if (first === 0) throw new Error('policy failed');
          return new Float32Array(count * ACT);
        }),
      /policy failed/,
    );
    assert.equal(vec.step(new Float32Array(4 * ACT)).obs.length, 4 * vec.singleObservationSpace.dim);
    vec.close();
  });
});
