/**
 * The run-directory lock: run-lock.ts on its own (stale detection, take-over races, foreign hosts, release on
 * exit and crash), then real `metarl` processes: a second writer (`--resume`, `--out --force`) refused while the
 * first trains, readers working on a locked run, a SIGKILLed holder's lock taken over, and no lock left after a
 * normal finish or Ctrl-C.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { readMetrics } from '../experiments/metrics-log.js';
import { acquireRunLock, isStale, LOCK_FILE, parseHolder, RunLockedError, type LockHolder } from '../experiments/run-lock.js';
import { assertUserError, cliPath, metarl, root } from './cli-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'metarl-lock-'));
let dirs = 0;

/** A fresh empty directory. */
function freshDir(): string {
  const dir = join(work, `d${++dirs}`);
  mkdirSync(dir);
  return dir;
}

/** A pid that is certainly not running (a child that has exited). */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;

/** Write `<dir>/.lock` by hand; @returns its text. */
function writeLock(dir: string, holder: Partial<LockHolder>): string {
  const raw = `${JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'metarl train x', ...holder })}\n`;
  writeFileSync(join(dir, LOCK_FILE), raw);
  return raw;
}

function lockText(dir: string): string {
  return readFileSync(join(dir, LOCK_FILE), 'utf8');
}

describe('run-lock.ts', () => {
  it('writes the holder as JSON and releases only its own lock, once', () => {
    const dir = freshDir();
    const lock = acquireRunLock(dir, { command: 'metarl train t' });
    const holder = JSON.parse(lockText(dir)) as LockHolder;
    assert.deepEqual({ ...holder, startedAt: '' }, { pid: process.pid, host: hostname(), startedAt: '', command: 'metarl train t' });
    assert.ok(!Number.isNaN(Date.parse(holder.startedAt)));
    assert.throws(() => acquireRunLock(dir), RunLockedError, 'held by this process');
    lock.release();
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
    lock.release();
    const again = acquireRunLock(dir);
    const other = writeLock(dir, { pid: process.ppid });
    again.release();
    assert.equal(lockText(dir), other, 'a lock that is no longer ours is kept');
  });

  it('tells stale locks (dead pid on this host, our reused pid) from live and foreign ones', () => {
    const check = (h: Partial<LockHolder>) => isStale({ pid: deadPid, host: hostname(), startedAt: 't', command: '', ...h }, 'raw');
    assert.equal(check({}), true);
    assert.equal(check({ pid: process.ppid }), false);
    assert.equal(check({ pid: process.pid }), true, 'our pid, but not a lock this process holds');
    assert.equal(check({ host: 'elsewhere' }), false, 'another host cannot be checked');
    assert.equal(parseHolder('{"pid":0,"host":"h","startedAt":"t"}'), undefined);
    assert.equal(parseHolder(''), undefined);
  });

  it('refuses a live holder with one line naming it, and leaves its lock alone', () => {
    const dir = freshDir();
    const raw = writeLock(dir, { pid: process.ppid });
    assert.throws(() => acquireRunLock(dir), (e: RunLockedError) => {
      assert.ok(e instanceof RunLockedError);
      assert.equal(e.message, `${dir} is being trained by process ${process.ppid} on host ${hostname()} since 2020-01-01T00:00:00.000Z (metarl train --resume of it, or another run with the same --out); wait for it, stop it, or use another --out.`);
      return true;
    });
    assert.equal(lockText(dir), raw);
  });

  it('refuses a lock from another host (cannot tell) and an unreadable lock, naming the file to delete', () => {
    const dir = freshDir();
    writeLock(dir, { host: 'gpu-box' });
    assert.throws(() => acquireRunLock(dir), /process \d+ on host gpu-box since .*cannot tell whether it is still running.*delete .*\.lock\.$/);
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    assert.throws(() => acquireRunLock(dir), /not a metarl lock file; if no metarl train is writing .*, delete .*\.lock\.$/);
    assert.equal(lockText(dir), 'garbage');
  });

  it('takes over a stale lock with a notice', () => {
    const dir = freshDir();
    writeLock(dir, {});
    const notices: string[] = [];
    const lock = acquireRunLock(dir, { log: (l) => notices.push(l) });
    assert.deepEqual(notices, [`metarl: taking over the stale lock of process ${deadPid} (no longer running) in ${dir}`]);
    assert.equal(parseHolder(lockText(dir))?.pid, process.pid);
    lock.release();
  });

  /** Two contenders for one stale lock, B run by A's `hook` at a racy point: exactly one wins. */
  function race(point: 'beforeClaim' | 'beforeRemoveStale' | 'afterRemoveStale'): { a: unknown; b: unknown; notices: string[]; dir: string } {
    const dir = freshDir();
    writeLock(dir, {});
    const notices: string[] = [];
    const log = (l: string): number => notices.push(l);
    let b: unknown;
    const contenderB = (): void => {
      try {
        b = acquireRunLock(dir, { log, command: 'B', hooks: { claimWaitMs: 30 } });
      } catch (error) {
        b = error;
      }
    };
    let a: unknown;
    try {
      a = acquireRunLock(dir, { log, command: 'A', hooks: { [point]: contenderB } });
    } catch (error) {
      a = error;
    }
    return { a, b, notices, dir };
  }

  it('a race of two take-overs has one winner, whichever point the other comes in at', () => {
    for (const point of ['beforeClaim', 'beforeRemoveStale', 'afterRemoveStale'] as const) {
      const { a, b, notices, dir } = race(point);
      const winners = [a, b].filter((x) => !(x instanceof Error));
      assert.equal(winners.length, 1, `${point}: one winner (${String(a)} / ${String(b)})`);
      assert.ok([a, b].some((x) => x instanceof RunLockedError), point);
      const winner = a instanceof Error ? 'B' : 'A';
      assert.equal(parseHolder(lockText(dir))?.command, winner, point);
      assert.ok(notices.length <= 1, `${point}: ${notices.join(' | ')}`);
      (winners[0] as { release(): void }).release();
      assert.ok(!existsSync(join(dir, LOCK_FILE)));
    }
  });

  it('clears a take-over claim abandoned by a killed process', () => {
    const dir = freshDir();
    const raw = writeLock(dir, {});
    const claim = join(dir, `${LOCK_FILE}.takeover-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`);
    writeFileSync(claim, 'x');
    assert.throws(() => acquireRunLock(dir, { hooks: { claimWaitMs: 20 } }), /taking over the stale lock of process \d+ right now/);
    utimesSync(claim, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    acquireRunLock(dir).release();
    assert.ok(!existsSync(claim));
  });

  it('is released when the process exits through process.exit or a crash', () => {
    const lockModule = pathToFileURL(join(root, 'experiments', 'run-lock.ts')).href;
    for (const [end, code] of [['process.exit(130)', 130], ["setTimeout(() => { throw new Error('boom'); })", 1]] as const) {
      const dir = freshDir();
      const script = `import { acquireRunLock } from ${JSON.stringify(lockModule)}; acquireRunLock(${JSON.stringify(dir)}); ${end};`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, code, r.stderr);
      assert.ok(!existsSync(join(dir, LOCK_FILE)), end);
    }
  });
});

/** A tiny, fast training config (~0.3 s per iteration) writing a checkpoint every iteration. */
function configFile(iterations: number): string {
  const file = join(work, `tiny-${iterations}.json`);
  const config = { env: 'PointNav-v0', horizon: 20, algorithm: { name: 'maml', hidden: [8], episodesPerTask: 3 }, metaBatchSize: 3, iterations, checkpointEvery: 1, eval: { tasks: 1, seeds: 1, steps: 1, baselineIterations: 1 } };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Start `metarl ...args` in the background. */
function startMetarl(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const result = exited.then((status) => ({ status, stdout, stderr }));
  return { child, exited, result, stderr: () => stderr };
}

/** Resolve when `check()` holds (polling); fail when `p` has exited first, or after `timeoutMs`. */
async function waitUntil(what: string, p: ReturnType<typeof startMetarl>, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`metarl exited (${p.child.exitCode ?? p.child.signalCode}) before ${what}:\n${p.stderr()}`);
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}:\n${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The iterations logged in a run's metrics.jsonl. */
function iterations(dir: string): number[] {
  return readMetrics(join(dir, 'metrics.jsonl')).map((r) => r.iteration);
}

function oneToN(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

describe('metarl train holds the run directory lock', () => {
  it('refuses a second writer (--resume, --out --force) while the first trains; plot works; Ctrl-C releases', async () => {
    const run = join(work, 'busy');
    const first = startMetarl('train', configFile(1000), '--out', run);
    await waitUntil('the first checkpoint', first, () => existsSync(join(run, 'checkpoints', 'ckpt-000001.json')));
    const pid = first.child.pid!;
    const config = readFileSync(join(run, 'config.json'), 'utf8');
    const [resume, force, plot] = await Promise.all([
      startMetarl('train', '--resume', run).result,
      startMetarl('train', configFile(2), '--out', run, '--force').result,
      startMetarl('plot', run).result,
    ]);
    assert.equal(first.child.exitCode, null, `the first run is still training:\n${first.stderr()}`);
    for (const r of [resume, force]) assertUserError(r, `${run} is being trained by process ${pid} on host ${hostname()}`, 'use another --out');
    assert.equal(plot.status, 0, plot.stderr);
    assert.equal(readFileSync(join(run, 'config.json'), 'utf8'), config);
    assert.equal(parseHolder(lockText(run))?.pid, pid);
    first.child.kill('SIGINT');
    assert.equal(await first.exited, 130, first.stderr());
    assert.ok(!existsSync(join(run, LOCK_FILE)), 'released after Ctrl-C');
    const logged = iterations(run);
    assert.ok(logged.length >= 1);
    assert.deepEqual(logged, oneToN(logged.length), 'one row per iteration');
  });

  it('a SIGKILLed holder leaves a stale lock that --resume takes over, finishing with one row per iteration', async () => {
    const run = join(work, 'killed');
    const first = startMetarl('train', configFile(1000), '--out', run);
    await waitUntil('the second checkpoint', first, () => existsSync(join(run, 'checkpoints', 'ckpt-000002.json')));
    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal(first.child.signalCode, 'SIGKILL');
    assert.equal(parseHolder(lockText(run))?.pid, first.child.pid, 'the lock stays');
    const r = metarl('train', '--resume', run, '--set', 'iterations=6');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stderr.includes(`metarl: taking over the stale lock of process ${first.child.pid} (no longer running) in ${run}\n`), r.stderr);
    assert.ok(!existsSync(join(run, LOCK_FILE)), 'released after a normal finish');
    assert.deepEqual(iterations(run), oneToN(6));
  });

  it('eval works on a run locked by a live process, and leaves the lock alone', () => {
    const run = join(work, 'killed');
    const raw = writeLock(run, { pid: process.pid, startedAt: new Date().toISOString() });
    const r = metarl('eval', run, '--baselines', 'none', '--seeds', '1', '--num-tasks', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(lockText(run), raw);
    assertUserError(metarl('train', '--resume', run, '--set', 'iterations=7'), `being trained by process ${process.pid}`);
    assert.deepEqual(iterations(run), oneToN(6), 'the refused resume did not truncate or append');
  });

  it('a directory holding only a stale lock counts as empty; a second Ctrl-C quits at once and releases the lock', async () => {
    const run = freshDir();
    writeLock(run, {});
    // Iterations of several seconds, so that both Ctrl-Cs land in the first one.
    const p = startMetarl('train', configFile(1000), '--out', run, '--set', 'metaBatchSize=20', '--set', 'horizon=100');
    await waitUntil('training to start', p, () => /metarl: training maml/.test(p.stderr()));
    assert.match(p.stderr(), /taking over the stale lock of process \d+ \(no longer running\)/);
    p.child.kill('SIGINT');
    await waitUntil('the stop notice', p, () => /stopping after the current iteration/.test(p.stderr()));
    p.child.kill('SIGINT');
    assert.equal(await p.exited, 130, p.stderr());
    assert.doesNotMatch(p.stderr(), /interrupted after iteration/, 'quit at once, not after the iteration');
    assert.ok(!existsSync(join(run, LOCK_FILE)));
  });
});
