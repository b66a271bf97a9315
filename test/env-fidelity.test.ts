/**
 * Env fidelity as a contract. Every built-in env card names its reference task and its deliberate differences
 * (covered by the card hash), and the README shows both and each env's reward exactly as the cards state them.
 * The formulas themselves are checked per family against values computed here from hand-made states:
 * PointNav-v0 and ReacherGoal-v0 below, the others in test/env-fidelity-{cheetah,ant,planar}.test.ts.
 * PointNav-v0 (MAML point_env_randgoal.py): -distance to the goal, success within 0.1 m, never terminates.
 * ReacherGoal-v0 (Gymnasium reacher_v5.py): -fingertip distance - |a|^2, success within 5 cm; the fingertip is
 * 0.11 m along the lower link, i.e. (0.1 cos q0 + 0.11 cos(q0 + q1), 0.1 sin q0 + 0.11 sin(q0 + q1)).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { envSpec, listEnvs, robotEnv, type EnvCard } from '../envs/index.js';
import { NO_REFERENCE } from '../envs/env-card.js';
import { pointNav, type PointNavTask } from '../envs/point-nav.js';
import { reacherGoal, type ReacherGoalTask } from '../envs/reacher-goal.js';
import { outcomeMismatches, RewardProbe } from '../envs/reward-probe.js';
import { envsCommand, fidelityMarkdown, shortReference } from '../experiments/envs-command.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('env cards: reference and differences', () => {
  let cards: EnvCard[];
  before(async () => (cards = await Promise.all(listEnvs().map((id) => envSpec(id).card()))));

  it('every built-in env names its reference (paper and code) and its differences, one sentence each', () => {
    for (const c of cards) {
      assert.notEqual(c.reference, NO_REFERENCE, c.id);
      assert.match(c.reference, /\(.+ 20\d\d\)|Gymnasium/, `${c.id}: the paper`);
      assert.match(c.reference, /[\w-]+\/[\w-]+ \S+\.py/, `${c.id}: the repository and file`);
      assert.ok(c.differences.length > 0, `${c.id} declares no differences`);
      for (const d of c.differences) assert.match(d, /^[A-Z].*\.$/, `${c.id}: "${d}" is not one sentence`);
    }
  });

  it('the card hash covers the reference and the differences', async () => {
    const spec = envSpec('AntGoal-v0');
    const base = (await spec.card()).hash;
    const def = spec.def;
    assert.notEqual((await robotEnv({ ...def, differences: [...(def.differences ?? []), 'One more.'] }).card()).hash, base);
    assert.notEqual((await robotEnv({ ...def, reference: 'Another (Someone 2020): a/b c.py' }).card()).hash, base);
    const card = await robotEnv({ ...def, reference: undefined, differences: undefined }).card();
    assert.deepEqual([card.reference, card.differences], [NO_REFERENCE, []]);
  });

  it('metarl envs shows the reference per env, and one env in detail with every difference', async () => {
    const table = await envsCommand();
    for (const c of cards) assert.match(table, new RegExp(`^${c.id} .*  ${shortReference(c.reference)}  `, 'm'));
    const ant = cards.find((c) => c.id === 'AntGoal-v0') as EnvCard;
    const details = await envsCommand({ id: 'AntGoal-v0' });
    assert.ok(details.includes(`reference: ${ant.reference}`));
    ant.differences.forEach((d, i) => assert.ok(details.includes(`  ${i + 1}. ${d}`), d));
    assert.deepEqual(JSON.parse(await envsCommand({ id: 'AntGoal-v0', json: true })), ant);
  });

  it("the README's fidelity table is the cards' reference and differences", () => {
    assert.ok(README.includes(fidelityMarkdown(cards)), `README.md must contain, verbatim:\n${fidelityMarkdown(cards)}`);
  });

  it("the README's reward column is each card's stated reward", () => {
    for (const c of cards) {
      const row = README.split('\n').find((line) => line.startsWith(`| ${c.id} |`));
      assert.ok(row, `README has no Environments row for ${c.id}`);
      const cells = row.split(/(?<!\\)\|/).map((cell) => cell.trim().replaceAll('\\|', '|'));
      const stated = /Reward: (.*)\.$/.exec(c.description)?.[1];
      assert.equal(cells[4], stated, `${c.id}: README reward cell vs card description`);
    }
  });
});

describe('PointNav-v0 fidelity: -distance to the goal, success within 0.1 m', () => {
  let probe: RewardProbe<PointNavTask>;
  before(async () => (probe = await RewardProbe.create(pointNav)));
  after(() => probe.close());
  const goal: [number, number] = [0.3, -0.2];

  it('reward() at hand-made positions inside and outside the success radius', () => {
    for (const [x, y] of [[0.25, -0.15], [0, 0.1], [0.38, -0.2], [0.41, -0.2]]) {
      const d = Math.hypot(x - goal[0], y - goal[1]);
      const out = probe.rewardAt({ goal }, probe.state({ rootPosition: [x, y, 0.05] }), [0.4, -0.4], [x, y, 0.05]);
      assert.deepEqual(outcomeMismatches(out, { terms: { distance: -d }, terminated: false, success: d < 0.1 }), [], `at ${x}, ${y}`);
    }
  });

  it('one env step, moving, with the distance measured after the step', () => {
    const { result, rootBefore, rootAfter } = probe.step({ goal }, probe.state({ rootLinvel: [0.8, -0.5, 0] }), [1, -1]);
    assert.ok(rootAfter[0] - rootBefore[0] > 0.05, 'the point moves');
    const d = Math.hypot(rootAfter[0] - goal[0], rootAfter[1] - goal[1]);
    assert.deepEqual(outcomeMismatches(result, { terms: { distance: -d }, terminated: false, success: d < 0.1 }), []);
  });
});

describe('ReacherGoal-v0 fidelity: -fingertip distance - |a|^2, success within 5 cm', () => {
  let probe: RewardProbe<ReacherGoalTask>;
  before(async () => (probe = await RewardProbe.create(reacherGoal)));
  after(() => probe.close());
  const tip = (q: ArrayLike<number>) => [0.1 * Math.cos(q[0]) + 0.11 * Math.cos(q[0] + q[1]), 0.1 * Math.sin(q[0]) + 0.11 * Math.sin(q[0] + q[1])];
  const action = [0.5, -0.7];
  const control = -(0.25 + 0.49);

  it('reward() at hand-made joint angles, goals 3.6 cm and 5.7 cm from the fingertip', () => {
    const q = [0.3, -1.2];
    const [x, y] = tip(q);
    for (const [dx, dy, success] of [[0.03, 0.02, true], [0.04, 0.04, false]] as const) {
      const goal: [number, number] = [x + dx, y + dy];
      const out = probe.rewardAt({ goal }, probe.state({ q }), action, [0, 0, 0.01]);
      assert.deepEqual(outcomeMismatches(out, { terms: { distance: -Math.hypot(dx, dy), control }, terminated: false, success }), [], `offset ${dx}, ${dy}`);
    }
  });

  it("one env step from a swinging arm, the fingertip 0.11 m along the lower link's x axis after the step", () => {
    const goal: [number, number] = [-0.1, 0.12];
    const { result } = probe.step({ goal }, probe.state({ q: [1, 0.5], qdot: [2, -1] }), action);
    const [px, py] = probe.robot.bodyPosition(2);
    const [qx, qy, qz, qw] = probe.robot.bodyRotation(2);
    const [x, y] = [px + 0.11 * (1 - 2 * (qy * qy + qz * qz)), py + 0.11 * 2 * (qx * qy + qw * qz)];
    const d = Math.hypot(x - goal[0], y - goal[1]);
    assert.deepEqual(outcomeMismatches(result, { terms: { distance: -d, control }, terminated: false, success: d < 0.05 }), []);
  });
});
