/**
 * Robot sanity: rest, joint limits under random actions, forward kinematics, dynamics parameters,
 * snapshot/restore, and simple controllers reaching goals.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildRobot } from '../sim/build.js';
import { initPhysics } from '../sim/rapier.js';
import { specJoints } from '../sim/robot-spec.js';
import { ROBOTS, cheetahSpec } from '../sim/robots/index.js';
import { PhysicsWorld } from '../sim/world.js';
import { envSpec, makeEnv } from '../envs/index.js';
import { randomActions } from './helpers.js';

before(() => initPhysics());

/** Joint-limit overshoot allowed under random actions (rad); measured worst case ~0.08 (walker). */
const LIMIT_TOLERANCE = 0.12;

describe('robots', () => {
  it('the half-cheetah under zero action comes to rest upright without exploding', async () => {
    const env = await makeEnv('CheetahVel-v0');
    let obs = env.reset({ seed: 0 }).obs;
    for (let t = 0; t < 190; t++) obs = env.step(new Float32Array(6)).obs;
    const [z, pitch] = obs;
    const speeds = obs.slice(8);
    assert.ok(z > 0.3 && z < 0.8, `torso height ${z}`);
    assert.ok(Math.abs(pitch) < 0.6, `torso pitch ${pitch}`);
    assert.ok(speeds.every((v) => Math.abs(v) < 0.1), `still moving: ${[...speeds]}`);
    env.close();
  });

  for (const id of ['CheetahVel-v0', 'AntGoal-v0', 'HopperParams-v0', 'WalkerParams-v0', 'ReacherGoal-v0']) {
    it(`${id}: joint angles stay within limits (+${LIMIT_TOLERANCE} rad) under random actions`, async () => {
      const spec = envSpec(id).def.robot;
      const ranges = specJoints(spec).map((j) => j.range);
      const world = new PhysicsWorld({ dt: envSpec(id).def.physics.dt, ground: envSpec(id).def.physics.ground ? { friction: 1 } : false, solverIterations: envSpec(id).def.physics.solverIterations });
      const robot = buildRobot(world, spec, { groundContact: envSpec(id).def.physics.ground });
      robot.setState({ rootPosition: spec.bodies[0].position, rootRotation: [0, 0, 0, 1], rootLinvel: [0, 0, 0], rootAngvel: [0, 0, 0], q: ranges.map((r) => (r ? Math.min(r[1], Math.max(r[0], 0)) : 0)), qdot: ranges.map(() => 0) });
      const q = new Float64Array(ranges.length);
      let worst = 0;
      for (const a of randomActions(1, 400, spec.actuators.length)) {
        robot.applyAction(a);
        world.step(envSpec(id).def.physics.frameSkip);
        robot.jointAngles(q);
        ranges.forEach((r, j) => r && (worst = Math.max(worst, r[0] - q[j], q[j] - r[1])));
        assert.ok(robot.isFinite());
      }
      assert.ok(worst < LIMIT_TOLERANCE, `overshoot ${worst.toFixed(3)} rad`);
      world.free();
    });
  }

  for (const spec of Object.values(ROBOTS)) {
    it(`${spec.name}: setState places joints at the requested angles (forward kinematics round trip)`, () => {
      const world = new PhysicsWorld({ dt: 0.01 });
      const robot = buildRobot(world, spec);
      const joints = specJoints(spec);
      const q = joints.map((j, i) => (j.range ? j.range[0] + (0.3 + 0.1 * (i % 3)) * (j.range[1] - j.range[0]) : 0.7));
      const qdot = joints.map((_, i) => 0.5 - 0.2 * i);
      robot.setState({ rootPosition: [0.1, 0, 1], rootRotation: [0, 0, 0, 1], rootLinvel: [0, 0, 0], rootAngvel: [0, 0, 0], q, qdot });
      const gotQ = new Float64Array(joints.length);
      const gotQdot = new Float64Array(joints.length);
      robot.jointAngles(gotQ);
      robot.jointVelocities(gotQdot);
      q.forEach((v, i) => assert.ok(Math.abs(gotQ[i] - v) < 1e-5, `q[${i}] ${gotQ[i]} vs ${v}`));
      qdot.forEach((v, i) => assert.ok(Math.abs(gotQdot[i] - v) < 1e-5, `qdot[${i}] ${gotQdot[i]} vs ${v}`));
      world.free();
    });
  }

  it('mass and friction parameters change without rebuilding the world', () => {
    const world = new PhysicsWorld({ dt: 0.01, ground: { friction: 1 } });
    const robot = buildRobot(world, cheetahSpec);
    const m0 = robot.totalMass();
    robot.setDynamics({ massScale: new Array(robot.numBodies).fill(2) });
    assert.ok(Math.abs(robot.totalMass() - 2 * m0) < 1e-3 * m0);
    assert.throws(() => robot.setDynamics({ dampingScale: [1] }), /dampingScale needs 6 entries/);
    assert.throws(() => robot.setDynamics({ massScale: new Array(robot.numBodies).fill(-1) }), /finite and > 0/);
    world.free();
  });

  it('snapshot/restore continues bit-identically', () => {
    const world = new PhysicsWorld({ dt: 0.01, ground: { friction: 1 } });
    const robot = buildRobot(world, cheetahSpec);
    const actions = randomActions(4, 40, 6);
    actions.slice(0, 20).forEach((a) => (robot.applyAction(a), world.step(5)));
    const snap = world.snapshot();
    actions.slice(20).forEach((a) => (robot.applyAction(a), world.step(5)));
    const expected = world.hash();
    world.restore(snap);
    actions.slice(20).forEach((a) => (robot.applyAction(a), world.step(5)));
    assert.equal(world.hash(), expected);
    world.free();
  });

  it('robots in one world do not touch each other', () => {
    const alone = new PhysicsWorld({ dt: 0.01, ground: { friction: 1 } });
    const shared = new PhysicsWorld({ dt: 0.01, ground: { friction: 1 } });
    const a = buildRobot(alone, cheetahSpec);
    const b = buildRobot(shared, cheetahSpec);
    const other = buildRobot(shared, cheetahSpec);
    const poses = [new Float32Array(49), new Float32Array(49)];
    randomActions(5, 60, 6).forEach((u, t) => {
      a.applyAction(u);
      b.applyAction(u);
      other.applyAction(randomActions(t, 1, 6)[0]);
      alone.step(5);
      shared.step(5);
    });
    a.bodyPoses(poses[0]);
    b.bodyPoses(poses[1]);
    assert.deepEqual(poses[0], poses[1]);
    alone.free();
    shared.free();
  });

  it('the point mass reaches its goal under a proportional controller', async () => {
    const env = await makeEnv('PointNav-v0');
    env.setTask({ goal: [0.4, -0.3] });
    let obs = env.reset({ seed: 0 }).obs;
    let last;
    for (let t = 0; t < 40; t++) {
      last = env.step([5 * (0.4 - obs[0]) - obs[2], 5 * (-0.3 - obs[1]) - obs[3]]);
      obs = last.obs;
    }
    assert.ok(Math.hypot(obs[0] - 0.4, obs[1] + 0.3) < 0.05, `ended at ${obs[0]}, ${obs[1]}`);
    assert.equal(last?.info.success, true);
    env.close();
  });

  it('the reacher fingertip reaches its goal under joint-space control', async () => {
    const env = await makeEnv('ReacherGoal-v0');
    const goal: [number, number] = [0.1, 0.12];
    env.setTask({ goal });
    // Inverse kinematics of the 0.1 m + 0.11 m arm, elbow-down solution.
    const d2 = goal[0] ** 2 + goal[1] ** 2;
    const elbow = Math.acos((d2 - 0.1 ** 2 - 0.11 ** 2) / (2 * 0.1 * 0.11));
    const shoulder = Math.atan2(goal[1], goal[0]) - Math.atan2(0.11 * Math.sin(elbow), 0.1 + 0.11 * Math.cos(elbow));
    let obs = env.reset({ seed: 0 }).obs;
    let last;
    for (let t = 0; t < 50; t++) {
      const q = [Math.atan2(obs[2], obs[0]), Math.atan2(obs[3], obs[1])];
      last = env.step([0.05 * (shoulder - q[0]) - 0.005 * obs[4], 0.05 * (elbow - q[1]) - 0.005 * obs[5]]);
      obs = last.obs;
    }
    assert.ok(Math.hypot(obs[6] - goal[0], obs[7] - goal[1]) < 0.05, `fingertip at ${obs[6]}, ${obs[7]}`);
    assert.equal(last?.info.success, true);
    env.close();
  });
});
