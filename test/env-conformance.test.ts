/**
 * The env conformance suite: every registered env must satisfy these properties.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envSpec, listEnvs, makeEnv, Rng } from '../envs/index.js';
import { randomActions, rollout } from './helpers.js';

const PARAMS_ENVS = new Set(['HopperParams-v0', 'WalkerParams-v0']);

for (const id of listEnvs()) {
  describe(`conformance: ${id}`, () => {
    it('has spaces, card and finite observations of the declared shapes', async () => {
      const env = await makeEnv(id);
      const { obs, info } = env.reset({ seed: 0 });
      assert.ok(obs instanceof Float32Array);
      assert.equal(obs.length, env.observationSpace.dim);
      assert.equal(env.card.observation.dim, env.observationSpace.dim);
      assert.equal(env.card.action.dim, env.actionSpace.dim);
      assert.equal(env.actionSpace.dim, env.robot.actuators.length);
      assert.deepEqual([...env.actionSpace.low], new Array(env.actionSpace.dim).fill(-1));
      assert.deepEqual(info.task, env.getTask());
      for (const a of randomActions(1, 50, env.actionSpace.dim)) {
        const r = env.step(a);
        assert.equal(r.obs.length, env.observationSpace.dim);
        assert.ok(r.obs.every(Number.isFinite), 'observation is finite');
        assert.ok(Number.isFinite(r.reward));
        const termSum = Object.values(r.info.rewardTerms).reduce((s, v) => s + v, 0);
        assert.ok(Math.abs(termSum - r.reward) < 1e-9, 'reward is the sum of its reported terms');
        assert.deepEqual(Object.keys(r.info.rewardTerms), env.card.rewardTerms.map((t) => t.name));
        if (r.terminated || r.truncated) env.reset();
      }
      assert.equal(env.bodyPoses().length, env.robot.bodies.length * 7);
      env.close();
    });

    it('truncates at the horizon and never runs past it', async () => {
      const env = await makeEnv(id);
      env.reset({ seed: 0 });
      const zero = new Float32Array(env.actionSpace.dim);
      let steps = 0;
      for (;;) {
        const r = env.step(zero);
        steps += 1;
        assert.equal(r.info.episodeStep, steps);
        if (r.terminated) break;
        if (r.truncated) {
          assert.equal(steps, env.card.horizon);
          break;
        }
        assert.ok(steps < env.card.horizon, 'episode ran past its horizon');
      }
      env.close();
    });

    it('is deterministic: same seed and actions give the same world hash; another seed does not', async () => {
      const seedMatters = envSpec(id).def.resetNoise.position > 0;
      const actions = randomActions(7, 60, envSpec(id).def.robot.actuators.length);
      const hashes = [];
      for (const seed of [5, 5, 6]) {
        const env = await makeEnv(id);
        rollout(env, seed, actions);
        hashes.push(env.stateHash());
        env.close();
      }
      assert.equal(hashes[0], hashes[1]);
      if (seedMatters) assert.notEqual(hashes[0], hashes[2]);
    });

    it('reset(seed) reproduces an episode whatever the env did before', async () => {
      const dim = envSpec(id).def.robot.actuators.length;
      const actions = randomActions(8, 40, dim);
      const fresh = await makeEnv(id);
      const used = await makeEnv(id);
      rollout(used, 1, randomActions(9, 60, dim));
      assert.deepEqual(rollout(used, 5, actions), rollout(fresh, 5, actions));
      assert.equal(used.stateHash(), fresh.stateHash());
      fresh.close();
      used.close();
    });

    it(PARAMS_ENVS.has(id) ? 'setTask changes the dynamics' : 'setTask changes the reward but not the dynamics', async () => {
      const [taskA, taskB] = envSpec(id).def.tasks.testTasks(2);
      const actions = randomActions(3, 40, envSpec(id).def.robot.actuators.length);
      const results = [];
      for (const task of [taskA, taskB]) {
        const env = await makeEnv(id);
        env.setTask(task);
        const { rewards, obs } = rollout(env, 11, actions);
        results.push({ rewards, obs, hash: env.stateHash(), task: env.getTask() });
        env.close();
      }
      assert.notDeepEqual(results[0].rewards, results[1].rewards);
      if (PARAMS_ENVS.has(id)) assert.notEqual(results[0].hash, results[1].hash);
      else {
        assert.equal(results[0].hash, results[1].hash);
        assert.deepEqual(results[0].obs, results[1].obs, 'the task leaked into the observation');
      }
    });

    it('keeps the task hidden unless oracle mode appends it', async () => {
      const spec = envSpec(id);
      const [task] = spec.def.tasks.testTasks(1);
      const plain = await makeEnv(id);
      const oracle = await makeEnv(id, { oracle: true });
      plain.setTask(task);
      oracle.setTask(task);
      const a = plain.reset({ seed: 2 }).obs;
      const b = oracle.reset({ seed: 2 }).obs;
      const features = spec.def.tasks.features(task);
      assert.equal(b.length, a.length + features.length);
      assert.deepEqual([...b.subarray(0, a.length)], [...a]);
      assert.deepEqual([...b.subarray(a.length)], [...Float32Array.from(features)]);
      assert.equal(plain.card.task.hiddenFromObservation, true);
      assert.notEqual(plain.card.hash, oracle.card.hash);
      plain.close();
      oracle.close();
    });

    it('reset never changes the task', async () => {
      const env = await makeEnv(id);
      const [, task] = envSpec(id).def.tasks.testTasks(2);
      env.setTask(task);
      env.reset({ seed: 1 });
      env.reset();
      assert.deepEqual(env.getTask(), task);
      env.close();
    });

    it('has a stable env card hash that tracks the definition', async () => {
      const spec = envSpec(id);
      const a = await spec.card();
      const b = (await makeEnv(id)).card;
      assert.equal(a.hash, b.hash);
      assert.match(a.hash, /^[0-9a-f]{16}$/);
      const { robotEnv } = await import('../envs/robot-env.js');
      const changed = await robotEnv({ ...spec.def, horizon: spec.def.horizon + 1 }).card();
      assert.notEqual(changed.hash, a.hash);
    });

    it('samples plain-JSON tasks from a seeded RNG with a fixed test split', () => {
      const dist = envSpec(id).def.tasks;
      const a = dist.sample(Rng.fromSeed(1), 4);
      assert.deepEqual(a, dist.sample(Rng.fromSeed(1), 4));
      assert.notDeepEqual(a, dist.sample(Rng.fromSeed(2), 4));
      assert.deepEqual(dist.testTasks(3), dist.testTasks(5).slice(0, 3));
      for (const t of a) assert.deepEqual(dist.parse(JSON.parse(JSON.stringify(t))), t);
      assert.throws(() => dist.parse({ nope: 1 }), /unknown key|must be/);
    });
  });
}
