/**
 * WorkerVecEnv: the same numbers as the in-process VecEnv, bit for bit (observations, rewards, flags, infos,
 * body poses, autoreset), for several worker counts and envs; errors reach the caller; closing ends the threads.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envSpec, makeVecEnv, Rng, WorkerVecEnv } from '../envs/index.js';
import { blockSizes } from '../envs/worker-vec.js';
import { randomActions } from './helpers.js';
import { vecTrace } from './vec-trace.js';

const SEED = 11;

describe('WorkerVecEnv', () => {
  for (const [id, numEnvs, workers, steps, horizon] of [
    ['CheetahVel-v0', 5, 2, 230, undefined],
    ['HopperParams-v0', 4, 3, 150, undefined],
    ['AntGoal-v0', 3, 2, 60, 25],
    ['PointNav-v0', 6, 4, 120, undefined],
  ] as const) {
    it(`${id}: ${numEnvs} envs on ${workers} threads (this one + ${workers - 1} workers) equal the in-process VecEnv bit for bit, autoreset included`, async () => {
      const tasks = envSpec(id).def.tasks.sample(Rng.fromSeed(4), numEnvs);
      const local = await makeVecEnv(id, numEnvs, { horizon });
      const threaded = await makeVecEnv(id, numEnvs, { horizon }, { workers });
      assert.ok(threaded instanceof WorkerVecEnv && threaded.numThreads === Math.min(workers, numEnvs));
      assert.deepEqual([threaded.card, threaded.singleObservationSpace, threaded.singleActionSpace], [local.card, local.singleObservationSpace, local.singleActionSpace]);
      const actions = randomActions(5, steps, numEnvs * local.singleActionSpace.dim);
      const want = vecTrace(local, tasks, SEED, actions);
      assert.ok(want.steps.some((s) => s.truncated.some(Boolean) || s.terminated.some(Boolean)), 'the run crosses an episode end');
      assert.deepEqual(vecTrace(threaded, tasks, SEED, actions), want);
      assert.deepEqual(threaded.getTasks(), local.getTasks());
      local.close();
      threaded.close();
    });
  }

  it('options reach the workers (oracle observations, horizon) and unseeded resets continue every stream', async () => {
    const options = { oracle: true, horizon: 7 };
    const local = await makeVecEnv('CheetahDir-v0', 3, options);
    const threaded = await makeVecEnv('CheetahDir-v0', 3, options, { workers: 2 });
    const tasks = envSpec('CheetahDir-v0').def.tasks.sample(Rng.fromSeed(2), 3);
    const actions = randomActions(6, 20, 3 * local.singleActionSpace.dim);
    assert.deepEqual(vecTrace(threaded, tasks, 3, actions), vecTrace(local, tasks, 3, actions));
    assert.deepEqual(threaded.reset(), local.reset());
    local.close();
    threaded.close();
  });

  it('errors: bad sizes are refused on the calling thread, a bad action or task comes back from its block', async () => {
    const vec = await makeVecEnv('PointNav-v0', 3, {}, { workers: 2 });
    vec.reset(0);
    assert.throws(() => vec.step(new Float32Array(5)), /numEnvs\*actDim = 3\*2 = 6 entries, got 5/);
    assert.throws(() => vec.setTasks([{ goal: [0, 0] }]), /need 3 tasks/);
    assert.throws(() => vec.step(Float32Array.of(0, 0, 0, 0, NaN, 0)), /action\[0\] is NaN/); // env 2: the worker's block
    assert.throws(() => vec.step(Float32Array.of(NaN, 0, 0, 0, 0, 0)), /action\[0\] is NaN/); // env 0: this thread's block
    assert.throws(() => vec.setTasks([{ goal: [0, 0] }, { goal: [0, 0] }, { goal: 'far' }]), /goal/);
    vec.close();
    assert.throws(() => vec.reset(0), /closed/);
    vec.close();
  });

  it('refuses a bad worker count and an env the workers do not know, naming the fix', async () => {
    const def = envSpec('PointNav-v0').def;
    await assert.rejects(WorkerVecEnv.create(def, 2, {}, { workers: 0.5 }), /workers must be a positive integer/);
    await assert.rejects(WorkerVecEnv.create({ ...def, id: 'Unregistered-v0' }, 2, {}, { workers: 2 }), /Unknown env id "Unregistered-v0".*setupModules/);
  });

  it('splits envs into contiguous blocks that differ by at most one', () => {
    assert.deepEqual(blockSizes(5, 2), [3, 2]);
    assert.deepEqual(blockSizes(6, 4), [2, 2, 1, 1]);
    assert.deepEqual(blockSizes(2, 2), [1, 1]);
  });
});
