/**
 * RL2's training data by hand: the inputs carry the previous reward, action and done flag across episode
 * boundaries (Duan et al.), the value head's time inputs, and GAE over a trial whose first episode ended by a
 * fall (terminated) and whose second was cut by the horizon (truncated) — next to the per-episode rule for a value
 * function that is not recurrent (returns.ts): bootstrap from V(final observation) after a truncation, not after a
 * termination.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packTrials, trialAdvantages, trialInputs, trialTimes, type Trial } from '../agents/meta/rl2-batch.js';
import { gae } from '../agents/returns.js';
import type { Path } from '../agents/sampler.js';

const OBS = 1;
const ACT = 1;
const H = 3;

function path(episode: number, obs: number[], actions: number[], rewards: number[], terminated: boolean): Path {
  const f = (v: number[]) => Float32Array.from(v);
  return { envIndex: 0, episode, task: {}, length: rewards.length, obs: f(obs), actions: f(actions), rewards: f(rewards), terminated, finalObs: f([9]) };
}

/** Episode 1 falls after 2 steps (terminated); episode 2 runs to the horizon H = 3 (truncated). */
const trial: Trial = {
  envIndex: 0,
  paths: [path(0, [10, 11], [0.1, 0.2], [1, 2], true), path(1, [20, 21, 22], [0.3, 0.4, 0.5], [3, 4, 5], false)],
  length: 5,
};

function assertClose(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= tol, `entry ${i}: ${actual[i]} vs ${e}`));
}

describe('RL2 trial data, by hand', () => {
  it('inputs [o_t, a_{t-1}, r_{t-1}, done]: the first step of episode 2 sees the last action and reward of episode 1', () => {
    const rows = trialInputs(trial, OBS, ACT);
    assertClose(rows, [
      10, 0, 0, 1, // trial start: no previous step
      11, 0.1, 1, 0,
      20, 0.2, 2, 1, // episode 2 starts: previous action 0.2 and reward 2 of episode 1, done = 1
      21, 0.3, 3, 0,
      22, 0.4, 4, 0,
    ]);
  });

  it("the value head's time inputs are the time left in the episode and in the trial", () => {
    // E = 2 episodes of H = 3: trial of 6 nominal steps; episode 1 has steps k = 0, 1; episode 2 has k = 0, 1, 2.
    assertClose(trialTimes(trial, H), [3 / 3, 6 / 6, 2 / 3, 5 / 6, 3 / 3, 3 / 6, 2 / 3, 2 / 6, 1 / 3, 1 / 6]);
    const batch = packTrials([trial], OBS, ACT, H);
    assertClose(batch.times, [...trialTimes(trial, H)]);
  });

  it('GAE runs through both episode ends inside a trial (the env resets, the state carries on) and stops at the trial end', () => {
    const batch = packTrials([trial], OBS, ACT, H);
    const values = Float32Array.from([0.5, 1, 1.5, 2, 2.5]);
    const gamma = 0.9;
    const lambda = 0.8;
    const { adv, targets } = trialAdvantages(batch, values, gamma, lambda);
    // δ_t = r_t + γ V_{t+1} − V_t, with V after the trial's last step = 0 (the trial, RL2's episode, is over).
    const delta = [1 + 0.9 * 1 - 0.5, 2 + 0.9 * 1.5 - 1, 3 + 0.9 * 2 - 1.5, 4 + 0.9 * 2.5 - 2, 5 - 2.5];
    const expected = [0, 0, 0, 0, 0];
    for (let t = 4, acc = 0; t >= 0; t--) expected[t] = acc = delta[t] + gamma * lambda * acc;
    assertClose(adv, expected, 1e-5);
    assertClose(targets, expected.map((a, t) => a + values[t]), 1e-5);
  });

  it('a per-episode value function bootstraps V(final obs) after a truncation and not after a fall', () => {
    const values = [0.5, 1];
    const bootstrap = 7;
    const fell = gae({ rewards: [1, 2], terminated: true }, values, 0.9, 1, bootstrap);
    const cut = gae({ rewards: [1, 2], terminated: false }, values, 0.9, 1, bootstrap);
    assertClose(fell, [1 + 0.9 * 2 - 0.5, 2 - 1]);
    assertClose(cut, [1 + 0.9 * (2 + 0.9 * 7) - 0.5, 2 + 0.9 * 7 - 1]);
  });
});
