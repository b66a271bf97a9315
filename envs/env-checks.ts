/**
 * The env conformance checks on single-env episodes, run by checkEnv (check-env.ts), and the helpers all checks
 * share. Each check works through the EnvSpec interface (make, makeVec, card, def), closes every env it makes, and
 * returns its failures: one line each, saying what is wrong and what to fix (no lines: passed).
 */
import { isDeepStrictEqual } from 'node:util';
import { buildRobot } from '../sim/build.js';
import { initPhysics } from '../sim/rapier.js';
import { horizonFailures } from './horizon-check.js';
import { Rng } from './rng.js';
import type { EnvSpec } from './robot-env.js';
import { createWorld } from './task-def.js';
import type { Env, Task } from './types.js';

/** What a check gets: the env family under test and how to run the worker-thread check. */
export interface CheckContext {
  spec: EnvSpec<Task>;
  /** Threads for the worker check. */
  workers: number;
  /** Modules the worker threads import first (they register the env under test). */
  setupModules: string[];
}

/** One conformance check: its name and a function returning its failure lines (none: passed). */
export interface EnvCheck {
  name: string;
  run(ctx: CheckContext): Promise<string[]>;
}

/** Observations and rewards of a {@link rollout}. */
export interface Rollout {
  rewards: number[];
  obs: Float32Array[];
}

/** Extra NaN slots after the declared observation, to see what write() writes past it. */
const LAYOUT_PAD = 16;

/** `steps` seeded uniform actions in [-1, 1] of dimension `dim`. */
export function randomActions(seed: number, steps: number, dim: number): Float32Array[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: steps }, () => Float32Array.from({ length: dim }, () => rng.uniform(-1, 1)));
}

/** Await `made`, run `fn` on it and close it, whether `fn` returns or throws. */
export async function withClosed<E extends { close(): void }, R>(made: Promise<E>, fn: (value: E) => R | Promise<R>): Promise<R> {
  const value = await made;
  try {
    return await fn(value);
  } finally {
    value.close();
  }
}

/** Reset with `seed`, apply `actions` (resetting after an episode ends), return rewards and observations. */
export function rollout(env: Env, seed: number, actions: readonly Float32Array[]): Rollout {
  const rewards: number[] = [];
  const obs: Float32Array[] = [env.reset({ seed }).obs];
  for (const a of actions) {
    const r = env.step(a);
    rewards.push(r.reward);
    obs.push(r.obs);
    if (r.terminated || r.truncated) obs.push(env.reset().obs);
  }
  return { rewards, obs };
}

/** Whether two typed arrays hold the same bytes (bit-identical, NaN-safe). */
export function sameBits(a: ArrayBufferView | undefined, b: ArrayBufferView | undefined): boolean {
  if (!a || !b) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Where two rollouts first differ ("observation 3", "reward 7"), or undefined when bit-identical. */
export function rolloutDiff(a: Rollout, b: Rollout): string | undefined {
  for (let t = 0; t < Math.max(a.obs.length, b.obs.length); t++) if (!sameBits(a.obs[t], b.obs[t])) return `observation ${t}`;
  for (let t = 0; t < Math.max(a.rewards.length, b.rewards.length); t++) if (!Object.is(a.rewards[t], b.rewards[t])) return `reward ${t}`;
  return undefined;
}

/** Inclusive ranges of sorted indices: [0, 1, 2, 5] -> "0..2, 5". */
function ranges(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? `${indices[i]}` : `${indices[i]}..${indices[j]}`);
    i = j + 1;
  }
  return parts.length ? parts.join(', ') : 'no entries';
}

/** A value as short JSON, for failure lines. */
export const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Observation/action spaces, card dims, action bounds, info.task, finite observations, body pose size. */
async function spacesAndCard({ spec }: CheckContext): Promise<string[]> {
  return withClosed(spec.make(), (env) => {
    const f: string[] = [];
    const dim = env.observationSpace.dim;
    const { obs, info } = env.reset({ seed: 0 });
    if (!(obs instanceof Float32Array) || obs.length !== dim) f.push(`reset() returned ${obs?.constructor?.name} of length ${obs?.length}; observations must be Float32Arrays of observationSpace.dim = ${dim}`);
    if (env.card.observation.dim !== dim) f.push(`card.observation.dim is ${env.card.observation.dim} but observationSpace.dim is ${dim}: build both from the same layout`);
    if (env.card.action.dim !== env.actionSpace.dim) f.push(`card.action.dim is ${env.card.action.dim} but actionSpace.dim is ${env.actionSpace.dim}: build both from the robot's actuators`);
    if (env.actionSpace.dim !== env.robot.actuators.length) f.push(`actionSpace.dim is ${env.actionSpace.dim} but the robot has ${env.robot.actuators.length} actuators: one action entry per actuator`);
    if (!env.actionSpace.low.every((v) => v === -1) || !env.actionSpace.high.every((v) => v === 1)) f.push('action bounds are not [-1, 1]: actions are normalised; scale gears in the robot spec instead');
    if (!isDeepStrictEqual(info.task, env.getTask())) f.push(`reset() reports task ${show(info.task)} but getTask() is ${show(env.getTask())}: info.task must be the current task`);
    f.push(...randomStepShapes(env));
    if (env.bodyPoses().length !== env.robot.bodies.length * 7) f.push(`bodyPoses() has ${env.bodyPoses().length} entries, expected bodies*7 = ${env.robot.bodies.length * 7}`);
    return f;
  });
}

/** 50 seeded random steps: observations of the declared size, finite, finite rewards, no physics error. */
function randomStepShapes(env: Env): string[] {
  const dim = env.observationSpace.dim;
  for (const [t, a] of randomActions(1, 50, env.actionSpace.dim).entries()) {
    const r = env.step(a);
    if (r.obs.length !== dim) return [`step ${t}: observation has ${r.obs.length} entries, expected observationSpace.dim = ${dim}`];
    const bad = r.obs.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) return [`step ${t}: observation entry ${bad} is ${r.obs[bad]}: observations must be finite`];
    if (!Number.isFinite(r.reward)) return [`step ${t}: reward is ${r.reward}: rewards must be finite`];
    if (r.info.physicsError) return [`step ${t}: physics error under random actions (${r.info.physicsError}): check the robot's masses, gears and the physics dt`];
    if (r.terminated || r.truncated) env.reset();
  }
  return [];
}

/** observation.write writes exactly the entries its layout declares, at the offset it is given. */
async function observationLayout({ spec }: CheckContext): Promise<string[]> {
  await initPhysics();
  const def = spec.def;
  const dim = def.observation.layout.reduce((s, e) => s + e.size, 0);
  const world = createWorld(def);
  try {
    const robot = buildRobot(world, def.robot, { groundContact: def.physics.ground });
    const written = (offset: number): number[] => {
      const out = new Float32Array(offset + dim + LAYOUT_PAD).fill(NaN);
      def.observation.write(robot, out, offset);
      return [...out.keys()].filter((i) => !Number.isNaN(out[i])).map((i) => i - offset);
    };
    const atZero = written(0);
    if (atZero.length !== dim || atZero.some((i) => i >= dim)) {
      return [`observation.write fills entries ${ranges(atZero)} (${atZero.length} entries); the layout declares ${dim} entries (0..${dim - 1}): make the layout sizes match what write() writes`];
    }
    if (!isDeepStrictEqual(written(3), atZero)) return ['observation.write(robot, out, 3) does not write at the offset: write out[offset + i], not out[i]'];
    return [];
  } finally {
    world.free();
  }
}

/** Over 50 random steps the reward is the sum of its terms, named as card.rewardTerms, in order. */
async function rewardTerms({ spec }: CheckContext): Promise<string[]> {
  return withClosed(spec.make(), (env) => {
    const declared = env.card.rewardTerms.map((t) => t.name);
    env.reset({ seed: 0 });
    for (const [t, a] of randomActions(1, 50, env.actionSpace.dim).entries()) {
      const r = env.step(a);
      const names = Object.keys(r.info.rewardTerms);
      const sum = Object.values(r.info.rewardTerms).reduce((s, v) => s + v, 0);
      if (!r.info.physicsError && !isDeepStrictEqual(names, declared)) return [`step ${t}: reward terms are [${names.join(', ')}] but card.rewardTerms declares [${declared.join(', ')}]: make reward() return exactly the declared rewardTerms, in order`];
      if (!(Math.abs(sum - r.reward) < 1e-9)) return [`step ${t}: reward ${r.reward} is not the sum ${sum} of info.rewardTerms: the reward must be the sum of its reported terms`];
      if (r.terminated || r.truncated) env.reset();
    }
    return [];
  });
}

/** Episodes end by termination before the horizon or by truncation exactly at it; some seed reaches it (horizon-check.ts). */
async function horizon({ spec }: CheckContext): Promise<string[]> {
  return withClosed(spec.make(), (env) => horizonFailures(env, spec.def));
}

/** Same seed and actions: same rollout and physics state; another seed: another state when reset noise is on. */
async function determinism({ spec }: CheckContext): Promise<string[]> {
  const actions = randomActions(7, 60, spec.def.robot.actuators.length);
  const runs: Array<Rollout & { hash: string }> = [];
  for (const seed of [5, 5, 6]) runs.push(await withClosed(spec.make(), (env) => ({ ...rollout(env, seed, actions), hash: env.stateHash() })));
  const f: string[] = [];
  const diff = rolloutDiff(runs[0], runs[1]);
  const fix = 'make observation and reward depend only on the physics state, task and action (no module-level state, clocks or unseeded random numbers)';
  if (diff) f.push(`two fresh envs with seed 5 and the same actions differ at ${diff}: ${fix}`);
  if (runs[0].hash !== runs[1].hash) f.push(`two fresh envs with seed 5 and the same actions end in different physics states: ${fix}`);
  if (spec.def.resetNoise.position > 0 && runs[0].hash === runs[2].hash) f.push('seeds 5 and 6 end in the same physics state although resetNoise.position > 0: draw the initial state from the seeded reset RNG');
  return f;
}

/** reset(seed) gives the same episode as a fresh env, whatever the env did before. */
async function resetReproduces({ spec }: CheckContext): Promise<string[]> {
  const dim = spec.def.robot.actuators.length;
  const actions = randomActions(8, 40, dim);
  return withClosed(spec.make(), (fresh) =>
    withClosed(spec.make(), (used) => {
      rollout(used, 1, randomActions(9, 60, dim));
      const diff = rolloutDiff(rollout(used, 5, actions), rollout(fresh, 5, actions));
      const fix = 'reset(seed) must restore the whole state (contacts, velocities, actuators, per-episode variables)';
      if (diff) return [`after 60 other steps, reset({ seed: 5 }) gives a different episode than a fresh env (first at ${diff}): ${fix}`];
      return used.stateHash() === fresh.stateHash() ? [] : [`after 60 other steps, reset({ seed: 5 }) ends in a different physics state than a fresh env: ${fix}`];
    }),
  );
}

/** Another task changes the reward, and the dynamics exactly when def.applyTask exists (else not the obs). */
async function setTaskEffect({ spec }: CheckContext): Promise<string[]> {
  const actions = randomActions(3, 40, spec.def.robot.actuators.length);
  const runs: Array<Rollout & { hash: string }> = [];
  for (const task of spec.def.tasks.testTasks(2)) {
    runs.push(await withClosed(spec.make(), (env) => (env.setTask(task), { ...rollout(env, 11, actions), hash: env.stateHash() })));
  }
  const f: string[] = [];
  if (isDeepStrictEqual(runs[0].rewards, runs[1].rewards)) f.push('test tasks 0 and 1 give the same rewards: the reward must depend on the task (setTask must reach reward())');
  if (spec.def.applyTask) {
    if (runs[0].hash === runs[1].hash) f.push('test tasks 0 and 1 give the same physics state although def.applyTask is set: applyTask must change the dynamics');
  } else {
    if (runs[0].hash !== runs[1].hash) f.push('test tasks 0 and 1 give different physics states without def.applyTask: a reward-only task must not change the dynamics');
    const diff = rolloutDiff({ ...runs[0], rewards: [] }, { ...runs[1], rewards: [] });
    if (diff) f.push(`test tasks 0 and 1 give different observations (first at ${diff}): the task leaked into the observation; only oracle mode may show it`);
  }
  return f;
}

/** The task is hidden; oracle mode appends exactly tasks.features(task) and changes the card hash. */
async function taskHidden({ spec }: CheckContext): Promise<string[]> {
  const [task] = spec.def.tasks.testTasks(1);
  const features = Float32Array.from(spec.def.tasks.features(task));
  return withClosed(spec.make(), (plain) =>
    withClosed(spec.make({ oracle: true }), (oracle) => {
      const f: string[] = [];
      plain.setTask(task);
      oracle.setTask(task);
      const a = plain.reset({ seed: 2 }).obs;
      const b = oracle.reset({ seed: 2 }).obs;
      if (b.length !== a.length + features.length) f.push(`the oracle observation has ${b.length} entries, expected ${a.length} + ${features.length} task features`);
      else if (!sameBits(b.subarray(0, a.length), a)) f.push('the oracle observation does not start with the plain observation: oracle mode may only append the task features');
      else if (!sameBits(b.subarray(a.length), features)) f.push('the oracle observation does not end with tasks.features(task): oracle mode appends exactly the task features');
      if (plain.card.task.hiddenFromObservation !== true) f.push('card.task.hiddenFromObservation is not true for the plain env: the task must be hidden unless oracle mode is on');
      if (plain.card.hash === oracle.card.hash) f.push('the plain and oracle env cards have the same hash: the card must record oracle mode');
      return f;
    }),
  );
}

/** reset, seeded or not, never changes the task. */
async function resetKeepsTask({ spec }: CheckContext): Promise<string[]> {
  const [, task] = spec.def.tasks.testTasks(2);
  return withClosed(spec.make(), (env) => {
    env.setTask(task);
    env.reset({ seed: 1 });
    env.reset();
    const now = env.getTask();
    return isDeepStrictEqual(now, task) ? [] : [`reset() changed the task from ${show(task)} to ${show(now)}: reset must never change the task; only setTask does`];
  });
}

/** The checks on single-env episodes, in report order. */
export const SINGLE_ENV_CHECKS: readonly EnvCheck[] = [
  { name: 'spaces and card', run: spacesAndCard },
  { name: 'observation layout', run: observationLayout },
  { name: 'reward terms', run: rewardTerms },
  { name: 'horizon', run: horizon },
  { name: 'determinism', run: determinism },
  { name: 'reset(seed) reproduces', run: resetReproduces },
  { name: 'setTask effect', run: setTaskEffect },
  { name: 'task hidden', run: taskHidden },
  { name: 'reset keeps task', run: resetKeepsTask },
];
