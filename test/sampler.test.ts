import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envSpec, makeVecEnv, Rng } from '../envs/index.js';
import { envAtRow } from './vec-trace.js';
import { pathReturn, sampleEpisodes, type BatchPolicy } from '../agents/sampler.js';

/** A deterministic policy: a fixed linear map of each env's observation. */
function linearPolicy(obsDim: number, actDim: number): (obs: Float32Array) => Float32Array {
  const rng = Rng.fromSeed(3);
  const w = Float32Array.from({ length: obsDim * actDim }, () => rng.uniform(-1, 1));
  return (obs) => Float32Array.from({ length: actDim }, (_, a) => Math.tanh(obs.reduce((s, o, k) => s + o * w[k * actDim + a], 0) + 0.3 * (a + 1)));
}

function batched(single: (obs: Float32Array) => Float32Array, obsDim: number): BatchPolicy {
  return (obs) => {
    const n = obs.length / obsDim;
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(...single(obs.subarray(i * obsDim, (i + 1) * obsDim)));
    return Float32Array.from(out);
  };
}

describe('sampler', () => {
  for (const id of ['PointNav-v0', 'HopperParams-v0']) {
    it(`${id}: paths equal manual episodes of one-robot envs at the same rows, several episodes per env`, async () => {
      const tasks = envSpec(id).def.tasks.sample(Rng.fromSeed(1), 3);
      const vec = await makeVecEnv(id, 3);
      vec.setTasks(tasks);
      const { dim: obsDim } = vec.singleObservationSpace;
      const policy = linearPolicy(obsDim, vec.singleActionSpace.dim);
      const paths = sampleEpisodes(vec, batched(policy, obsDim), { seed: 20, episodesPerEnv: 2 });
      assert.equal(paths.length, 6);
      for (const [i, task] of tasks.entries()) {
        const env = await envAtRow(id, i);
        env.setTask(task);
        let obs = env.reset({ seed: 20 + i }).obs;
        for (let episode = 0; episode < 2; episode++) {
          const path = paths[i * 2 + episode];
          assert.deepEqual([path.envIndex, path.episode], [i, episode]);
          const rewards: number[] = [];
          for (let t = 0; ; t++) {
            assert.deepEqual(path.obs.subarray(t * obsDim, (t + 1) * obsDim), obs);
            const r = env.step(policy(obs));
            rewards.push(r.reward);
            obs = r.obs;
            if (r.terminated || r.truncated) {
              assert.equal(path.terminated, r.terminated);
              assert.deepEqual(path.finalObs, r.obs);
              obs = env.reset().obs;
              break;
            }
          }
          assert.deepEqual(path.rewards, Float32Array.from(rewards));
          assert.equal(path.length, rewards.length);
          assert.ok(Math.abs(pathReturn(path) - rewards.reduce((s, r) => s + Math.fround(r), 0)) < 1e-3);
        }
        env.close();
      }
      vec.close();
    });
  }

  it('tells the policy where episodes start and the previous reward and action, across episode boundaries too', async () => {
    const vec = await makeVecEnv('ReacherGoal-v0', 2);
    const seen: Array<{ start: number[]; prevReward: number[]; prevAction: number[] }> = [];
    let step = 0;
    const policy: BatchPolicy = (obs, ctx) => {
      seen.push({ start: [...ctx.episodeStart], prevReward: [...ctx.prevReward], prevAction: [...ctx.prevAction] });
      step += 1;
      return Float32Array.from({ length: (obs.length / 8) * 2 }, (_, k) => (k % 2 ? 0.5 : -0.5) * (1 + step / 100));
    };
    const paths = sampleEpisodes(vec, policy, { seed: 0, episodesPerEnv: 2 });
    const horizon = vec.card.horizon;
    assert.equal(paths.length, 4);
    assert.deepEqual(seen[0], { start: [1, 1], prevReward: [0, 0], prevAction: [0, 0, 0, 0] }, 'zeros before the first step');
    assert.deepEqual(seen[1].start, [0, 0]);
    assert.equal(seen[2].prevReward[0], paths[0].rewards[1]);
    assert.deepEqual(seen[2].prevAction.slice(0, 2), [...paths[0].actions.subarray(2, 4)]);
    // The first step of episode 2 sees the last reward and action of episode 1 (Duan et al.'s RL2 inputs).
    assert.deepEqual(seen[horizon].start, [1, 1]);
    assert.deepEqual(seen[horizon].prevReward, [paths[0].rewards[horizon - 1], paths[2].rewards[horizon - 1]]);
    assert.deepEqual(seen[horizon].prevAction.slice(0, 2), [...paths[0].actions.subarray(2 * (horizon - 1))]);
    vec.close();
  });

  it('rejects a policy that returns the wrong number of actions', async () => {
    const vec = await makeVecEnv('PointNav-v0', 2);
    assert.throws(() => sampleEpisodes(vec, () => new Float32Array(3), { seed: 0 }), /returned 3 actions; expected numEnvs\*actDim = 4/);
    vec.close();
  });
});
