/**
 * checkEnv: the env conformance checker. It runs every check of a registered env family (yours, or a built-in one)
 * and reports, per check, whether it passed, what failed (one line per problem, naming the fix) and how long it took.
 * `metarl check-env` and the repo's conformance test both run it. The checks on single-env episodes live in
 * env-checks.ts; the card, task-distribution, vector-env, worker-thread, bad-action and physics-error checks are here.
 */
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { randomActions, sameBits, show, SINGLE_ENV_CHECKS, withClosed, type CheckContext, type EnvCheck } from './env-checks.js';
import { envSpec } from './registry.js';
import { Rng } from './rng.js';
import { robotEnv } from './robot-env.js';
import type { VecEnv, VecStepResult } from './types.js';

/** One named check and what failed (each failure is one line that says what is wrong and what to fix). */
export interface EnvCheckResult {
  check: string;
  passed: boolean;
  failures: string[];
  /** Wall-clock duration of the check (s). */
  seconds: number;
}

/** The outcome of {@link checkEnv}: passed when every check passed. */
export interface EnvCheckReport {
  id: string;
  passed: boolean;
  results: EnvCheckResult[];
}

/** Options of {@link checkEnv}. */
export interface EnvCheckOptions {
  /** Threads for the worker-thread check (default 2). */
  workers?: number;
  /** Modules the worker threads import first (VecRunOptions.setupModules): the files that register your env. */
  setupModules?: string[];
  /** Run only the checks with these names (default: all, see {@link ENV_CHECK_NAMES}). */
  checks?: readonly string[];
}

const SEED = 40;

/** spec.card() equals env.card, its hash is 16 hex characters and tracks the definition (horizon). */
async function cardHash({ spec }: CheckContext): Promise<string[]> {
  const a = await spec.card();
  const b = await withClosed(spec.make(), (env) => env.card);
  const f: string[] = [];
  if (a.hash !== b.hash) f.push(`spec.card() hash ${a.hash} differs from env.card hash ${b.hash}: build both with envCard() from the same definition`);
  if (!/^[0-9a-f]{16}$/.test(a.hash)) f.push(`card hash "${a.hash}" is not 16 hex characters: use envCard()`);
  const changed = await robotEnv({ ...spec.def, horizon: spec.def.horizon + 1 }).card();
  if (changed.hash === a.hash) f.push('changing the horizon does not change the card hash: the hash must cover the whole definition');
  return f;
}

/** Seeded, reproducible sampling; a prefix-stable test split; parse round-trips tasks and rejects garbage. */
async function taskDistribution({ spec }: CheckContext): Promise<string[]> {
  const dist = spec.def.tasks;
  const f: string[] = [];
  const a = dist.sample(Rng.fromSeed(1), 4);
  if (!isDeepStrictEqual(a, dist.sample(Rng.fromSeed(1), 4))) f.push('tasks.sample with two RNGs of seed 1 gives different tasks: sample only from the rng argument');
  if (isDeepStrictEqual(a, dist.sample(Rng.fromSeed(2), 4))) f.push('tasks.sample gives the same tasks for seeds 1 and 2: draw the tasks from the rng argument');
  if (!isDeepStrictEqual(dist.testTasks(3), dist.testTasks(5).slice(0, 3))) f.push('testTasks(3) is not the start of testTasks(5): the test split must be a fixed, prefix-stable sequence');
  const bad = a.find((t) => !isDeepStrictEqual(dist.parse(JSON.parse(JSON.stringify(t))), t));
  if (bad) f.push(`parse(JSON round trip of ${show(bad)}) is not the same task: tasks must be plain JSON that parse() returns unchanged`);
  try {
    dist.parse({ nope: 1 });
    f.push('tasks.parse({ nope: 1 }) did not throw: reject unknown keys and bad values (taskObject/numberIn do)');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!/unknown key|must be/.test(message)) f.push(`tasks.parse({ nope: 1 }) threw "${message}", which names neither the unknown key nor what the value must be`);
  }
  return f;
}

/** Env 0 of makeVec(3) equals a single env with the same task and seed, bit for bit, until its episode ends. */
async function vecEqualsSingle({ spec }: CheckContext): Promise<string[]> {
  const tasks = spec.def.tasks.testTasks(3);
  return withClosed(spec.makeVec(3), (vec) =>
    withClosed(spec.make(), (single) => {
      vec.setTasks(tasks);
      single.setTask(tasks[0]);
      const obsDim = vec.singleObservationSpace.dim;
      const actDim = vec.singleActionSpace.dim;
      const fix = 'a robot in a VecEnv must behave exactly as in a single env (no dependence on its origin, the other robots, or state kept outside the env)';
      if (!sameBits(vec.reset(SEED).subarray(0, obsDim), single.reset({ seed: SEED }).obs)) return [`after reset(${SEED}), env 0 of makeVec(3) observes differently from a single env: ${fix}`];
      for (const [t, batch] of randomActions(2, 40, 3 * actDim).entries()) {
        const r = vec.step(batch);
        const s = single.step(batch.subarray(0, actDim));
        const done = s.terminated || s.truncated;
        const diff =
          r.rewards[0] !== Math.fround(s.reward) ? 'reward'
          : r.terminated[0] !== Number(s.terminated) ? 'terminated'
          : r.truncated[0] !== Number(s.truncated) ? 'truncated'
          : !sameBits(done ? r.infos[0].finalObs : r.obs.subarray(0, obsDim), s.obs) ? 'observation'
          : undefined;
        if (diff) return [`step ${t}: env 0 of makeVec(3) and a single env with the same task, seed and actions differ in ${diff}: ${fix}`];
        if (done) break;
      }
      return [];
    }),
  );
}

/** What first differs between two vector steps, or undefined. */
function vecStepDiff(a: VecStepResult, b: VecStepResult): string | undefined {
  if (!sameBits(a.obs, b.obs)) return 'observations';
  if (!sameBits(a.rewards, b.rewards)) return 'rewards';
  if (!sameBits(a.terminated, b.terminated)) return 'terminated flags';
  if (!sameBits(a.truncated, b.truncated)) return 'truncated flags';
  return undefined;
}

/** makeVec(4) over worker threads equals the in-process makeVec(4), bit for bit. */
async function workersEqualInProcess({ spec, workers, setupModules }: CheckContext): Promise<string[]> {
  const tasks = spec.def.tasks.testTasks(4);
  return withClosed(spec.makeVec(4, {}, { workers, setupModules }), (threaded) =>
    withClosed(spec.makeVec(4), (local) => {
      const envs: VecEnv[] = [threaded, local];
      envs.forEach((v) => v.setTasks(tasks));
      const fix = `on ${workers} threads the env computes other numbers than on one: keep no state outside the env (module-level variables) and register it identically in every thread (setupModules)`;
      if (!sameBits(threaded.reset(SEED), local.reset(SEED))) return [`after reset(${SEED}) the observations differ: ${fix}`];
      for (const [t, batch] of randomActions(4, 30, 4 * local.singleActionSpace.dim).entries()) {
        const diff = vecStepDiff(threaded.step(batch), local.step(batch));
        if (diff) return [`step ${t}: ${diff} differ: ${fix}`];
      }
      return [];
    }),
  );
}

/** Whether `fn` throws an Error. */
function throwsError(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    return e instanceof Error;
  }
}

/** Actions of the wrong length, NaN or Infinity throw before the physics steps; the env steps normally afterwards. */
async function badActions({ spec }: CheckContext): Promise<string[]> {
  return withClosed(spec.make(), (env) => {
    const dim = env.actionSpace.dim;
    env.reset({ seed: 0 });
    const hash = env.stateHash();
    const bad: Array<[string, Float32Array]> = [
      ['of the wrong length', new Float32Array(dim + 1)],
      ['with a NaN', new Float32Array(dim).fill(NaN, 0, 1)],
      ['with an Infinity', new Float32Array(dim).fill(Infinity, dim - 1)],
    ];
    const f = bad.filter(([, a]) => !throwsError(() => env.step(a))).map(([what]) => `step() with an action ${what} did not throw: validate actions (length, finite) before stepping`);
    if (env.stateHash() !== hash) f.push('rejected actions changed the physics state: validate the action before applying it');
    const r = env.step(new Float32Array(dim));
    if (r.info.episodeStep !== 1) f.push(`after rejected actions the next step reports episodeStep ${r.info.episodeStep}, expected 1: rejected actions must not count as steps`);
    return f;
  });
}

/** A non-finite observation truncates the episode with info.physicsError, a finite obs and reward 0, until reset. */
async function physicsErrors({ spec }: CheckContext): Promise<string[]> {
  const def = spec.def;
  let diverged = false;
  const write: typeof def.observation.write = (robot, out, offset) => {
    def.observation.write(robot, out, offset);
    if (diverged) out[offset] = NaN;
  };
  return withClosed(robotEnv({ ...def, observation: { layout: def.observation.layout, write } }).make(), (env) => {
    const zero = new Float32Array(env.actionSpace.dim);
    const f: string[] = [];
    env.reset({ seed: 0 });
    diverged = true;
    const r = env.step(zero);
    const fix = 'build the env with robotEnv(), which truncates on physics errors';
    if (!r.truncated || !r.info.physicsError) f.push(`a step with a non-finite observation was not truncated with info.physicsError: ${fix}`);
    if (!r.obs.every(Number.isFinite) || r.reward !== 0) f.push(`a physics error must return the last finite observation and reward 0: ${fix}`);
    if (!throwsError(() => env.step(zero))) f.push(`step() after a physics error did not throw: the episode is over until reset(); ${fix}`);
    diverged = false;
    if (!env.reset().obs.every(Number.isFinite)) f.push('reset() after a physics error gave a non-finite observation: reset must restore a finite state');
    return f;
  });
}

/** Every check, in report order. */
const ENV_CHECKS: readonly EnvCheck[] = [
  ...SINGLE_ENV_CHECKS,
  { name: 'env card hash', run: cardHash },
  { name: 'task distribution', run: taskDistribution },
  { name: 'VecEnv equals single env', run: vecEqualsSingle },
  { name: 'workers equal in-process', run: workersEqualInProcess },
  { name: 'bad actions rejected', run: badActions },
  { name: 'physics errors truncate', run: physicsErrors },
];

/** The names of the checks, in report order. */
export const ENV_CHECK_NAMES: readonly string[] = ENV_CHECKS.map((c) => c.name);

/** Run one check: a throw becomes a failure line naming the exception. */
async function runCheck(check: EnvCheck, ctx: CheckContext): Promise<EnvCheckResult> {
  const start = performance.now();
  let failures: string[];
  try {
    failures = await check.run(ctx);
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    failures = [`threw ${message.replace(/\s*\n\s*/g, ' ')} (fix this error first)`];
  }
  return { check: check.name, passed: failures.length === 0, failures, seconds: (performance.now() - start) / 1000 };
}

/**
 * Check that the registered env `id` satisfies every conformance property (spaces, rewards, horizon, determinism,
 * tasks, cards, vector and worker-thread equivalence, bad actions, physics errors). Checks run one after another;
 * a check that throws fails with the exception's message and the others still run. Every env made is closed.
 * @throws when `id` is not registered (the message lists the registered ids).
 */
export async function checkEnv(id: string, options: EnvCheckOptions = {}): Promise<EnvCheckReport> {
  const ctx: CheckContext = { spec: envSpec(id), workers: options.workers ?? 2, setupModules: options.setupModules ?? [] };
  const unknown = (options.checks ?? []).filter((name) => !ENV_CHECK_NAMES.includes(name));
  if (unknown.length) throw new Error(`checkEnv: unknown check(s) ${unknown.join(', ')}; checks: ${ENV_CHECK_NAMES.join(', ')}.`);
  const results: EnvCheckResult[] = [];
  for (const check of ENV_CHECKS) if (!options.checks || options.checks.includes(check.name)) results.push(await runCheck(check, ctx));
  return { id, passed: results.every((r) => r.passed), results };
}

/**
 * A report as a plain-text table: one row per check (PASS/FAIL, name, seconds), each failure indented under its
 * check, then "<id>: N/M checks passed".
 */
export function formatEnvCheckReport(report: EnvCheckReport): string {
  const width = Math.max(5, ...report.results.map((r) => r.check.length));
  const lines = [report.id, `${' '.repeat(8)}${'check'.padEnd(width)}  ${'seconds'.padStart(7)}`];
  for (const r of report.results) {
    lines.push(`  ${r.passed ? 'PASS ' : 'FAIL '} ${r.check.padEnd(width)}  ${r.seconds.toFixed(3).padStart(7)}`);
    for (const failure of r.failures) lines.push(`        - ${failure}`);
  }
  const passed = report.results.filter((r) => r.passed).length;
  lines.push(`${report.id}: ${passed}/${report.results.length} checks passed`);
  return lines.join('\n');
}
