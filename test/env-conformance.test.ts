/**
 * The env conformance suite: every registered env passes every check of checkEnv (envs/check-env.ts), the same
 * checker `metarl check-env` runs on a user's env. One test per env, one subtest per check.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkEnv, formatEnvCheckReport, listEnvs } from '../envs/index.js';

describe('env conformance', () => {
  for (const id of listEnvs()) {
    it(`${id} passes every conformance check`, async (t) => {
      const report = await checkEnv(id);
      for (const r of report.results) await t.test(r.check, () => assert.ok(r.passed, r.failures.join('\n')));
      assert.ok(report.results.length > 0);
      assert.ok(report.passed, formatEnvCheckReport(report));
    });
  }
});
