/**
 * Fidelity of the ant families against the README formulas, computed here from hand-made states and the torso
 * position before/after a step (control step 0.05 s).
 * AntDir-v0 (ProMP ant_rand_direc_2d.py): torso velocity along the direction + 1 - 0.1 |a|^2; terminates when the
 * torso height leaves [0, 1] m, the +1 paid on that step too.
 * AntGoal-v0 (ProMP ant_rand_goal.py, PEARL ant_goal.py): -(|x - gx| + |y - gy|) - 0.1 |a|^2, never terminates;
 * success when the torso is within 0.5 m (Euclidean) of the goal; the observation starts with the torso x, y.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { antDir, type AntDirTask } from '../envs/ant-dir.js';
import { antGoal, type AntGoalTask } from '../envs/ant-goal.js';
import { outcomeMismatches, RewardProbe } from '../envs/reward-probe.js';

/** README: control step 0.01 s x 5. */
const DT = 0.05;
const ACTION = [0.2, -0.9, 0.5, 0.4, -0.3, 0.8, -0.6, 0.1];
const control = (a: readonly number[]) => -0.1 * a.reduce((s, x) => s + x * x, 0);
/** A quarter turn about x: the ant on its side. */
const ON_ITS_SIDE = [Math.SQRT1_2, 0, 0, Math.SQRT1_2] as const;

describe('AntDir-v0 fidelity: velocity along the direction + 1 - 0.1 |a|^2, z in [0, 1] m', () => {
  let probe: RewardProbe<AntDirTask>;
  before(async () => (probe = await RewardProbe.create(antDir)));
  after(() => probe.close());

  it('reward() at hand-made displacements: progress is the velocity projected on the direction', () => {
    const angle = 2.1;
    const out = probe.rewardAt({ angle }, probe.state(), ACTION, [-0.03, 0.02, 0.75]);
    const progress = (0.03 * Math.cos(angle) - 0.02 * Math.sin(angle)) / DT;
    assert.deepEqual(outcomeMismatches(out, { terms: { progress, alive: 1, control: control(ACTION) }, terminated: false }), []);
  });

  it('termination band [0, 1] m on the torso height, with the +1 paid on the terminating step', () => {
    for (const z of [1.01, 0.99, 0.05, -0.01, 0.2]) {
      const out = probe.rewardAt({ angle: 0 }, probe.state({ rootPosition: [0, 0, z] }), ACTION, [0, 0, z]);
      const terminated = !(z >= 0 && z <= 1);
      assert.deepEqual(outcomeMismatches(out, { terms: { progress: 0, alive: 1, control: control(ACTION) }, terminated }), [], `z ${z}`);
    }
  });

  it('one env step while walking diagonally', () => {
    const angle = -0.9;
    const { result, rootBefore, rootAfter } = probe.step({ angle }, probe.state({ rootLinvel: [0.6, -0.8, 0] }), ACTION);
    const [vx, vy] = [0, 1].map((i) => (rootAfter[i] - rootBefore[i]) / DT);
    assert.ok(vx > 0.3 && vy < -0.4, `the torso moves: ${vx}, ${vy}`);
    const terminated = !(rootAfter[2] >= 0 && rootAfter[2] <= 1);
    assert.deepEqual(outcomeMismatches(result, { terms: { progress: vx * Math.cos(angle) + vy * Math.sin(angle), alive: 1, control: control(ACTION) }, terminated }), []);
  });
});

describe('AntGoal-v0 fidelity: -(L1 distance to the goal) - 0.1 |a|^2, no alive bonus, no termination', () => {
  let probe: RewardProbe<AntGoalTask>;
  before(async () => (probe = await RewardProbe.create(antGoal)));
  after(() => probe.close());

  const goal: [number, number] = [1, -2];
  it('reward() at hand-made torso positions: L1 distance, Euclidean success within 0.5 m', () => {
    // [x, y, success]: |dx| + |dy| = 0.9 with Euclidean 0.67; 0.4 with 0.28; 0.6 with 0.42 (success; L1 > 0.5)
    for (const [x, y, success] of [[0.4, -1.7, false], [0.8, -1.8, true], [1.3, -1.7, true]] as const) {
      const out = probe.rewardAt({ goal }, probe.state({ rootPosition: [x, y, 0.6] }), ACTION, [x, y, 0.6]);
      const distance = -(Math.abs(x - goal[0]) + Math.abs(y - goal[1]));
      assert.deepEqual(outcomeMismatches(out, { terms: { distance, control: control(ACTION) }, terminated: false, success }), [], `torso at ${x}, ${y}`);
    }
  });

  it('never terminates: jumping, lying on its side or below the ground', () => {
    for (const [z, rootRotation] of [[1.6, undefined], [0.3, ON_ITS_SIDE], [-0.1, undefined]] as const) {
      const out = probe.rewardAt({ goal }, probe.state({ rootPosition: [0, 0, z], ...(rootRotation ? { rootRotation } : {}) }), ACTION, [0, 0, z]);
      assert.deepEqual(outcomeMismatches(out, { terms: { distance: -3, control: control(ACTION) }, terminated: false, success: false }), [], `z ${z}`);
    }
  });

  it('one env step toward the goal; the observation starts with the torso x, y', () => {
    const { result, rootAfter } = probe.step({ goal }, probe.state({ rootLinvel: [0.5, -1, 0] }), ACTION);
    const [dx, dy] = [rootAfter[0] - goal[0], rootAfter[1] - goal[1]];
    const want = { terms: { distance: -(Math.abs(dx) + Math.abs(dy)), control: control(ACTION) }, terminated: false, success: Math.hypot(dx, dy) < 0.5 };
    assert.deepEqual(outcomeMismatches(result, want), []);
    assert.deepEqual([...result.obs.subarray(0, 3)], rootAfter.map(Math.fround));
  });
});
