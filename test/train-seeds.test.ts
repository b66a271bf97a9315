/**
 * Statistics over training seeds: `metarl train --seeds 0,1` trains one run per seed and evaluates them together,
 * with the 95% CI over the runs (each run's value: its mean over test tasks and evaluation seeds); `metarl eval`
 * of several runs does the same; one evaluation seed of one run has no CI (n=1, never ± 0).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EvalResult } from '../experiments/results.js';
import { summarize } from '../experiments/stats.js';
import { parseSeeds } from '../experiments/train-seeds.js';
import { assertUserError, metarl } from './cli-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'metarl-seeds-'));
const config = join(work, 'tiny.json');
writeFileSync(
  config,
  JSON.stringify({
    env: 'PointNav-v0',
    horizon: 10,
    algorithm: { name: 'maml', hidden: [8], episodesPerTask: 2 },
    metaBatchSize: 2,
    iterations: 1,
    eval: { tasks: 2, seeds: 2, steps: 1, baselines: ['random'] },
  }),
);

const read = (file: string): EvalResult => JSON.parse(readFileSync(file, 'utf8'));

describe('statistics over training seeds', () => {
  const out = join(work, 'multi');

  it('train --seeds 0,1 trains seed-0 and seed-1 and writes one evaluation with the CI over training seeds', () => {
    const r = metarl('train', config, '--seeds', '0,1', '--out', out, '--workers', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /mean return ± 95% CI over 2 training seeds, 2 evaluation seeds each/);
    const combined = read(join(out, 'eval.json'));
    const runs = [0, 1].map((s) => read(join(out, `seed-${s}`, 'eval.json')));
    assert.equal(combined.protocol.ciOver, 'training seeds');
    assert.deepEqual(combined.protocol.trainingSeeds, [0, 1]);
    assert.deepEqual(runs.map((r) => (r.config as { seed: number }).seed), [0, 1]);
    assert.equal(combined.sources?.length, 2);
    for (const key of ['agent', 'random']) {
      const perRun = runs.map((r) => r.curves[key].mean);
      assert.deepEqual(combined.curves[key].perSeed, perRun);
      const expected = summarize(perRun);
      assert.deepEqual(combined.curves[key].mean, expected.mean);
      assert.deepEqual(combined.curves[key].ci95, expected.ci95);
      assert.equal(combined.curves[key].n, 2);
    }
    assert.notDeepEqual(runs[0].curves.agent.mean, runs[1].curves.agent.mean, 'the seeds trained different agents');
  });

  it('eval of the same runs gives the same combined curves', () => {
    const again = join(work, 'again');
    const r = metarl('eval', join(out, 'seed-0'), join(out, 'seed-1'), '--out', again, '--workers', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(read(join(again, 'eval.json')).curves, read(join(out, 'eval.json')).curves);
  });

  it('one run with one evaluation seed: n=1 and no interval, never ± 0', () => {
    const r = metarl('eval', join(out, 'seed-0'), '--seeds', '1', '--workers', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /mean return, n=1 \(evaluation seeds: no CI\)/);
    assert.match(r.stdout, /-?\d+\.\d\d \(n=1\)/);
    assert.doesNotMatch(r.stdout, /± 0\.00/);
    const single = read(join(out, 'seed-0', 'eval.json'));
    assert.deepEqual(single.curves.agent.ci95, [null, null]);
    assert.equal(single.curves.agent.n, 1);
  });

  it('combines a run whose config lists other baselines (a default list that grew since it was trained), keeping the shared curves', () => {
    const older = join(work, 'older-baseline-list');
    const trained = metarl('train', config, '--set', 'seed=2', '--set', 'eval.baselines=["random","multitask"]', '--out', older, '--workers', '1');
    assert.equal(trained.status, 0, trained.stderr);
    const combinedDir = join(work, 'mixed-lists');
    const r = metarl('eval', join(out, 'seed-0'), older, '--out', combinedDir, '--workers', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(Object.keys(read(join(combinedDir, 'eval.json')).curves).sort(), ['agent', 'random']);
    const otherTasks = join(work, 'other-eval-tasks');
    assert.equal(metarl('train', config, '--set', 'seed=3', '--set', 'eval.tasks=3', '--out', otherTasks, '--workers', '1').status, 0);
    assertUserError(metarl('eval', join(out, 'seed-0'), otherTasks, '--workers', '1', '--baselines', 'none'), 'config eval differ');
  });

  it('refuses runs of different experiments, repeated seeds and bad --seeds', () => {
    const other = join(work, 'other');
    assert.equal(metarl('train', config, '--set', 'horizon=12', '--out', other, '--workers', '1').status, 0);
    assertUserError(metarl('eval', join(out, 'seed-0'), other, '--workers', '1', '--baselines', 'none'), 'config horizon differ');
    assertUserError(metarl('eval', join(out, 'seed-0'), join(out, 'seed-0'), '--workers', '1', '--baselines', 'none'), 'repeat a training seed');
    assertUserError(metarl('train', config, '--seeds', '1,x'), '--seeds must list distinct integers');
    assert.deepEqual(parseSeeds('0..3'), [0, 1, 2, 3]);
    assert.throws(() => parseSeeds('2,2'), /distinct/);
  });
});
