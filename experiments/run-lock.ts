/**
 * The lock of a run directory. While `metarl train` (a new run or a `--resume`) writes a run directory it holds
 * `<runDir>/.lock`, a JSON {@link LockHolder}; a second writer is refused with one line naming the holder instead
 * of interleaving its rows with the first one's. The lock is created atomically and exclusively (a complete temp
 * file hard-linked to `.lock`, which fails if it exists), released by {@link RunLock.release} and, on
 * `process.exit` or a crash, by a synchronous 'exit' handler; only a SIGKILL (or power loss) leaves it behind.
 *
 * A lock whose holder is gone (same host, `process.kill(pid, 0)` fails with ESRCH) is stale and taken over with a
 * notice. The take-over is race-safe: the stale lock is removed only by the process that exclusively created the
 * claim file `.lock.takeover-<hash of the stale lock>`, after checking that `.lock` still is that stale lock;
 * others retry and then find the new holder. A lock from another host cannot be checked and counts as held.
 * Readers (`metarl eval`, `plot`, `view`) do not take the lock.
 */
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Name of the lock file in a run directory. */
export const LOCK_FILE = '.lock';

/** What `.lock` holds: who is writing the run directory. */
export interface LockHolder {
  pid: number;
  /** `os.hostname()` of the holder: its pid can be checked only on the same host. */
  host: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** The holder's command line. */
  command: string;
}

/** Thrown when a run directory is locked by another writer; its message is one line naming the holder and the fix. */
export class RunLockedError extends Error {
  constructor(
    message: string,
    readonly runDir: string,
    /** The holder, undefined when `.lock` is not a metarl lock. */
    readonly holder: LockHolder | undefined,
  ) {
    super(message);
    this.name = 'RunLockedError';
  }
}

/** Test hooks: run another contender at the racy points of a take-over. */
export interface RunLockHooks {
  /** After finding a stale lock, before claiming it. */
  beforeClaim?: () => void;
  /** With the claim held and the stale lock re-checked, before removing it. */
  beforeRemoveStale?: () => void;
  /** After removing the stale lock, before creating ours. */
  afterRemoveStale?: () => void;
  /** How long to wait for another process's take-over (or its lock's contents) before giving up, in ms (default 2000). */
  claimWaitMs?: number;
}

/** Options of {@link acquireRunLock}. */
export interface RunLockOptions {
  /** Where the take-over notice goes (default: nowhere). */
  log?: (line: string) => void;
  /** Recorded as the holder's command (default: this process's argv). */
  command?: string;
  hooks?: RunLockHooks;
}

/** A claim older than this was abandoned (a take-over takes milliseconds; its holder was killed during it). */
const CLAIM_STALE_MS = 10_000;
/** Error codes of `link` on file systems without hard links: fall back to an exclusive open. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);
/** Lock file contents held by this process (a lock naming our pid but not listed here is from a reused pid). */
const heldHere = new Set<string>();

/** Whether a file in a run directory belongs to the lock (`.lock` and its transient `.lock.*` files). */
export function isLockFile(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`);
}

/** A held run-directory lock. */
export class RunLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  /** @internal use {@link acquireRunLock}. */
  constructor(
    /** The lock file. */
    readonly path: string,
    /** Its contents (JSON of our {@link LockHolder}). */
    readonly content: string,
  ) {
    heldHere.add(content);
    process.on('exit', this.onExit);
  }

  /** Delete the lock file if it is still ours; idempotent, synchronous (safe in an 'exit' handler), never throws. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    heldHere.delete(this.content);
    try {
      if (readRaw(this.path) === this.content) removeIfExists(this.path);
    } catch {
      // best effort: a lock left behind is taken over as stale by the next writer
    }
  }
}

/**
 * Lock `runDir` (which must exist) for writing, taking over a stale lock with a notice through `options.log`.
 * Throws {@link RunLockedError} when another live process (or one on another host) holds it; then nothing in
 * `runDir` has been changed.
 */
export function acquireRunLock(runDir: string, options: RunLockOptions = {}): RunLock {
  const path = join(runDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: options.command ?? process.argv.slice(1).join(' ') };
  const content = `${JSON.stringify(me)}\n`;
  const hooks = options.hooks ?? {};
  const deadline = Date.now() + (hooks.claimWaitMs ?? 2000);
  for (;;) {
    if (createExclusive(path, content)) return new RunLock(path, content);
    const raw = readRaw(path);
    if (raw === undefined) continue; // released meanwhile
    if (raw === '' && Date.now() < deadline) {
      sleep(10); // being written by a writer without hard links (see createExclusive)
      continue;
    }
    const holder = parseHolder(raw);
    if (holder === undefined || !isStale(holder, raw)) throw lockedError(runDir, holder);
    hooks.beforeClaim?.();
    const outcome = takeOver(path, raw, content, hooks);
    if (outcome === 'taken') {
      options.log?.(`metarl: taking over the stale lock of process ${holder.pid} (no longer running) in ${runDir}`);
      return new RunLock(path, content);
    }
    if (outcome === 'busy') {
      if (Date.now() > deadline) throw new RunLockedError(`${runDir}: another process is taking over the stale lock of process ${holder.pid} right now; try again in a moment.`, runDir, holder);
      sleep(10);
    }
  }
}

/**
 * Whether the lock with text `raw` (holder `holder`) is stale: on this host, its pid is not running; our own pid
 * (reused after a restart) unless this process holds that lock. A lock from another host is never stale.
 */
export function isStale(holder: LockHolder, raw: string): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !heldHere.has(raw);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return errorCode(error) === 'ESRCH'; // EPERM: alive, owned by another user
  }
}

/** The holder recorded in a lock file's text, undefined when it is not a metarl lock. */
export function parseHolder(raw: string): LockHolder | undefined {
  try {
    const h = JSON.parse(raw) as Partial<LockHolder> | null;
    if (Number.isSafeInteger(h?.pid) && (h!.pid as number) > 0 && typeof h?.host === 'string' && typeof h.startedAt === 'string') {
      return { pid: h.pid as number, host: h.host, startedAt: h.startedAt, command: String(h.command ?? '') };
    }
  } catch {
    // not JSON
  }
  return undefined;
}

/** The one-line refusal for a lock held by `holder` (undefined: an unreadable lock file). */
function lockedError(runDir: string, holder: LockHolder | undefined): RunLockedError {
  const file = join(runDir, LOCK_FILE);
  if (holder === undefined) {
    return new RunLockedError(`${runDir} is locked by ${file}, which is not a metarl lock file; if no metarl train is writing ${runDir}, delete ${file}.`, runDir, undefined);
  }
  const who = `${runDir} is being trained by process ${holder.pid} on host ${holder.host} since ${holder.startedAt} (metarl train --resume of it, or another run with the same --out)`;
  if (holder.host === hostname()) return new RunLockedError(`${who}; wait for it, stop it, or use another --out.`, runDir, holder);
  const unknown = `this host (${hostname()}) cannot tell whether it is still running: wait for it, stop it, or use another --out; if that process is gone, delete ${file}.`;
  return new RunLockedError(`${who}; ${unknown}`, runDir, holder);
}

/**
 * Replace the stale lock whose text is `staleRaw` by ours. 'taken': done; 'changed': `.lock` is no longer that
 * stale lock (look again); 'busy': another process is taking it over now.
 */
function takeOver(path: string, staleRaw: string, content: string, hooks: RunLockHooks): 'taken' | 'changed' | 'busy' {
  const claim = `${path}.takeover-${createHash('sha256').update(staleRaw).digest('hex').slice(0, 16)}`;
  if (!createExclusive(claim, content)) {
    const age = ageMs(claim);
    if (age === undefined) return 'changed';
    if (age < CLAIM_STALE_MS) return 'busy';
    removeIfExists(claim); // abandoned by a process killed during its take-over
    return 'changed';
  }
  try {
    // Only the holder of this claim removes this stale lock, so it cannot change between the check and the unlink.
    if (readRaw(path) !== staleRaw) return 'changed';
    hooks.beforeRemoveStale?.();
    removeIfExists(path);
    hooks.afterRemoveStale?.();
    return createExclusive(path, content) ? 'taken' : 'changed';
  } finally {
    removeIfExists(claim);
  }
}

/** Create `path` holding `content` if it does not exist, atomically (the file appears complete); @returns whether created. */
function createExclusive(path: string, content: string): boolean {
  const temp = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, content, { flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(errorCode(error) ?? '')) throw error;
    try {
      writeFileSync(path, content, { flag: 'wx' });
      return true;
    } catch (fallbackError) {
      if (errorCode(fallbackError) === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    removeIfExists(temp);
  }
}

/** A file's text, undefined when it does not exist. */
function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Milliseconds since `path` was modified, undefined when it does not exist. */
function ageMs(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
