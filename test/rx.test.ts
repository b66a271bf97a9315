/** The rxjs rollout adapters (envs/rx.ts) reproduce manual reset/step loops bit for bit, and stop stepping on unsubscribe. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Subject, take, takeUntil, type Observable } from 'rxjs';
import '../envs/index.js';
import { envAtRow } from './vec-trace.js';
import { envSpec, makeEnv, makeVecEnv, Rng, type Env, type StepInfo, type Task, type VecEnv } from '../envs/index.js';
import { episodes$, frames$, transitions$, vecEpisodes$, vecTransitions$, type Policy, type VecPolicy } from '../envs/rx.js';

const SEED = 42;

/** Deterministic policy: tanh(W obs + b) with seeded weights; returns doubles (the env rounds them). */
function linearPolicy(obsDim: number, actDim: number, seed: number): Policy {
  const rng = Rng.fromSeed(seed);
  const w = Float64Array.from({ length: actDim * (obsDim + 1) }, () => rng.normal(0, 0.5));
  return (obs) =>
    Float64Array.from({ length: actDim }, (_, j) => {
      let s = w[j * (obsDim + 1) + obsDim];
      for (let i = 0; i < obsDim; i++) s += w[j * (obsDim + 1) + i] * obs[i];
      return Math.tanh(s);
    });
}

function policyFor(env: Env): Policy {
  return linearPolicy(env.observationSpace.dim, env.actionSpace.dim, 7);
}

/** The same policy applied to each row of a batch. */
function batched(policy: Policy, numEnvs: number, obsDim: number, actDim: number): VecPolicy {
  return (obs) => {
    const out = new Float64Array(numEnvs * actDim);
    for (let i = 0; i < numEnvs; i++) out.set(Array.from(policy(obs.subarray(i * obsDim, (i + 1) * obsDim))), i * actDim);
    return out;
  };
}

/** Subscribe, collect every value, and check the Observable completed synchronously. */
function collect<T>(source: Observable<T>): T[] {
  const out: T[] = [];
  let done = false;
  let failure: unknown;
  source.subscribe({ next: (v) => out.push(v), error: (e) => (failure = e), complete: () => (done = true) });
  if (failure !== undefined) throw failure;
  assert.ok(done, 'the Observable completes synchronously on subscribe');
  return out;
}

/** The env behind a Proxy that counts `step` calls. */
function counted<E extends Env | VecEnv>(env: E): { env: E; steps: () => number } {
  let steps = 0;
  const proxy = new Proxy(env, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key === 'step') return (a: ArrayLike<number>) => (steps++, (target.step as (a: ArrayLike<number>) => unknown)(a));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { env: proxy, steps: () => steps };
}

/** A plain reset/step loop: seed on the first reset only, optional per-episode step cap. */
function manualTransitions(env: Env, policy: Policy, seed: number, episodes: number, maxSteps = Infinity) {
  const out = [];
  for (let episode = 0; episode < episodes; episode++) {
    let obs = env.reset(episode === 0 ? { seed } : {}).obs;
    for (let step = 1; ; step++) {
      const action = policy(obs);
      const r = env.step(action);
      const truncated = r.truncated || (!r.terminated && step >= maxSteps);
      out.push({ obs, action: Float32Array.from(action), reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated, info: r.info, episode, step });
      obs = r.obs;
      if (r.terminated || truncated) break;
    }
  }
  return out;
}

interface Sums {
  return: number;
  length: number;
  terminated: boolean;
  truncated: boolean;
  rewardTerms: Record<string, number>;
  success?: boolean;
  last?: StepInfo;
}

/** Per-episode sums of a manual loop; `f32` rounds each reward to float32 first (as a VecEnv reports them). */
function manualEpisodes(env: Env, policy: Policy, seed: number, episodes: number, f32 = false): Sums[] {
  const out: Sums[] = [];
  for (const t of manualTransitions(env, policy, seed, episodes)) {
    if (t.step === 1) out.push({ return: 0, length: 0, terminated: false, truncated: false, rewardTerms: {} });
    const s = out[out.length - 1];
    s.return += f32 ? Math.fround(t.reward) : t.reward;
    s.length = t.step;
    s.terminated = t.terminated;
    s.truncated = t.truncated;
    for (const [k, v] of Object.entries(t.info.rewardTerms)) s.rewardTerms[k] = (s.rewardTerms[k] ?? 0) + v;
    s.success = t.info.success;
  }
  return out;
}

for (const id of ['PointNav-v0', 'CheetahVel-v0']) {
  test(`transitions$ equals a manual reset/step loop bit for bit (${id}, 2 episodes)`, async () => {
    const [a, b] = [await makeEnv(id), await makeEnv(id)];
    const got = collect(transitions$(a, policyFor(a), { seed: SEED, episodes: 2 }));
    const want = manualTransitions(b, policyFor(b), SEED, 2);
    assert.equal(got.length, 2 * a.card.horizon);
    assert.deepEqual(got, want);
    assert.ok(got.every((t, i) => i === 0 || t.step === 1 || t.obs.every((v, j) => Object.is(v, got[i - 1].nextObs[j]))));
    assert.notEqual(got[0].obs, got[0].nextObs, 'obs and nextObs are separate copies');
  });
}

test('episodes$ returns and lengths equal the manual per-episode sums', async () => {
  for (const id of ['PointNav-v0', 'CheetahVel-v0']) {
    const [a, b] = [await makeEnv(id), await makeEnv(id)];
    const got = collect(episodes$(a, policyFor(a), { seed: SEED, episodes: 2 }));
    const want = manualEpisodes(b, policyFor(b), SEED, 2);
    assert.deepEqual(got.map((s) => s.episode), [0, 1]);
    assert.deepEqual(got.map((s) => s.length), [a.card.horizon, a.card.horizon]);
    got.forEach((s, i) => {
      assert.equal(s.return, want[i].return);
      assert.deepEqual(s.rewardTerms, want[i].rewardTerms);
      assert.deepEqual([s.terminated, s.truncated, s.success], [want[i].terminated, want[i].truncated, want[i].success]);
      assert.deepEqual(s.task, a.getTask());
    });
  }
  const env = await makeEnv('PointNav-v0');
  const capped = collect(episodes$(env, policyFor(env), { seed: SEED, episodes: 3, maxSteps: 30 }));
  assert.deepEqual(capped.map((s) => [s.length, s.truncated]), [[30, true], [30, true], [30, true]]);
});

test('take(n) and unsubscribe stop stepping immediately', async () => {
  const base = await makeEnv('PointNav-v0');
  const policy = policyFor(base);
  const { env, steps } = counted(base);
  assert.equal(collect(transitions$(env, policy, { seed: SEED, episodes: 3 }).pipe(take(5))).length, 5);
  assert.equal(steps(), 5);

  const before = steps();
  const stop = new Subject<void>();
  let seen = 0;
  transitions$(env, policy, { episodes: 3 })
    .pipe(takeUntil(stop))
    .subscribe(() => ++seen === 7 && stop.next());
  assert.equal(steps() - before, 7);

  const frames = collect(frames$(env, policy, { episodes: 3 }).pipe(take(1)));
  assert.deepEqual([frames[0].step, steps() - before], [0, 7], 'the reset frame alone takes no step');

  collect(episodes$(env, policy, { episodes: 3 }).pipe(take(1)));
  assert.equal(steps() - before, 7 + 100, 'stops as the first episode ends');

  const vec = counted(await makeVecEnv('PointNav-v0', 3));
  const vecPolicy = batched(policy, 3, base.observationSpace.dim, base.actionSpace.dim);
  const got = collect(vecTransitions$(vec.env, vecPolicy, { seed: SEED, steps: 50 }).pipe(take(3)));
  assert.deepEqual([got.length, vec.steps()], [3, 3]);
  assert.deepEqual(got[1].obs, got[0].result.obs);
});

test('frames$ poses equal env.bodyPoses() read in a manual loop', async () => {
  const [a, b] = [await makeEnv('CheetahVel-v0'), await makeEnv('CheetahVel-v0')];
  const policy = policyFor(a);
  const got = collect(frames$(a, policy, { seed: SEED, episodes: 2, maxSteps: 40 }));
  const want = [];
  for (let episode = 0; episode < 2; episode++) {
    let obs = b.reset(episode === 0 ? { seed: SEED } : {}).obs;
    want.push({ episode, step: 0, poses: b.bodyPoses(), reward: 0 });
    for (let step = 1; step <= 40; step++) {
      const r = b.step(policy(obs));
      want.push({ episode, step, poses: b.bodyPoses(), reward: r.reward });
      obs = r.obs;
    }
  }
  assert.equal(got.length, 2 * 41);
  assert.equal(got[0].poses.length, a.robot.bodies.length * 7);
  assert.deepEqual(got, want);
});

for (const id of ['PointNav-v0', 'HopperParams-v0']) {
  test(`vecEpisodes$ on 3 envs matches 3 one-robot envs at the same rows seeded seed+i (${id})`, async () => {
    const n = 3;
    const tasks = envSpec(id).def.tasks.sample(Rng.fromSeed(3), n) as Task[];
    const vec = await makeVecEnv(id, n);
    vec.setTasks(tasks);
    const policy = linearPolicy(vec.singleObservationSpace.dim, vec.singleActionSpace.dim, 7);
    const batch = batched(policy, n, vec.singleObservationSpace.dim, vec.singleActionSpace.dim);
    const got = collect(vecEpisodes$(vec, batch, { seed: SEED, steps: id === 'PointNav-v0' ? 250 : 150 }));
    for (let i = 0; i < n; i++) {
      const mine = got.filter((s) => s.envIndex === i);
      assert.ok(mine.length >= 2, `env ${i} finished ${mine.length} episodes`);
      const env = await envAtRow(id, i);
      env.setTask(tasks[i]);
      const want = manualEpisodes(env, policy, SEED + i, mine.length, true);
      mine.forEach((s, k) => {
        assert.equal(s.episode, k);
        assert.deepEqual(s.task, tasks[i]);
        assert.deepEqual([s.return, s.length, s.terminated, s.truncated, s.success], [want[k].return, want[k].length, want[k].terminated, want[k].truncated, want[k].success]);
        assert.deepEqual(s.rewardTerms, want[k].rewardTerms);
      });
    }
    if (id === 'HopperParams-v0') assert.ok(got.some((s) => s.terminated), 'some hopper episodes terminate (varied lengths)');
  });
}
