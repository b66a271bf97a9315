/**
 * checkEnv catches broken envs: each deliberately broken env below fails the check that names its problem (plus the
 * checks its bug necessarily breaks too), and a healthy copy of the same env passes. The broken envs are registered
 * at module level so that the worker threads of the worker check can register them too (this file is their
 * setupModule; the tests themselves are declared on the main thread only).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread } from 'node:worker_threads';
import { checkEnv, formatEnvCheckReport, registerEnv, robotEnv, type EnvCheckReport, type EnvSpec, type Task } from '../envs/index.js';
import { pointNav } from '../envs/point-nav.js';

const SETUP = { setupModules: [import.meta.url] };

registerEnv(robotEnv({ ...pointNav, id: 'HealthyPoint-v0' }));

registerEnv(
  robotEnv({
    ...pointNav,
    id: 'BrokenLayout-v0',
    observation: { layout: [...pointNav.observation.layout, { name: 'extra', size: 2 }], write: pointNav.observation.write },
  }),
);

registerEnv(
  robotEnv({
    ...pointNav,
    id: 'BrokenTerms-v0',
    reward: (ctx) => ({ terms: { dist: pointNav.reward(ctx).terms.distance } }),
  }),
);

let writes = 0; // module-level state leaking into the observation: the bug under test
registerEnv(
  robotEnv({
    ...pointNav,
    id: 'BrokenDeterminism-v0',
    observation: {
      layout: pointNav.observation.layout,
      write: (robot, out, offset) => {
        pointNav.observation.write(robot, out, offset);
        out[offset] += 1e-3 * (writes++ % 5);
      },
    },
  }),
);

/** `spec` whose single envs switch to another task on every reset. */
function resetChangesTask(spec: EnvSpec<Task>): EnvSpec<Task> {
  const other = spec.def.tasks.testTasks(3)[2];
  return {
    ...spec,
    make: async (options) => {
      const env = await spec.make(options);
      const reset = env.reset.bind(env);
      env.reset = (opts) => {
        env.setTask(other);
        return reset(opts);
      };
      return env;
    },
  };
}
registerEnv(resetChangesTask(robotEnv({ ...pointNav, id: 'BrokenResetTask-v0' }) as unknown as EnvSpec<Task>));

registerEnv({
  ...(robotEnv({ ...pointNav, id: 'BrokenMake-v0' }) as unknown as EnvSpec<Task>),
  make: async () => {
    throw new Error('cannot build the robot');
  },
});

registerEnv(robotEnv({ ...pointNav, id: 'AlwaysFalls-v0', reward: (ctx) => ({ ...pointNav.reward(ctx), terminated: true }) }));

/** `spec` whose single envs never report truncation (they run past the horizon). */
function neverTruncates(spec: EnvSpec<Task>): EnvSpec<Task> {
  return {
    ...spec,
    make: async (options) => {
      const env = await spec.make(options);
      const step = env.step.bind(env);
      env.step = (action) => ({ ...step(action), truncated: false });
      return env;
    },
  };
}
registerEnv(neverTruncates(robotEnv({ ...pointNav, id: 'NeverTruncates-v0' }) as unknown as EnvSpec<Task>));

const failed = (report: EnvCheckReport): string[] => report.results.filter((r) => !r.passed).map((r) => r.check);
const failuresOf = (report: EnvCheckReport, check: string): string => report.results.find((r) => r.check === check)?.failures.join('\n') ?? '';

if (isMainThread) {
  describe('checkEnv', () => {
    it('passes a healthy user env (worker threads register it through setupModules)', async () => {
      const report = await checkEnv('HealthyPoint-v0', SETUP);
      assert.ok(report.passed, formatEnvCheckReport(report));
      assert.equal(report.id, 'HealthyPoint-v0');
      assert.ok(report.results.every((r) => r.passed && r.failures.length === 0 && r.seconds >= 0));
    });

    it('fails the worker check, naming setupModules, when the workers cannot find the env', async () => {
      const report = await checkEnv('HealthyPoint-v0');
      assert.deepEqual(failed(report), ['workers equal in-process']);
      assert.match(failuresOf(report, 'workers equal in-process'), /Unknown env id "HealthyPoint-v0".*setupModules/);
    });

    it('catches an observation layout that declares more entries than write() writes', async () => {
      const report = await checkEnv('BrokenLayout-v0', SETUP);
      assert.deepEqual(failed(report), ['observation layout'], formatEnvCheckReport(report));
      assert.match(failuresOf(report, 'observation layout'), /observation\.write fills entries 0\.\.3 \(4 entries\); the layout declares 6 entries \(0\.\.5\): make the layout sizes match/);
    });

    it('catches reward terms whose names differ from the declared rewardTerms', async () => {
      const report = await checkEnv('BrokenTerms-v0', SETUP);
      assert.deepEqual(failed(report), ['reward terms'], formatEnvCheckReport(report));
      assert.match(failuresOf(report, 'reward terms'), /reward terms are \[dist\] but card\.rewardTerms declares \[distance\]/);
    });

    it('catches a non-deterministic observation (and every equivalence check it breaks)', async () => {
      const report = await checkEnv('BrokenDeterminism-v0', SETUP);
      const broken = ['determinism', 'reset(seed) reproduces', 'setTask effect', 'task hidden', 'VecEnv equals single env', 'workers equal in-process'];
      assert.deepEqual(failed(report), broken, formatEnvCheckReport(report));
      assert.match(failuresOf(report, 'determinism'), /two fresh envs with seed 5 and the same actions differ at observation \d+: .*no module-level state/);
    });

    it('catches a reset that changes the task (and the task checks it breaks)', async () => {
      const report = await checkEnv('BrokenResetTask-v0', SETUP);
      assert.deepEqual(failed(report), ['setTask effect', 'task hidden', 'reset keeps task', 'VecEnv equals single env'], formatEnvCheckReport(report));
      assert.match(failuresOf(report, 'reset keeps task'), /reset\(\) changed the task from .* to .*: reset must never change the task/);
    });

    it('catches an env whose episodes never reach the horizon, and one that runs past it', async () => {
      const falls = await checkEnv('AlwaysFalls-v0', SETUP);
      assert.deepEqual(failed(falls), ['horizon'], formatEnvCheckReport(falls));
      assert.match(failuresOf(falls, 'horizon'), /no episode reached the horizon 100: from seeds 0\.\.7, .* every episode terminated \(after 1, 1, 1, 1, 1, 1, 1, 1 steps\)/);
      const endless = await checkEnv('NeverTruncates-v0', SETUP);
      assert.deepEqual(failed(endless), ['horizon'], formatEnvCheckReport(endless));
      assert.match(failuresOf(endless, 'horizon'), /seed 0, step 100: the episode ran past its horizon 100 without truncation/);
    });

    it('turns a throwing check into a failure naming the exception, and still runs the other checks', async () => {
      const report = await checkEnv('BrokenMake-v0', SETUP);
      assert.equal(report.passed, false);
      assert.match(failuresOf(report, 'spaces and card'), /threw Error: cannot build the robot/);
      for (const check of ['observation layout', 'task distribution', 'workers equal in-process']) assert.deepEqual(failuresOf(report, check), '', check);
      assert.equal(report.results.length, 15);
    });

    it('rejects an unknown env id with the registered ids', async () => {
      await assert.rejects(checkEnv('Nope-v0'), /Unknown env id "Nope-v0".*HealthyPoint-v0/);
    });

    it('formats a report as a table with failures under their check and a summary line', () => {
      const report: EnvCheckReport = {
        id: 'Demo-v0',
        passed: false,
        results: [
          { check: 'horizon', passed: true, failures: [], seconds: 0.25 },
          { check: 'reward terms', passed: false, failures: ['first problem: fix it', 'second problem: fix that'], seconds: 1.5 },
        ],
      };
      const lines = formatEnvCheckReport(report).split('\n');
      assert.match(lines[0], /Demo-v0/);
      const rows = lines.filter((l) => /^\s*(PASS|FAIL)\s/.test(l));
      assert.equal(rows.length, 2);
      assert.match(rows[0], /^\s*PASS\s+horizon\s+0\.250$/);
      assert.match(rows[1], /^\s*FAIL\s+reward terms\s+1\.500$/);
      const failRow = lines.indexOf(rows[1]);
      assert.match(lines[failRow + 1], /^\s{4,}- first problem: fix it$/);
      assert.match(lines[failRow + 2], /^\s{4,}- second problem: fix that$/);
      assert.equal(lines.at(-1), 'Demo-v0: 1/2 checks passed');
    });
  });
}
