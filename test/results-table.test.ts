/**
 * The results table (experiments/results-table.ts): a row read from a hand-written eval.json and metrics.jsonl,
 * the adaptation verdict on hand-worked intervals, the training-seed case, and a run without eval.json refused.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { adaptationVerdict, resultRow, resultsMarkdown } from '../experiments/results-table.js';
import type { EvalCurve } from '../experiments/results.js';

function curve(label: string, mean: number[], ci95: (number | null)[], success?: number[]): EvalCurve {
  return { label, mean, ci95: ci95 as number[], n: 3, perSeed: [], ...(success ? { successRate: { mean: success, ci95: success.map(() => 0), n: 3 } } : {}) };
}

function writeRun(dir: string, steps: number, seconds: number): void {
  mkdirSync(dir, { recursive: true });
  const records = [1, 2].map((i) => JSON.stringify({ iteration: i, totalEnvSteps: (steps / 2) * i, wallSeconds: (seconds / 2) * i }));
  writeFileSync(join(dir, 'metrics.jsonl'), `${records.join('\n')}\n`);
}

function writeEval(dir: string, extra: Record<string, unknown> = {}): void {
  const result = {
    format: 'metarl-eval/1',
    envId: 'PointNav-v0',
    iteration: 40,
    protocol: { axis: 'inner steps', points: 3, seeds: [0, 1, 2], tasks: [], split: 'test', episodes: 10, ciOver: 'evaluation seeds' },
    curves: {
      agent: curve('MAML-TRPO', [-10, -6, -4], [0.5, 0.5, 0.5], [0, 0.2, 0.4]),
      random: curve('random', [-12, -12, -12], [1, 1, 1]),
      multitask: curve('multi-task + fine-tune', [-8, -7, -6], [0.4, 0.4, 0.4]),
      oracle: curve('oracle (task observed)', [-1], [0.1]),
    },
    ...extra,
  };
  writeFileSync(join(dir, 'eval.json'), JSON.stringify(result));
}

describe('results table', () => {
  it('reads one run: budget from metrics.jsonl, points from eval.json, baselines at the last point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-results-'));
    writeRun(dir, 48_000, 150);
    writeEval(dir);
    const row = await resultRow(dir);
    assert.equal(row.envSteps, 48_000);
    assert.equal(row.trainSeconds, 150);
    assert.deepEqual(row.agentBefore, { mean: -10, ci: 0.5 });
    assert.deepEqual(row.agentAfter, { mean: -4, ci: 0.5 });
    assert.deepEqual(row.baselines.multitask, { mean: -6, ci: 0.4 });
    assert.deepEqual(row.baselines.oracle, { mean: -1, ci: 0.1 }, 'a one-point curve repeats its point');
    assert.equal(row.after, 'k=2');
    assert.equal(row.verdict, 'yes');
    const table = resultsMarkdown([row]).split('\n');
    assert.equal(table.length, 3);
    assert.match(table[2], /\| PointNav-v0 \| MAML-TRPO \| 40 \| 48k \| 2\.5 min \| -10\.00 ± 0\.50 \| -4\.00 ± 0\.50 \(k=2\) \| -12\.00 ± 1\.00 \| -6\.00 ± 0\.40 \| -1\.00 ± 0\.10 \| 0\.40 \| 3 evaluation seeds \| yes \|$/);
  });

  it('over training seeds: env steps of one run, mean wall clock of the runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-results-'));
    writeRun(join(dir, 'seed-0'), 1000, 100);
    writeRun(join(dir, 'seed-1'), 1000, 300);
    writeEval(dir, { sources: [join(dir, 'seed-0'), join(dir, 'seed-1')] });
    const row = await resultRow(dir);
    assert.equal(row.envSteps, 1000);
    assert.equal(row.trainSeconds, 200);
  });

  it('the verdict needs the intervals apart from before and from the multi-task policy', () => {
    const e = (mean: number, ci: number) => ({ mean, ci });
    assert.equal(adaptationVerdict(e(-10, 1), e(-7.5, 1), e(-9.5, 0.2)), 'yes', '-8.5 > -9 and > -9.3');
    assert.equal(adaptationVerdict(e(-10, 1), e(-8, 1), e(-9.5, 0.2)), 'no: after adaptation not above before with CIs apart', 'touching: -9 is not above -9');
    assert.equal(adaptationVerdict(e(-10, 1), e(-8.5, 1), e(-11, 0.2)), 'no: after adaptation not above before with CIs apart', 'overlapping: -9.5 < -9');
    assert.equal(adaptationVerdict(e(-10, 1), e(-7.5, 1), e(-8.7, 0.2)), 'no: not above multi-task fine-tuned', '-8.5 is not above -8.7 + 0.2');
    assert.equal(adaptationVerdict(e(-10, NaN), e(-8, NaN), e(-9, NaN)), 'yes (n=1, means only)');
    assert.equal(adaptationVerdict(e(-10, 1), e(-7, 1)), 'yes over before; multi-task not evaluated');
    const withinFirst = 'yes, within episode 1: above multi-task from episode 1 on, later episodes no better';
    assert.equal(adaptationVerdict(e(250, 10), e(255, 10), e(5, 3), e(2, 3), true), withinFirst, 'in context: episode 1 already far above multi-task');
    assert.equal(adaptationVerdict(e(250, 10), e(255, 10), e(5, 3), e(2, 3), false), 'no: after adaptation not above before with CIs apart', 'gradient steps: no such case');
    assert.equal(adaptationVerdict(e(4, 10), e(5, 10), e(5, 3), e(2, 3), true), 'no: after adaptation not above before with CIs apart', 'episode 1 not above multi-task');
  });

  it('episode-1 adaptation only for agents whose state changes within an episode (RL2, not PEARL\'s prior episode)', async () => {
    const trial = (protocol: Record<string, unknown>) => ({
      protocol: { axis: 'episode in trial', points: 3, seeds: [0, 1, 2], tasks: [], split: 'test', episodes: 10, ...protocol },
      curves: {
        agent: curve('agent', [-490, -489, -489], [9, 3, 4]),
        random: curve('random', [-558, -560, -549], [12, 2, 21]),
        multitask: curve('multi-task + fine-tune', [-600, -593, -605], [4, 34, 15]),
      },
    });
    const verdictOf = async (protocol: Record<string, unknown>) => {
      const dir = mkdtempSync(join(tmpdir(), 'metarl-results-'));
      writeRun(dir, 1000, 100);
      writeEval(dir, trial(protocol));
      return (await resultRow(dir)).verdict;
    };
    const withinFirst = 'yes, within episode 1: above multi-task from episode 1 on, later episodes no better';
    assert.equal(await verdictOf({ adaptsWithinEpisode: false }), 'no: after adaptation not above before with CIs apart', 'PEARL: episode 1 is the prior\'s');
    assert.equal(await verdictOf({ adaptsWithinEpisode: true }), withinFirst, 'RL2: adapts during episode 1');
    assert.equal(await verdictOf({}), withinFirst, 'files from before the field: as before');
  });

  it('a run without eval.json names the command that makes one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-results-'));
    await assert.rejects(resultRow(dir), /has no eval\.json: run `metarl eval /);
  });
});
