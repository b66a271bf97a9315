/**
 * Binary sidecars of a checkpoint: a learner's bulk arrays (`MetaLearnerState.buffers`, e.g. PEARL's replay
 * buffers) are written as raw float32 files `ckpt-<iteration>.<name>.bin` next to `ckpt-<iteration>.json`, which
 * references each by file name, element count, byte length and sha256. Each sidecar is written atomically before
 * the JSON, so a checkpoint JSON on disk always has complete sidecars; pruning deletes a checkpoint's sidecars with
 * it, and sidecars without their JSON (a crash between the two writes) are deleted by the next save.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic, type AtomicWriteHooks } from './atomic-file.js';

/** How a checkpoint JSON references one sidecar. */
export interface SidecarRef {
  name: string;
  /** File name, in the checkpoint's directory. */
  file: string;
  dtype: 'float32';
  /** Elements. */
  length: number;
  byteLength: number;
  /** Hex sha256 of the file's bytes. */
  sha256: string;
}

const NAME = /^[A-Za-z0-9_-]+$/;
const SIDECAR_FILE = /^(ckpt-\d+)\.[A-Za-z0-9_-]+\.bin$/;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Write `buffers` as sidecars of the checkpoint file `checkpointFile` (`.../ckpt-<n>.json`), atomically.
 * @returns their references, for the JSON.
 */
export function writeSidecars(checkpointFile: string, buffers: Record<string, Float32Array>, hooks?: AtomicWriteHooks): SidecarRef[] {
  const stem = basename(checkpointFile, '.json');
  return Object.entries(buffers).map(([name, data]) => {
    if (!NAME.test(name)) throw new Error(`checkpoint buffer name '${name}' must be letters, digits, '_' and '-' only.`);
    if (!(data instanceof Float32Array)) throw new Error(`checkpoint buffer '${name}' must be a Float32Array.`);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const file = `${stem}.${name}.bin`;
    writeFileAtomic(join(dirname(checkpointFile), file), bytes, hooks);
    return { name, file, dtype: 'float32', length: data.length, byteLength: data.byteLength, sha256: sha256(bytes) };
  });
}

/** Read and verify the sidecars `refs` of `checkpointFile`; throws naming the file and the fix when one is missing or damaged. */
export function readSidecars(checkpointFile: string, refs: readonly SidecarRef[]): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const ref of refs) {
    const path = join(dirname(checkpointFile), ref.file);
    const fix = 'copy the checkpoint together with its .bin files, or load an older checkpoint';
    if (!existsSync(path)) throw new Error(`${checkpointFile} needs its buffer file ${ref.file}, which is missing: ${fix}.`);
    const bytes = readFileSync(path);
    if (bytes.byteLength !== ref.byteLength || ref.byteLength !== 4 * ref.length) {
      throw new Error(`${path} has ${bytes.byteLength} bytes; the checkpoint expects ${ref.byteLength} (${ref.length} float32 values): the file is truncated or replaced, ${fix}.`);
    }
    if (sha256(bytes) !== ref.sha256) throw new Error(`${path} does not match the sha256 recorded in ${basename(checkpointFile)}: the file is damaged, ${fix}.`);
    out[ref.name] = new Float32Array(new Uint8Array(bytes).buffer); // aligned copy
  }
  return out;
}

/** Delete the sidecars in `dir` whose checkpoint JSON is not there (pruned, or orphaned by a crash). */
export function pruneSidecars(dir: string): void {
  for (const name of readdirSync(dir)) {
    const match = SIDECAR_FILE.exec(name);
    if (match && !existsSync(join(dir, `${match[1]}.json`))) rmSync(join(dir, name), { force: true });
  }
}
