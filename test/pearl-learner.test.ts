/**
 * The PEARL learner (agents/meta/pearl.ts): registered with its zod shape, no tensor leaks over 50 gradient steps,
 * exact resume through a checkpoint with buffer sidecars (3 iterations straight = 2 + save/load + 1), the viewer's
 * trial policy, and learning: after a short seeded meta-training on PointNav, the return on held-out goals rises
 * once the agent has one context episode, by a margin, and beats the same agent with z always from the prior.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../agents/backend.js';
import { learnerRegistration } from '../agents/index.js';
import { latentRound } from '../agents/meta/pearl-collect.js';
import { priorArrays } from '../agents/meta/pearl-encoder.js';
import { Pearl } from '../agents/meta/pearl.js';
import type { PearlOptions } from '../agents/meta/pearl-options.js';
import type { MetaLearnerState, MetaMetrics } from '../agents/meta/types.js';
import { pathReturn, sampleEpisodesAsync } from '../agents/sampler.js';
import { checkpointOf, freshTrainerState, loadCheckpoint, saveCheckpoint } from '../experiments/checkpoint.js';
import { parseConfig } from '../experiments/config.js';
import { drawTrainingTasks, envSpec, makeVecEnv, Rng } from '../envs/index.js';
import type { Task } from '../envs/types.js';

/** A tiny PEARL on 10-step PointNav (fast, every code path: posterior phase, learned α). */
const tiny: PearlOptions = {
  envId: 'PointNav-v0', envOptions: { horizon: 10 }, seed: 3, vecRun: { workers: 1 },
  numTrainTasks: 6, numTasksSample: 2, latentSize: 3, netSize: 16, netDepth: 2, encoderHidden: [16], metaBatch: 3, batchSize: 16, embeddingBatchSize: 8,
  numInitialSteps: 20, numStepsPrior: 10, numStepsPosterior: 10, numExtraRlStepsPosterior: 20, numTrainStepsPerItr: 5, learnEntropy: true, rewardScale: 5,
};

/** Metrics without wall-clock fields. */
function numbers(m: MetaMetrics): unknown {
  const { timings: _t, info, ...rest } = m;
  const { gradientStepsPerSecond: _g, ...stable } = info;
  return { ...rest, info: stable };
}

/** States compared as bytes (NaN-safe, -0 vs 0 distinguished). */
function stateBytes(s: MetaLearnerState): unknown {
  const bytes = (d: Float32Array | Float64Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
  return {
    params: Object.fromEntries(Object.entries(s.params).map(([g, ts]) => [g, ts.map((t) => bytes(t.data))])),
    optimizer: s.optimizer.map((t) => bytes(t.data)),
    buffers: Object.fromEntries(Object.entries(s.buffers ?? {}).map(([k, v]) => [k, bytes(v)])),
    iteration: s.iteration,
  };
}

describe('PEARL learner', () => {
  before(async () => {
    await initBackend('wasm', () => {});
  });

  it('is registered as `pearl` with a strict zod shape and the label PEARL', () => {
    const reg = learnerRegistration('pearl');
    assert.equal(reg.label({}), 'PEARL');
    assert.throws(() => parseConfig({ env: 'PointNav-v0', algorithm: { name: 'pearl', klLamda: 1 }, iterations: 1 }, 'x'), /unknown key\(s\) 'klLamda'; allowed keys: .*klLambda/);
    assert.throws(() => parseConfig({ env: 'PointNav-v0', algorithm: { name: 'pearl', batchSize: 0 }, iterations: 1 }, 'x'), /algorithm.batchSize/);
  });

  it("draws its fixed training tasks without repeats where the task space is finite (CheetahDir: +1 and -1 for every seed)", () => {
    const directions = envSpec('CheetahDir-v0').def.tasks;
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const pair = drawTrainingTasks(directions, Rng.fromSeed(seed), 2).map((t) => t.direction).sort();
      assert.deepEqual(pair, [-1, 1], `seed ${seed}`);
      assert.equal(drawTrainingTasks(directions, Rng.fromSeed(seed), 5).length, 5, 'more tasks than the support: repeats allowed once it is covered');
    }
    // Plain sampling does repeat (seed 1 draws -1 twice), and a continuous distribution is sampled as is.
    assert.deepEqual(directions.sample(Rng.fromSeed(1).fork().fork(), 2).map((t) => t.direction), [-1, -1]);
    const goals = envSpec('PointNav-v0').def.tasks;
    assert.deepEqual(drawTrainingTasks(goals, Rng.fromSeed(4), 3), goals.sample(Rng.fromSeed(4), 3));
  });

  it('keeps the tensor count flat over 50 gradient steps, and reports an in-context adaptation axis', async () => {
    const learner = await Pearl.create({ ...tiny, numTrainStepsPerItr: 25 });
    assert.deepEqual(learner.adaptation, { kind: 'in-context', episodes: 3, episodeLabels: ['prior sample', 'after 1 context episode', 'after 2 context episodes'], adaptsWithinEpisode: false });
    await learner.metaStep([], 1);
    const count = tf.memory().numTensors;
    await learner.metaStep([], 2);
    await learner.metaStep([], 3);
    assert.equal(tf.memory().numTensors, count, 'tensors after 2 x 25 more gradient steps');
    learner.dispose();
  });

  it('resumes exactly: 3 iterations straight = 2 + checkpoint (buffers as sidecars) + 1', async () => {
    const straight = await Pearl.create(tiny);
    const seeds = [11, 12, 13];
    const metrics: MetaMetrics[] = [];
    for (const s of seeds) metrics.push(await straight.metaStep([], s));
    const first = await Pearl.create(tiny);
    for (const s of seeds.slice(0, 2)) await first.metaStep([], s);
    const config = parseConfig({ env: 'PointNav-v0', horizon: 10, algorithm: { name: 'pearl' }, iterations: 3 }, 'test');
    const dir = mkdtempSync(join(tmpdir(), 'metarl-pearl-resume-'));
    const file = saveCheckpoint(dir, await checkpointOf(first, 2, config, 'hash', freshTrainerState([0, 0, 0, 1])), 1);
    first.dispose();
    const resumed = await Pearl.create(tiny);
    resumed.setState(loadCheckpoint(file).checkpoint.learner);
    const last = await resumed.metaStep([], seeds[2]);
    assert.deepEqual(numbers(last), numbers(metrics[2]));
    assert.deepEqual(stateBytes(await resumed.getState()), stateBytes(await straight.getState()));
    assert.ok(((await straight.getState()).buffers?.replay.length ?? 0) > 0);
    straight.dispose();
    resumed.dispose();
  });

  it('shows a trial in the viewer with posterior sampling: one run, labelled prior, then after 1, 2 context episodes', async () => {
    const learner = await Pearl.create(tiny);
    await learner.metaStep([], 1);
    const demo = await learner.demo({ goal: [0.3, -0.2] }, { seed: 4, episodes: 3, trials: 2 });
    assert.deepEqual(demo.runs.map((r) => r.labels), [['prior sample', 'after 1 context episode', 'after 2 context episodes']]);
    assert.equal(demo.curve.returns.length, 3);
    const vec = await makeVecEnv('PointNav-v0', 1, { horizon: 10 });
    vec.setTasks([{ goal: [0.3, -0.2] }]);
    const paths = await sampleEpisodesAsync(vec, demo.runs[0].policy, { seed: 4, episodesPerEnv: 3 });
    assert.equal(paths.length, 3);
    vec.close();
    learner.dispose();
  });

  it('learns on PointNav: after one context episode the return on held-out goals rises, beating z from the prior', async (t) => {
    // The pointnav-pearl preset's settings at a fifth of its width in time: 5 iterations x 500 gradient steps.
    const learner = await Pearl.create({
      envId: 'PointNav-v0', envOptions: { horizon: 20 }, seed: 0, vecRun: { workers: 1 },
      numTrainTasks: 40, netSize: 64, netDepth: 2, encoderHidden: [64, 64], metaBatch: 8, batchSize: 64, embeddingBatchSize: 32,
      numInitialSteps: 100, numStepsPrior: 100, numExtraRlStepsPosterior: 100, numTrainStepsPerItr: 500, rewardScale: 5, discount: 0.9,
      klLambda: 0.001, useNextObsInContext: true, policyLr: 1e-3, qfLr: 1e-3, vfLr: 1e-3, contextLr: 1e-3,
    });
    for (let i = 0; i < 5; i++) await learner.metaStep([], i);
    const tests = envSpec('PointNav-v0').def.tasks.testTasks(10);
    const curves = await Promise.all(tests.map((task, k) => learner.adaptationCurve(task, { seed: 100 + k, episodes: 2, trials: 4 })));
    const [first, second] = [0, 1].map((e) => curves.reduce((s, c) => s + c.returns[e], 0) / curves.length);
    const control = await priorOnlyReturns(learner, tests);
    const summary = `episode 1 ${first.toFixed(2)}, episode 2 ${second.toFixed(2)}, z from the prior ${control.toFixed(2)}`;
    t.diagnostic(summary);
    assert.ok(second > first + 0.5, `return rises with one context episode: ${summary}`);
    assert.ok(second > control + 0.5, `posterior beats the prior: ${summary}`);
    learner.dispose();
  });
});

/**
 * The control: the same agent with z from the prior in both episodes (deterministic actions, as the curve), mean
 * return of episode 2 over the tasks.
 */
async function priorOnlyReturns(learner: Pearl, tasks: readonly Task[]): Promise<number> {
  const vec = await makeVecEnv('PointNav-v0', 4, { horizon: 20 });
  const actor = await learner.actor();
  const prior = priorArrays(actor.latent, true);
  let total = 0;
  tasks.forEach((task, k) => {
    vec.setTasks(Array.from({ length: 4 }, () => task));
    const rng = Rng.fromSeed(100 + k);
    latentRound(vec, actor, [prior, prior, prior, prior], true, rng);
    total += latentRound(vec, actor, [prior, prior, prior, prior], true, rng).reduce((s, p) => s + pathReturn(p), 0) / 4;
  });
  vec.close();
  return total / tasks.length;
}
