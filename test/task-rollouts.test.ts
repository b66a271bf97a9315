/**
 * rolloutTasks: per-task Gaussian policies as block policies. On a VecEnv stepping on several threads (every block
 * acting on its own thread) the paths equal the in-process ones bit for bit, and both equal a plain policy that
 * acts for all envs at once on this thread, group by group, drawing its noise env by env.
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
import { indexAndDatumPolicy } from './block-policy-fixture.js';

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
  async function allAtOnce(thetas: Params[], envsPerGroup: number, noise: Rng): Promise<BatchPolicy> {
    const copies = await Promise.all(thetas.map(gaussianArrays));
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
      assert.ok(threaded.stepWithBlockPolicy, 'a multi-thread VecEnv acts block by block');
      const want = await rolloutTasks(local, request(7));
      assert.deepEqual(await rolloutTasks(threaded, request(7)), want);
      local.setTasks(tasks.flatMap((t) => Array<Task>(k).fill(t)));
      const reference: Path[] = sampleEpisodes(local, await allAtOnce(thetas, thetas.length === 1 ? n : k, Rng.fromSeed(7)), { seed: 5 });
      assert.deepEqual(want, reference);
      assert.notDeepEqual((await rolloutTasks(local, request(8))).map((p) => p.actions), want.map((p) => p.actions), 'the noise seed matters');
      local.close();
      threaded.close();
    });
  }
});

describe('WorkerVecEnv block policies', () => {
  it('every block acts for its own envs with its own step data, and the step equals step() with those actions', async () => {
    const n = 5;
    const tasks: Task[] = envSpec(ENV).def.tasks.sample(Rng.fromSeed(3), n);
    const [plain, acting]: VecEnv[] = [await makeVecEnv(ENV, n, OPTIONS, { workers: 3 }), await makeVecEnv(ENV, n, OPTIONS, { workers: 3 })];
    for (const vec of [plain, acting]) {
      vec.setTasks(tasks);
      vec.reset(4);
    }
    acting.setBlockPolicy!(indexAndDatumPolicy());
    for (let t = 0; t < 20; t++) {
      const asked: Array<[number, number]> = [];
      const { actions, result } = acting.stepWithBlockPolicy!((first, count) => {
        asked.push([first, count]);
        return Float64Array.from({ length: count }, (_, j) => Math.sin(t + first + j));
      });
      assert.deepEqual(asked, [[0, 2], [2, 2], [4, 1]]);
      assert.deepEqual([...actions], [...Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? i / 2 / 10 : Math.sin(t + (i - 1) / 2)))]);
      assert.deepEqual(result, plain.step(actions));
    }
    plain.close();
    acting.close();
  });

  it('errors: no policy, an unknown program, a failing policy; the env stays usable', async () => {
    const vec = await makeVecEnv(ENV, 4, OPTIONS, { workers: 2 });
    vec.reset(0);
    const noise = (_first: number, count: number) => new Float64Array(count);
    assert.throws(() => vec.stepWithBlockPolicy!(noise), /no block policy; call setBlockPolicy first/);
    assert.throws(() => vec.setBlockPolicy!({ ...indexAndDatumPolicy(), program: 'nope' }), /Unknown block policy "nope": import .*block-policy-fixture/);
    vec.setBlockPolicy!(indexAndDatumPolicy(true));
    assert.throws(() => vec.stepWithBlockPolicy!(noise), /the test policy failed/);
    vec.setBlockPolicy!(indexAndDatumPolicy());
    assert.equal(vec.stepWithBlockPolicy!(noise).actions.length, 4 * ACT);
    vec.close();
  });
});
