/**
 * The agents shipped in experiments/trained/ (what `npm run demo` and `metarl demo <agent>` show): each loads from
 * its newest checkpoint into its learner and records a viewer take on a held-out task, and its recorded evaluation
 * says it adapts (better after adaptation than before and than the fine-tuned multi-task policy, 95% CIs apart).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../agents/backend.js';
import { loadCheckpoint } from '../experiments/checkpoint.js';
import { createLearner, envOptions } from '../experiments/learners.js';
import { resultRow } from '../experiments/results-table.js';
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
