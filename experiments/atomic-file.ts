/**
 * Atomic file writes: the data goes to a temporary file in the same directory, is flushed to disk, and is then
 * renamed over the target. A crash or kill at any moment leaves either the old file or the new one, never a
 * partial file; a leftover temporary (`<name>.tmp-<pid>`) is ignored by readers.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Suffix of temporary files; readers skip names containing it. */
export const TEMP_MARKER = '.tmp-';

/** Test hooks: simulate a crash between writing the temporary file and renaming it. */
export interface AtomicWriteHooks {
  beforeRename?: (tempPath: string) => void;
}

/** Write `data` to `path` atomically (temp file + fsync + rename + directory fsync). */
export function writeFileAtomic(path: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): void {
  const temp = `${path}${TEMP_MARKER}${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  hooks.beforeRename?.(temp);
  renameSync(temp, path);
  syncDirectory(dirname(path));
}

/** Flush a directory entry change (the rename) to disk; not supported on every platform, hence best effort. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open directories; the rename itself is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
