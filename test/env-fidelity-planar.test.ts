/**
 * Fidelity of the randomised-dynamics walkers against the README formulas (rand_param_envs hopper_rand_params.py and
 * walker2d_rand_params.py): reward v + 1 - 0.001 |a|^2 with v = torso x displacement / 0.008 s and the +1 paid on
 * every step, the terminating one included. Termination, computed here from the hand-made state:
 * HopperParams-v0 unless torso height > 0.7 m, |pitch| < 0.2 rad and every state entry but x, z (pitch, joint angles,
 * torso velocity x, z, pitch rate, joint velocities) within ±100; WalkerParams-v0 unless height in (0.8, 2) m and
 * |pitch| < 1 rad.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RobotState } from '../sim/build.js';
import { hopperParams } from '../envs/hopper-params.js';
import type { ParamsTask } from '../envs/params-tasks.js';
import { outcomeMismatches, RewardProbe } from '../envs/reward-probe.js';
import type { RobotTaskDef } from '../envs/task-def.js';
import { walkerParams } from '../envs/walker-params.js';

/** README: control step 0.004 s x 2. */
const DT = 0.008;
const control = (a: readonly number[]) => -0.001 * a.reduce((s, x) => s + x * x, 0);
/** The torso pitched by `angle` (rad) about +y, as a quaternion x, y, z, w. */
const pitched = (angle: number) => [0, Math.sin(angle / 2), 0, Math.cos(angle / 2)] as const;

/** A hand-made state: what it changes from the rest pose, and the height, pitch and state entries it sets. */
interface Case {
  name: string;
  z?: number;
  pitch?: number;
  /** Torso velocity x, z (m/s), pitch rate (rad/s). */
  root?: [number, number, number];
  /** Velocity of joint 1 (rad/s). */
  jointVelocity?: number;
}

/** Each family: its README termination rule over (height, pitch, largest |state entry| but x, z) and its cases. */
const FAMILIES: Array<{ def: RobotTaskDef<ParamsTask>; healthy: (z: number, pitch: number, state: number) => boolean; cases: Case[] }> = [
  {
    def: hopperParams,
    healthy: (z, pitch, state) => z > 0.7 && Math.abs(pitch) < 0.2 && state < 100,
    cases: [
      { name: 'height 0.69 m', z: 0.69 }, { name: 'height 0.71 m', z: 0.71 }, { name: 'height 3.5 m (no upper bound)', z: 3.5 },
      { name: 'pitch 0.19', pitch: 0.19 }, { name: 'pitch 0.21', pitch: 0.21 }, { name: 'pitch -0.21', pitch: -0.21 },
      { name: 'torso vx 99', root: [99, 0, 0] }, { name: 'torso vx 101', root: [101, 0, 0] }, { name: 'torso vz -101', root: [0, -101, 0] },
      { name: 'pitch rate 101', root: [0, 0, 101] }, { name: 'joint velocity -99', jointVelocity: -99 }, { name: 'joint velocity 101', jointVelocity: 101 },
    ],
  },
  {
    def: walkerParams,
    healthy: (z, pitch) => z > 0.8 && z < 2 && Math.abs(pitch) < 1,
    cases: [
      { name: 'height 0.79 m', z: 0.79 }, { name: 'height 0.81 m', z: 0.81 }, { name: 'height 1.99 m', z: 1.99 }, { name: 'height 2.01 m', z: 2.01 },
      { name: 'pitch 0.99', pitch: 0.99 }, { name: 'pitch -1.01', pitch: -1.01 }, { name: 'torso vx 150 (no state bound)', root: [150, 0, 0] },
      { name: 'joint velocity 150 (no state bound)', jointVelocity: 150 },
    ],
  },
];

for (const { def, healthy, cases } of FAMILIES) {
  describe(`${def.id} fidelity: v + 1 - 0.001 |a|^2 and the termination band`, () => {
    let probe: RewardProbe<ParamsTask>;
    const [task] = def.tasks.testTasks(1);
    const action = Array.from({ length: def.robot.actuators.length }, (_, i) => 0.9 - 0.35 * i);
    before(async () => (probe = await RewardProbe.create(def)));
    after(() => probe.close());

    it('reward() at hand-made states on both sides of every bound', () => {
      for (const c of cases) {
        const z = c.z ?? 1.25;
        const [vx, vz, pitchRate] = c.root ?? [0, 0, 0];
        const qdot = Array.from({ length: probe.robot.numJoints }, (_, j) => (j === 1 ? (c.jointVelocity ?? 0) : 0));
        const state: RobotState = probe.state({ rootPosition: [0, 0, z], rootRotation: pitched(c.pitch ?? 0), rootLinvel: [vx, 0, vz], rootAngvel: [0, pitchRate, 0], qdot });
        const out = probe.rewardAt(task, state, action, [-0.004, 0, z]);
        const largest = Math.max(Math.abs(c.pitch ?? 0), Math.abs(vx), Math.abs(vz), Math.abs(pitchRate), Math.abs(c.jointVelocity ?? 0));
        const want = { terms: { forward: 0.004 / DT, alive: 1, control: control(action) }, terminated: !healthy(z, c.pitch ?? 0, largest) };
        assert.deepEqual(outcomeMismatches(out, want), [], c.name);
      }
    });

    it('one env step from a standing, forward-moving state, and one that falls (terminated, alive still +1)', () => {
      for (const [pitch, fallen] of [[0, false], [1.3, true]] as const) {
        const { result, rootBefore, rootAfter } = probe.step(task, probe.state({ rootRotation: pitched(pitch), rootLinvel: [1.2, 0, 0] }), action);
        const v = (rootAfter[0] - rootBefore[0]) / DT;
        assert.ok(v > 0.5, `the torso moves forward: v = ${v}`);
        const largest = Math.max(...[...result.obs.subarray(1)].map(Math.abs));
        const terminated = !healthy(rootAfter[2], result.obs[1], largest);
        assert.equal(terminated, fallen, `pitch ${pitch}: the hand-made state is ${fallen ? 'fallen' : 'healthy'}`);
        assert.deepEqual(outcomeMismatches(result, { terms: { forward: v, alive: 1, control: control(action) }, terminated }), [], `pitch ${pitch}`);
      }
    });
  });
}
