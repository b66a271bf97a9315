/**
 * The data-parallel learners (agents/learner-pool.ts): with 1, 2 and 3 learner threads, two meta-iterations of
 * every built-in learner on a tiny PointNav config give bit-identical metrics, parameters and optimizer state;
 * no tensors leak on the calling thread, and dispose ends the threads.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { LearnedOptimizer } from '../agents/meta/learned-optimizer.js';
import { Maml } from '../agents/meta/maml.js';
import { MetaSgd } from '../agents/meta/meta-sgd.js';
import { MultiTask } from '../agents/meta/multitask.js';
import { Promp } from '../agents/meta/promp.js';
import { Reptile } from '../agents/meta/reptile.js';
import { Rl2 } from '../agents/meta/rl2.js';
import type { MetaLearner, MetaMetrics } from '../agents/meta/types.js';
import { envSpec, registerEnv, robotEnv, Rng } from '../envs/index.js';
import { pointNav } from '../envs/point-nav.js';
import { parseConfig } from '../experiments/config.js';
import { learnerThreads, setLearnerThreads } from '../experiments/learners.js';
import { assertUserError, metarl } from './cli-helpers.js';

/** PointNav with 10-step episodes: a meta-iteration in well under a second. */
registerEnv(robotEnv({ ...pointNav, id: 'PointNavThreads-v0', horizon: 10 }));
const ENV = 'PointNavThreads-v0';
const goals = envSpec(ENV).def.tasks;
/** Three tasks per meta-batch: 2 threads own 2 + 1 of them, 3 threads one each. */
const TASKS = 3;

const common = { envId: ENV, hidden: [8], episodesPerTask: 2, seed: 4 };

/** Every built-in learner, small, with `learnerThreads` threads. */
const LEARNERS: Record<string, (learnerThreads: number) => Promise<MetaLearner>> = {
  'MAML-TRPO': (t) => Maml.create({ ...common, learnerThreads: t }),
  'MAML-TRPO, 2 inner steps, curvature on half the samples': (t) => Maml.create({ ...common, innerSteps: 2, learnerThreads: t, trpo: { subsampleFactor: 0.5 } }),
  'FOMAML-TRPO, curvature on half the samples': (t) => Maml.create({ ...common, firstOrder: true, learnerThreads: t, trpo: { subsampleFactor: 0.5 } }),
  'Meta-SGD-TRPO, 2 inner steps, curvature on half the samples': (t) => MetaSgd.create({ ...common, innerSteps: 2, learnerThreads: t, trpo: { subsampleFactor: 0.5 } }),
  'FO-Meta-SGD-TRPO, 2 inner steps, curvature on half the samples': (t) => MetaSgd.create({ ...common, firstOrder: true, innerSteps: 2, learnerThreads: t, trpo: { subsampleFactor: 0.5 } }),
  'LSTM-opt-TRPO (first order), 2 inner steps, curvature on half the samples': (t) => LearnedOptimizer.create({ ...common, lstmHidden: 6, innerSteps: 2, learnerThreads: t, trpo: { subsampleFactor: 0.5 } }),
  'LSTM-opt-TRPO (second order), 2 inner steps': (t) => LearnedOptimizer.create({ ...common, lstmHidden: 6, firstOrder: false, innerSteps: 2, learnerThreads: t }),
  ProMP: (t) => Promp.create({ ...common, innerSteps: 2, epochs: 2, learnerThreads: t }),
  Reptile: (t) => Reptile.create({ ...common, innerSteps: 2, learnerThreads: t }),
  'multi-task PPO': (t) => MultiTask.create({ ...common, epochs: 2, minibatches: 3, learnerThreads: t }),
  'RL2-PPO': (t) => Rl2.create({ envId: ENV, hiddenDim: 8, seed: 4, learnerThreads: t, minibatches: 1 }),
  'RL2-PPO, minibatches in 2 trial groups': (t) => Rl2.create({ envId: ENV, hiddenDim: 8, seed: 4, learnerThreads: t, minibatches: 1, shardSteps: 40 }),
};

/** Metrics without the wall-clock timings. */
function numbers(m: MetaMetrics): Omit<MetaMetrics, 'timings'> {
  const { timings: _timings, ...rest } = m;
  return rest;
}

/** Two meta-iterations with `threads` learner threads: their metrics and the learner's state after them. */
async function run(create: (threads: number) => Promise<MetaLearner>, threads: number): Promise<{ metrics: Omit<MetaMetrics, 'timings'>[]; state: unknown }> {
  const learner = await create(threads);
  const start = tf.memory().numTensors;
  const metrics: Omit<MetaMetrics, 'timings'>[] = [];
  const counts: number[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      metrics.push(numbers(await learner.metaStep(goals.sample(Rng.fromSeed(30 + i), TASKS), 50 + i)));
      counts.push(tf.memory().numTensors);
    }
    assert.deepEqual(counts, [start, start], `${threads} thread(s): numTensors ${start} before, ${counts} after each iteration`);
    return { metrics, state: await learner.getState() };
  } finally {
    learner.dispose();
  }
}

describe('learners on 1, 2 and 3 learner threads', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  for (const [name, create] of Object.entries(LEARNERS)) {
    it(`${name}: bit-identical metrics, parameters and optimizer state`, async () => {
      const one = await run(create, 1);
      for (const m of one.metrics) assert.ok(Number.isFinite(m.postReturn) && Object.values(m.losses).every(Number.isFinite), JSON.stringify(m));
      for (const threads of [2, 3]) {
        const many = await run(create, threads);
        assert.deepEqual(many.metrics, one.metrics, `${threads} threads: metrics differ from 1 thread`);
        assert.deepEqual(many.state, one.state, `${threads} threads: parameters or optimizer state differ from 1 thread`);
      }
    });
  }

  it('frees every tensor on dispose, also after an iteration on worker threads', async () => {
    const start = tf.memory().numTensors;
    const maml = await Maml.create({ ...common, learnerThreads: 2 });
    await maml.metaStep(goals.sample(Rng.fromSeed(1), TASKS), 1);
    maml.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it('rejects a learnerThreads that is not a positive integer, naming the option', async () => {
    await assert.rejects(Maml.create({ ...common, learnerThreads: 0 }), /MAML: learnerThreads must be an integer >= 1, got 0/);
    await assert.rejects(Rl2.create({ envId: ENV, learnerThreads: 1.5 }), /RL2: learnerThreads must be an integer >= 1, got 1.5/);
    await assert.rejects(Maml.create({ ...common, trpo: { subsampleFactor: 0 } }), /MAML: trpo.subsampleFactor must lie in \(0, 1\], got 0/);
  });
});

describe('learner threads of an experiment', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('--learner-threads overrides the config\'s algorithm.learnerThreads, which overrides the sampling threads', () => {
    const config = (algorithm: Record<string, unknown>) => parseConfig({ env: 'PointNav-v0', iterations: 1, algorithm: { name: 'maml', ...algorithm } }, 'test');
    try {
      setLearnerThreads(undefined);
      assert.equal(learnerThreads(config({}), 3), 3);
      assert.equal(learnerThreads(config({ learnerThreads: 2 }), 3), 2);
      setLearnerThreads(1);
      assert.equal(learnerThreads(config({ learnerThreads: 2 }), 3), 1);
    } finally {
      setLearnerThreads(undefined);
    }
    assert.throws(() => setLearnerThreads(0), /--learner-threads must be a positive integer \(1 = no worker threads\), got 0/);
    assert.throws(() => config({ learnerThreads: 0 }), /algorithm\.learnerThreads: Too small/);
    assert.throws(() => config({ trpo: { subsampleFactor: 1.5 } }), /algorithm\.trpo\.subsampleFactor: Too big/);
  });

  it('metarl train rejects --learner-threads 0 before anything runs', () => {
    assertUserError(metarl('train', 'pointnav-maml', '--learner-threads', '0'), '--learner-threads must be a positive integer');
  });
});
