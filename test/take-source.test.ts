/**
 * Viewer takes recorded from learners: one lane per adaptation step (MAML family) or per trial episode (RL2, PEARL),
 * poses of every step, returns equal to the recorded rewards, deterministic for a seed, bad tasks rejected.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../agents/backend.js';
import { Maml } from '../agents/meta/maml.js';
import { Pearl } from '../agents/meta/pearl.js';
import { Rl2 } from '../agents/meta/rl2.js';
import { envSpec } from '../envs/index.js';
import { learnerTakeSource, randomTakeSource } from '../experiments/take-source.js';
import type { Take } from '../viewer/source.js';

const BODY_POSE = 7;

function checkTake(take: Take, lanes: number, bodies: number): void {
  assert.equal(take.lanes.length, lanes);
  for (const lane of take.lanes) {
    assert.ok(lane.length > 0);
    assert.equal(lane.poses.length, lane.length * bodies * BODY_POSE);
    assert.equal(lane.rewards.length, lane.length);
    assert.ok(Math.abs(lane.return - lane.rewards.reduce((s, r) => s + r, 0)) < 1e-9);
    assert.ok(lane.poses.every(Number.isFinite));
    assert.equal(typeof lane.success, 'boolean', 'PointNav defines success');
  }
}

describe('learner take sources', () => {
  before(async () => {
    await initBackend('auto', () => {});
  });
  const bodies = envSpec('PointNav-v0').def.robot.bodies.length;

  it('MAML: lanes before adaptation and after each inner step, deterministic per seed', async () => {
    const maml = await Maml.create({ envId: 'PointNav-v0', envOptions: { horizon: 15 }, hidden: [8], episodesPerTask: 3 });
    const source = await learnerTakeSource(maml, { envId: 'PointNav-v0', envOptions: { horizon: 15 }, steps: 2 });
    assert.deepEqual(source.scene.lanes, ['before adaptation', 'after 1 step', 'after 2 steps']);
    assert.equal(source.scene.adaptationAxis, 'inner steps');
    assert.equal(source.scene.dt, envSpec('PointNav-v0').def.physics.dt * envSpec('PointNav-v0').def.physics.frameSkip);
    const take = await source.record(undefined, 5);
    checkTake(take, 3, bodies);
    assert.deepEqual(take.task, envSpec('PointNav-v0').def.tasks.testTasks(1)[0], 'the first held-out task');
    assert.equal(take.curve.length, 3);
    assert.equal(take.lanes[0].length, 15);
    const again = await (await learnerTakeSource(maml, { envId: 'PointNav-v0', envOptions: { horizon: 15 }, steps: 2 })).record(undefined, 5);
    assert.deepEqual(again, take);
    assert.notDeepEqual(take.lanes[0].poses, take.lanes[2].poses, 'adapted lanes act differently');
    source.close();
    maml.dispose();
  });

  it('RL2: one lane per episode of a trial; user tasks are validated', async () => {
    const rl2 = await Rl2.create({ envId: 'PointNav-v0', envOptions: { horizon: 10 }, hiddenDim: 8, episodesPerTrial: 3 });
    const source = await learnerTakeSource(rl2, { envId: 'PointNav-v0', envOptions: { horizon: 10 }, episodes: 2 });
    assert.deepEqual(source.scene.lanes, ['episode 1', 'episode 2', 'episode 3']);
    const take = await source.record({ goal: [0.3, -0.2] }, 1);
    checkTake(take, 3, bodies);
    assert.deepEqual(take.task, { goal: [0.3, -0.2] });
    await assert.rejects(source.record({ goal: 'north' }, 1), /goal/);
    source.close();
    rl2.dispose();
  });

  it('PEARL: lanes named by the learner (prior sample, then after 1, 2 context episodes)', async () => {
    const pearl = await Pearl.create({ envId: 'PointNav-v0', envOptions: { horizon: 10 }, seed: 0, vecRun: { workers: 1 }, latentSize: 3, netSize: 16, encoderHidden: [16], evalEpisodes: 3 });
    const source = await learnerTakeSource(pearl, { envId: 'PointNav-v0', envOptions: { horizon: 10 } });
    assert.deepEqual(source.scene.lanes, ['prior sample', 'after 1 context episode', 'after 2 context episodes']);
    checkTake(await source.record(undefined, 2), 3, bodies);
    source.close();
    pearl.dispose();
  });

  it('random: one lane of a uniform-random policy', async () => {
    const source = await randomTakeSource({ envId: 'PointNav-v0' });
    assert.equal(source.scene.algorithm, 'random');
    checkTake(await source.record(undefined, 0), 1, bodies);
    source.close();
  });
});
