/**
 * Fidelity of the half-cheetah families: reward, every term and the flags equal the formulas the README states,
 * computed here from hand-made states, the root x before/after a step and the control step 0.05 s.
 * CheetahVel-v0: -|v - v*| - 0.05 |a|^2; CheetahDir-v0: direction * v - 0.05 |a|^2; v = torso x displacement / 0.05 s;
 * neither terminates nor defines success.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cheetahDir, type CheetahDirTask } from '../envs/cheetah-dir.js';
import { cheetahVel, type CheetahVelTask } from '../envs/cheetah-vel.js';
import { outcomeMismatches, RewardProbe } from '../envs/reward-probe.js';

/** README: control step 0.01 s x 5. */
const DT = 0.05;
const ACTION = [0.3, -0.5, 0.7, -0.2, 0.1, 0.9];
const control = (a: readonly number[]) => -0.05 * a.reduce((s, x) => s + Math.min(1, Math.max(-1, x)) ** 2, 0);
/** The torso moving forward at 2 m/s, legs at rest. */
const RUNNING = { rootLinvel: [2, 0, 0] as const };

describe('CheetahVel-v0 fidelity: -|v - v*| - 0.05 |a|^2', () => {
  let probe: RewardProbe<CheetahVelTask>;
  before(async () => (probe = await RewardProbe.create(cheetahVel)));
  after(() => probe.close());

  it('reward() at hand-made torso displacements (below, above and against the target velocity)', () => {
    const task = { targetVelocity: 0.5 };
    for (const [dx, velocity] of [[0.01, -0.3], [0.1, -1.5], [-0.05, -1.5]]) {
      const out = probe.rewardAt(task, probe.state(), ACTION, [-dx, 0, 0.7]);
      assert.deepEqual(outcomeMismatches(out, { terms: { velocity, control: control(ACTION) }, terminated: false }), [], `dx ${dx}`);
    }
  });

  it('one env step from a running state: v from the root x before and after over 0.05 s', () => {
    const task = { targetVelocity: 0.7 };
    const { result, rootBefore, rootAfter } = probe.step(task, probe.state(RUNNING), ACTION);
    const v = (rootAfter[0] - rootBefore[0]) / DT;
    assert.ok(v > 1, `the torso runs forward: v = ${v}`);
    assert.deepEqual(outcomeMismatches(result, { terms: { velocity: -Math.abs(v - 0.7), control: control(ACTION) }, terminated: false }), []);
  });
});

describe('CheetahDir-v0 fidelity: direction * v - 0.05 |a|^2', () => {
  let probe: RewardProbe<CheetahDirTask>;
  before(async () => (probe = await RewardProbe.create(cheetahDir)));
  after(() => probe.close());

  it('reward() at hand-made displacements, both directions', () => {
    for (const direction of [1, -1] as const) {
      const out = probe.rewardAt({ direction }, probe.state(), ACTION, [-0.04, 0, 0.7]);
      assert.deepEqual(outcomeMismatches(out, { terms: { progress: direction * 0.8, control: control(ACTION) }, terminated: false }), [], `direction ${direction}`);
    }
  });

  it('one env step backward-tasked while running forward, with out-of-range actions clipped to [-1, 1]', () => {
    const action = [1.7, -3, 0.2, 0, -0.4, 1];
    const { result, rootBefore, rootAfter } = probe.step({ direction: -1 }, probe.state(RUNNING), action);
    const v = (rootAfter[0] - rootBefore[0]) / DT;
    assert.ok(v > 1, `the torso runs forward: v = ${v}`);
    assert.deepEqual(outcomeMismatches(result, { terms: { progress: -v, control: control(action) }, terminated: false }), []);
    assert.equal(control(action), -0.05 * (1 + 1 + 0.04 + 0.16 + 1));
  });
});
