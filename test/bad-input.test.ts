/**
 * Bad input gets a clear error naming the fix; physics blow-ups truncate the episode instead of returning NaN.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listEnvs, makeEnv, robotEnv } from '../envs/index.js';
import { pointNav } from '../envs/point-nav.js';

describe('bad input', () => {
  it('an unknown env id lists the valid ids', async () => {
    await assert.rejects(() => makeEnv('Cheetah-v9'), (e: Error) => e.message.includes('Unknown env id "Cheetah-v9"') && listEnvs().every((id) => e.message.includes(id)));
  });

  it('actions of the wrong length, NaN or Infinity are rejected before touching the physics', async () => {
    const env = await makeEnv('CheetahVel-v0');
    env.reset({ seed: 0 });
    const hash = env.stateHash();
    assert.throws(() => env.step([0, 0, 0]), /action must have 6 entries \(actionSpace\.dim\), got 3/);
    assert.throws(() => env.step([0, 0, NaN, 0, 0, 0]), /action\[2\] is NaN; actions must be finite/);
    assert.throws(() => env.step([0, 0, 0, 0, 0, Infinity]), /action\[5\] is Infinity/);
    assert.equal(env.stateHash(), hash);
    env.close();
  });

  it('stepping before reset or after the episode ended says to call reset()', async () => {
    const env = await makeEnv('ReacherGoal-v0');
    assert.throws(() => env.step([0, 0]), /call reset\(\) before the first step\(\)/);
    env.reset({ seed: 0 });
    for (let t = 0; t < env.card.horizon; t++) env.step([0, 0]);
    assert.throws(() => env.step([0, 0]), /episode is over .*call reset\(\) before step\(\)/);
    env.reset();
    assert.doesNotThrow(() => env.step([0, 0]));
    env.close();
  });

  it('an invalid task is rejected with the key and its valid range', async () => {
    const env = await makeEnv('CheetahVel-v0');
    assert.throws(() => env.setTask({ targetVelocity: 'fast' } as never), /Task\.targetVelocity must be a number in \[-10, 10\]/);
    assert.throws(() => env.setTask({ velocity: 1 } as never), /unknown key\(s\) velocity; valid keys: targetVelocity/);
    env.close();
  });

  it('a physics blow-up truncates the episode with info.physicsError and a finite observation', async () => {
    // Rapier caps velocities rather than producing NaN, so the divergence is injected at the state readout.
    let diverged = false;
    const exploding = robotEnv({
      ...pointNav,
      id: 'ExplodingPoint-v0',
      observation: {
        layout: pointNav.observation.layout,
        write: (robot, out, offset) => {
          pointNav.observation.write(robot, out, offset);
          if (diverged) out[offset] = NaN;
        },
      },
    });
    const env = await exploding.make();
    env.reset({ seed: 0 });
    env.step([1, 1]);
    diverged = true;
    const r = env.step([1, 1]);
    assert.equal(r.truncated, true);
    assert.match(r.info.physicsError ?? '', /non-finite physics state/);
    assert.ok(r.obs.every(Number.isFinite));
    assert.equal(r.reward, 0);
    assert.throws(() => env.step([0, 0]), /episode is over/);
    diverged = false;
    const again = env.reset();
    assert.ok(again.obs.every(Number.isFinite));
    env.close();
  });
});
