/**
 * VecEnv, for every registered env: env 0 (at the origin) is bit-identical to a single env, autoreset included;
 * a robot's results do not depend on the other robots of its world (the first envs of a larger VecEnv equal a
 * smaller VecEnv bit for bit).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envSpec, listEnvs, makeEnv, makeVecEnv, Rng } from '../envs/index.js';
import { randomActions } from './helpers.js';
import { traceSlice, vecTrace } from './vec-trace.js';

const NUM_ENVS = 3;
const SEED = 40;
const STEPS = 120;

describe('VecEnv', () => {
  it('reset() without a seed gives every env its own initial state (the stream of seed i for env i), on any thread split', async () => {
    const vec = await makeVecEnv('CheetahVel-v0', 4);
    const threaded = await makeVecEnv('CheetahVel-v0', 4, {}, { workers: 2 });
    const reseeded = await makeVecEnv('CheetahVel-v0', 4);
    try {
      const obs = vec.reset();
      const dim = vec.singleObservationSpace.dim;
      const rows = [0, 1, 2, 3].map((i) => obs.slice(i * dim, (i + 1) * dim).join(','));
      assert.equal(new Set(rows).size, 4, 'four different initial states');
      assert.deepEqual(threaded.reset(), obs);
      assert.deepEqual(reseeded.reset(0), obs);
      assert.notDeepEqual(vec.reset(), obs, 'the next unseeded reset continues each env\'s stream');
    } finally {
      [vec, threaded, reseeded].forEach((v) => v.close());
    }
  });

  for (const id of listEnvs()) {
    it(`${id}: env 0 equals a single env bit for bit, autoreset included`, async () => {
      const tasks = envSpec(id).def.tasks.sample(Rng.fromSeed(9), NUM_ENVS);
      const vec = await makeVecEnv(id, NUM_ENVS);
      const single = await makeEnv(id);
      vec.setTasks(tasks);
      single.setTask(tasks[0]);
      const obsDim = vec.singleObservationSpace.dim;
      const actDim = vec.singleActionSpace.dim;
      assert.deepEqual(vec.reset(SEED).subarray(0, obsDim), single.reset({ seed: SEED }).obs);
      let episodesEnded = 0;
      for (const batch of randomActions(2, STEPS, NUM_ENVS * actDim)) {
        const r = vec.step(batch);
        const s = single.step(batch.subarray(0, actDim));
        const done = s.terminated || s.truncated;
        assert.equal(r.rewards[0], Math.fround(s.reward));
        assert.equal(r.terminated[0], s.terminated ? 1 : 0);
        assert.equal(r.truncated[0], s.truncated ? 1 : 0);
        if (done) {
          episodesEnded += 1;
          assert.deepEqual(r.infos[0].finalObs, s.obs);
        }
        assert.deepEqual(r.obs.subarray(0, obsDim), done ? single.reset().obs : s.obs);
      }
      if (envSpec(id).def.horizon < STEPS) assert.ok(episodesEnded >= 1, 'env 0 went through an autoreset');
      vec.close();
      single.close();
    });

    it(`${id}: the first ${NUM_ENVS} envs of a larger VecEnv equal a VecEnv of ${NUM_ENVS} bit for bit`, async () => {
      const tasks = envSpec(id).def.tasks.sample(Rng.fromSeed(9), NUM_ENVS + 2);
      const small = await makeVecEnv(id, NUM_ENVS);
      const large = await makeVecEnv(id, NUM_ENVS + 2);
      const actDim = small.singleActionSpace.dim;
      const actions = randomActions(3, STEPS, (NUM_ENVS + 2) * actDim);
      const largeTrace = vecTrace(large, tasks, SEED, actions);
      const smallTrace = vecTrace(small, tasks.slice(0, NUM_ENVS), SEED, actions.map((a) => a.slice(0, NUM_ENVS * actDim)));
      assert.deepEqual(smallTrace, traceSlice(largeTrace, NUM_ENVS, small.singleObservationSpace.dim, small.robot.bodies.length * 7));
      small.close();
      large.close();
    });
  }

  it('rejects a wrong number of actions or tasks with a message naming the sizes', async () => {
    const vec = await makeVecEnv('PointNav-v0', 2);
    vec.reset(0);
    assert.throws(() => vec.step(new Float32Array(3)), /numEnvs\*actDim = 2\*2 = 4 entries, got 3/);
    assert.throws(() => vec.setTasks([{ goal: [0, 0] }]), /need 2 tasks/);
    vec.close();
  });
});
