/**
 * The MuJoCo WASM speed anchor (bench/mujoco-cheetah.ts): the half cheetah loads with Gymnasium's dimensions, moves
 * under control, steps deterministically and frees. Not timed.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../envs/rng.js';
import { loadMujocoCheetah, type MujocoCheetah } from '../bench/mujoco-cheetah.js';

/** `steps` env steps from reset with seeded uniform actions in [-1, 1]; the final qpos. */
function rollout(cheetah: MujocoCheetah, seed: number, steps: number): Float64Array {
  const rng = Rng.fromSeed(seed);
  const action = new Float64Array(cheetah.nu);
  cheetah.reset();
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < action.length; j++) action[j] = rng.uniform(-1, 1);
    cheetah.stepEnv(action);
  }
  return cheetah.qpos();
}

describe('MuJoCo WASM half cheetah', () => {
  let cheetah: MujocoCheetah;
  before(async () => {
    cheetah = await loadMujocoCheetah();
  });
  after(() => cheetah.free());

  it("loads with Gymnasium's dimensions and timestep", () => {
    assert.deepEqual([cheetah.nq, cheetah.nv, cheetah.nu, cheetah.timestep], [9, 9, 6, 0.01]);
    assert.match(cheetah.version, /\d+\.\d+/);
  });

  it('a constant action for 200 env steps moves the root and keeps qpos finite', () => {
    cheetah.reset();
    const start = cheetah.qpos();
    const action = new Float64Array(cheetah.nu).fill(0.5);
    for (let t = 0; t < 200; t++) cheetah.stepEnv(action);
    const q = cheetah.qpos();
    assert.ok(q.every(Number.isFinite), `qpos ${[...q]}`);
    assert.ok(Math.hypot(q[0] - start[0], q[1] - start[1]) > 0.05, `root barely moved: ${[...q.slice(0, 3)]}`);
    assert.throws(() => cheetah.stepEnv([0, 0]), /expected 6 controls/);
  });

  it('the same seeded actions from reset give bit-identical qpos', () => {
    const a = rollout(cheetah, 7, 300);
    const b = rollout(cheetah, 7, 300);
    assert.deepEqual(a, b);
    assert.notDeepEqual(rollout(cheetah, 8, 300), a);
  });

  it('free() releases a second instance, which is then unusable', async () => {
    const other = await loadMujocoCheetah();
    other.stepEnv(new Float64Array(other.nu));
    other.free();
    assert.throws(() => other.reset());
  });
});
