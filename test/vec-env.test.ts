/**
 * VecEnv: N robots in one world give bit-identical results to N separate envs (same seeds, tasks, actions),
 * including autoreset, for every registered env.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envSpec, listEnvs, makeEnv, makeVecEnv, Rng } from '../envs/index.js';
import { randomActions } from './helpers.js';

const NUM_ENVS = 3;
const SEED = 40;
const STEPS = 120;

describe('VecEnv', () => {
  for (const id of listEnvs()) {
    it(`${id}: equals ${NUM_ENVS} separate envs bit for bit, autoreset included`, async () => {
      const tasks = envSpec(id).def.tasks.sample(Rng.fromSeed(9), NUM_ENVS);
      const vec = await makeVecEnv(id, NUM_ENVS);
      const singles = await Promise.all(tasks.map(() => makeEnv(id)));
      vec.setTasks(tasks);
      singles.forEach((s, i) => s.setTask(tasks[i]));
      const obsDim = vec.singleObservationSpace.dim;
      const actDim = vec.singleActionSpace.dim;
      const first = vec.reset(SEED);
      singles.forEach((s, i) => assert.deepEqual(first.subarray(i * obsDim, (i + 1) * obsDim), s.reset({ seed: SEED + i }).obs));
      let episodesEnded = 0;
      for (const batch of randomActions(2, STEPS, NUM_ENVS * actDim)) {
        const r = vec.step(batch);
        singles.forEach((s, i) => {
          const single = s.step(batch.subarray(i * actDim, (i + 1) * actDim));
          const done = single.terminated || single.truncated;
          assert.equal(r.rewards[i], Math.fround(single.reward));
          assert.equal(r.terminated[i], single.terminated ? 1 : 0);
          assert.equal(r.truncated[i], single.truncated ? 1 : 0);
          if (done) {
            episodesEnded += 1;
            assert.deepEqual(r.infos[i].finalObs, single.obs);
          }
          assert.deepEqual(r.obs.subarray(i * obsDim, (i + 1) * obsDim), done ? s.reset().obs : single.obs);
        });
      }
      if (envSpec(id).def.horizon < STEPS) assert.ok(episodesEnded >= NUM_ENVS, 'every env went through an autoreset');
      vec.close();
      singles.forEach((s) => s.close());
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
