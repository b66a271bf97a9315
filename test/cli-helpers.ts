/** Running the `metarl` CLI as a user does (a child process per call) and checking its user errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (the CLI's working directory in tests). */
export const root = fileURLToPath(new URL('..', import.meta.url));
/** The CLI's source entry point (run through tsx). */
export const cliPath = fileURLToPath(new URL('../experiments/cli.ts', import.meta.url));

/** Run `metarl ...args` to completion (killed after 2 minutes) and return its exit code and output. */
export function metarl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return metarlWithin(120_000, ...args);
}

/** {@link metarl} for a command that may take longer: killed after `timeoutMs`. */
export function metarlWithin(timeoutMs: number, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Assert a user error: non-zero exit, one stderr line containing every `parts`, no stack trace. */
export function assertUserError(r: ReturnType<typeof metarl>, ...parts: string[]): void {
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('metarl: '));
  assert.equal(lines.length, 1, `expected one error line, got:\n${r.stderr}`);
  for (const p of parts) assert.ok(lines[0].includes(p), `"${lines[0]}" should mention ${p}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}
