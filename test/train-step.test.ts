/**
 * The training loop's guard and resume in-process: a NaN loss or parameter skips the iteration and restores
 * the learner; an RL2 run (float64 running statistics in its state) stopped by its signal and resumed gives
 * the same metrics as an uninterrupted run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MetaLearner, MetaLearnerState, MetaMetrics } from '../agents/meta/types.js';
import { freshTrainerState } from '../experiments/checkpoint.js';
import { loadConfig } from '../experiments/config-file.js';
import { LineProgress } from '../experiments/progress.js';
import type { IterationRecord } from '../experiments/results.js';
import { resumeRun, trainRun } from '../experiments/train.js';
import { guardedMetaStep, nonFiniteProblem } from '../experiments/train-step.js';

/** A learner whose metaStep sets its single parameter to `next()` and reports `loss()`. */
function fakeLearner(next: () => number, loss: () => number): MetaLearner & { value: number } {
  const state = (value: number): MetaLearnerState => ({ name: 'fake', iteration: 0, params: { policy: [{ shape: [1], data: Float32Array.of(value) }] }, optimizer: [] });
  return {
    name: 'fake',
    adaptation: { kind: 'gradient-steps', episodes: 1 },
    value: 1,
    async metaStep(): Promise<MetaMetrics> {
      this.value = next();
      const timings = { sampling: 1, inner: 1, outer: 1, total: 3 };
      return { iteration: 1, preReturn: -2, postReturn: -1, losses: { outer: loss() }, kl: 0.01, envSteps: 10, physicsErrors: 1, timings, info: {} };
    },
    async adaptationCurve() {
      return { returns: [] };
    },
    async demo() {
      return { runs: [], curve: { returns: [] } };
    },
    async getState() {
      return state(this.value);
    },
    setState(s: MetaLearnerState) {
      this.value = s.params.policy[0].data[0];
    },
    dispose() {},
  };
}

describe('guardedMetaStep', () => {
  it('keeps a finite step and counts env steps and physics errors', async () => {
    const learner = fakeLearner(() => 2, () => 0.5);
    const trainer = freshTrainerState([]);
    const record = await guardedMetaStep(learner, [], 0, 1, trainer);
    assert.equal(learner.value, 2);
    assert.equal(record.skipped, undefined);
    assert.deepEqual([trainer.totalEnvSteps, trainer.physicsErrors, trainer.skippedIterations], [10, 1, 0]);
  });

  it('skips a step with a NaN loss and restores the learner', async () => {
    const learner = fakeLearner(() => 5, () => NaN);
    const trainer = freshTrainerState([]);
    const record = await guardedMetaStep(learner, [], 0, 1, trainer);
    assert.equal(learner.value, 1, 'parameters restored');
    assert.match(record.skipped ?? '', /non-finite outer loss/);
    assert.equal(trainer.skippedIterations, 1);
    assert.equal(trainer.totalEnvSteps, 10, 'the samples were still taken');
  });

  it('skips a step that produced non-finite parameters', async () => {
    const learner = fakeLearner(() => Infinity, () => 0.1);
    const record = await guardedMetaStep(learner, [], 0, 1, freshTrainerState([]));
    assert.equal(learner.value, 1);
    assert.match(record.skipped ?? '', /non-finite policy parameters/);
    assert.equal(nonFiniteProblem({ losses: {}, preReturn: NaN, postReturn: 0 } as unknown as MetaMetrics, await learner.getState()), 'non-finite return');
  });
});

describe('RL2 stop and resume', () => {
  const work = mkdtempSync(join(tmpdir(), 'metarl-rl2-resume-'));
  const sets = ['iterations=4', 'horizon=10', 'metaBatchSize=3', 'algorithm.hiddenDim=8', 'algorithm.epochs=2'];
  const quiet = { progress: new LineProgress(() => {}), log: () => {} };
  const strip = (rs: IterationRecord[]) => rs.map(({ timings: _t, wallSeconds: _w, ...rest }) => rest);

  it('continues with the same metrics as an uninterrupted run', async () => {
    const full = await trainRun(await loadConfig('pointnav-rl2', sets), { ...quiet, out: join(work, 'full') });
    const controller = new AbortController();
    const stopAfter2 = (r: IterationRecord) => void (r.iteration === 2 && controller.abort());
    const first = await trainRun(await loadConfig('pointnav-rl2', sets), { ...quiet, out: join(work, 'split'), signal: controller.signal, onIteration: stopAfter2 });
    assert.equal(first.interrupted, true);
    assert.equal(first.iteration, 2);
    const rest = await resumeRun(join(work, 'split'), [], quiet);
    assert.equal(rest.iteration, 4);
    assert.deepEqual(strip([...first.records, ...rest.records]), strip(full.records));
  });
});
