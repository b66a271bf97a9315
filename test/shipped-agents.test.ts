/**
 * The agents shipped in experiments/trained/ (what `npm run demo` and `metarl demo <agent>` show): each loads from
 * its newest checkpoint into its learner and records a viewer take on a held-out task, and its recorded evaluation
 * says it adapts (better after adaptation than before and than the fine-tuned multi-task policy, 95% CIs apart).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../agents/backend.js';
import { loadCheckpoint, saveCheckpoint } from '../experiments/checkpoint.js';
import { createLearner, envOptions } from '../experiments/learners.js';
import { resultRow } from '../experiments/results-table.js';
import { shipAgent } from '../experiments/ship-agent.js';
import { DEFAULT_DEMO_AGENT, listShippedAgents, resolveAgentPath } from '../experiments/shipped-agents.js';
import { learnerTakeSource } from '../experiments/take-source.js';

describe('shipped agents', () => {
  before(async () => {
    await initBackend('auto', () => {});
  });

  it('the demo agent is shipped', () => {
    assert.ok(listShippedAgents().includes(DEFAULT_DEMO_AGENT), `${DEFAULT_DEMO_AGENT} in ${listShippedAgents().join(', ')}`);
  });

  for (const name of listShippedAgents()) {
    it(`${name}: loads, records a viewer take, and its evaluation says it adapts`, async () => {
      const dir = resolveAgentPath(name);
      const { checkpoint } = loadCheckpoint(dir);
      const learner = await createLearner(checkpoint.config);
      learner.setState(checkpoint.learner);
      const source = await learnerTakeSource(learner, { envId: checkpoint.config.env, envOptions: envOptions(checkpoint.config), steps: 1, episodes: 1 });
      const take = await source.record(undefined, 0);
      assert.equal(take.lanes.length, source.scene.lanes.length);
      assert.ok(take.lanes.every((lane) => lane.length > 0 && Number.isFinite(lane.return)));
      source.close();
      learner.dispose();
      const row = await resultRow(dir);
      assert.match(row.verdict, /^yes/, `${name}: ${row.verdict}`);
    });
  }
});

describe('metarl ship', () => {
  it('copies an evaluated run as an agent: newest checkpoint without its bulk buffers, baselines, eval.json, plots', () => {
    const work = mkdtempSync(join(tmpdir(), 'metarl-ship-'));
    const run = join(work, 'run');
    cpSync(resolveAgentPath('pointnav-rl2'), run, { recursive: true });
    // Give the run's checkpoint bulk buffers (as PEARL's replay buffers are stored: sidecar files).
    const { checkpoint } = loadCheckpoint(run);
    saveCheckpoint(join(run, 'checkpoints'), { ...checkpoint, learner: { ...checkpoint.learner, buffers: { replay: new Float32Array(12).fill(1) } } }, 1);
    assert.ok(readdirSync(join(run, 'checkpoints')).some((f) => f.endsWith('.bin')), 'the run has a buffer sidecar');
    const dest = shipAgent(run, 'tiny', join(work, 'trained'));
    assert.deepEqual(readdirSync(join(dest, 'checkpoints')), [`ckpt-${String(checkpoint.iteration).padStart(6, '0')}.json`]);
    const shipped = loadCheckpoint(dest).checkpoint;
    assert.equal(shipped.learner.buffers, undefined);
    assert.deepEqual(shipped.learner.params, checkpoint.learner.params);
    for (const f of ['config.json', 'eval.json', 'metrics.jsonl', 'plots/adaptation-curve.svg']) assert.ok(existsSync(join(dest, f)), f);
    assert.equal(readdirSync(join(dest, 'baselines', 'multitask')).length, 1);
    assert.throws(() => shipAgent(join(dest, 'checkpoints'), 'x', join(work, 'trained')), /has no eval\.json; run 'metarl eval/);
    assert.throws(() => shipAgent(run, '../x', join(work, 'trained')), /must be letters, digits/);
  });
});
