/**
 * Checkpoints: everything needed to resume a run bit for bit (learner parameters and optimizer state, the
 * trainer's RNG state and counters) plus the config and env card hash, as one JSON file per save in
 * `<runDir>/checkpoints/ckpt-<iteration>.json`, written atomically (atomic-file.ts). Tensors are stored as
 * base64 of their float32/float64 bytes, so restored values are bit-identical. A learner's bulk arrays
 * (`MetaLearnerState.buffers`, e.g. replay buffers) go to binary sidecars `ckpt-<iteration>.<name>.bin`, written
 * before the JSON and checked by length and sha256 on load (checkpoint-sidecars.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MetaLearner, MetaLearnerState, TensorState } from '../agents/meta/types.js';
import { TEMP_MARKER, writeFileAtomic, type AtomicWriteHooks } from './atomic-file.js';
import { pruneSidecars, readSidecars, writeSidecars, type SidecarRef } from './checkpoint-sidecars.js';
import type { ExperimentConfig } from './config.js';

/** The training loop's own state (besides the learner's). */
export interface TrainerState {
  /** State of the trainer's RNG (task batches and per-iteration seeds). */
  rng: number[];
  /** Env steps since the start of the run. */
  totalEnvSteps: number;
  /** Training wall-clock seconds so far (summed across resumes). */
  wallSeconds: number;
  /** Episodes truncated by physics errors so far. */
  physicsErrors: number;
  /** Iterations whose update was skipped (NaN loss) so far. */
  skippedIterations: number;
}

/** One saved checkpoint. */
export interface Checkpoint {
  format: 'metarl-checkpoint/1';
  createdAt: string;
  /** Meta-iterations completed. */
  iteration: number;
  envId: string;
  /** Learner name, e.g. `maml-trpo`. */
  algorithm: string;
  envCardHash: string;
  config: ExperimentConfig;
  learner: MetaLearnerState;
  trainer: TrainerState;
}

/** A tensor as JSON: dtype and base64 bytes. */
interface StoredTensor {
  name?: string;
  shape: number[];
  dtype: 'float32' | 'float64';
  base64: string;
}

/** Trainer state at the start of a run whose RNG has state `rng`. */
export function freshTrainerState(rng: number[]): TrainerState {
  return { rng, totalEnvSteps: 0, wallSeconds: 0, physicsErrors: 0, skippedIterations: 0 };
}

/** A checkpoint of `learner` (its state is copied now) after `iteration` iterations. */
export async function checkpointOf(learner: MetaLearner, iteration: number, config: ExperimentConfig, envCardHash: string, trainer: TrainerState): Promise<Checkpoint> {
  const trainerNow = { ...trainer };
  const state = await learner.getState();
  return {
    format: 'metarl-checkpoint/1',
    createdAt: new Date().toISOString(),
    iteration,
    envId: config.env,
    algorithm: learner.name,
    envCardHash,
    config,
    learner: state,
    trainer: trainerNow,
  };
}

const FILE_PATTERN = /^ckpt-(\d+)\.json$/;

/** The checkpoint directory of a run. */
export function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

/**
 * Save `checkpoint` atomically as `ckpt-<iteration>.json` in `dir` (created if needed), its buffers first as sidecar
 * files, then delete all but the newest `keep` checkpoints with their sidecars (and stale temporary files).
 * @returns the file written.
 */
export function saveCheckpoint(dir: string, checkpoint: Checkpoint, keep: number, hooks?: AtomicWriteHooks): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `ckpt-${String(checkpoint.iteration).padStart(6, '0')}.json`);
  const sidecars = checkpoint.learner.buffers ? writeSidecars(file, checkpoint.learner.buffers, hooks) : undefined;
  writeFileAtomic(file, serialize(checkpoint, sidecars), hooks);
  for (const old of listCheckpoints(dir).slice(0, -keep)) rmSync(old);
  pruneSidecars(dir);
  for (const name of readdirSync(dir).filter((n) => n.includes(TEMP_MARKER))) rmSync(join(dir, name), { force: true });
  return file;
}

/** Checkpoint files in `dir`, oldest first (temporary files excluded). */
export function listCheckpoints(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => FILE_PATTERN.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Load a checkpoint from a checkpoint file, a run directory (its newest checkpoint) or a checkpoint directory.
 * Throws an Error naming the fix when there is none or the file is not a checkpoint.
 */
export function loadCheckpoint(path: string): { checkpoint: Checkpoint; file: string } {
  if (!existsSync(path)) throw new Error(`'${path}' does not exist: give a run directory (from metarl train) or a checkpoint file.`);
  const file = statSync(path).isDirectory() ? newestIn(path) : path;
  return { checkpoint: deserialize(readFileSync(file, 'utf8'), file), file };
}

function newestIn(dir: string): string {
  const files = listCheckpoints(existsSync(checkpointDir(dir)) ? checkpointDir(dir) : dir);
  if (files.length === 0) throw new Error(`'${dir}' has no checkpoints (checkpoints/ckpt-*.json): train first with metarl train, or give a checkpoint file.`);
  return files[files.length - 1];
}

function serialize(checkpoint: Checkpoint, sidecars: SidecarRef[] | undefined): string {
  const { buffers: _inSidecars, ...learner } = checkpoint.learner;
  const params = Object.fromEntries(Object.entries(learner.params).map(([group, ts]) => [group, ts.map(storeTensor)]));
  const stored = { ...learner, params, optimizer: learner.optimizer.map(storeTensor), ...(sidecars ? { buffers: sidecars } : {}) };
  return JSON.stringify({ ...checkpoint, learner: stored });
}

function deserialize(text: string, file: string): Checkpoint {
  let raw: Checkpoint & { learner: { params: Record<string, StoredTensor[]>; optimizer: StoredTensor[]; buffers?: SidecarRef[] } };
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not a valid checkpoint (bad JSON: ${(error as Error).message}).`);
  }
  if (raw?.format !== 'metarl-checkpoint/1') throw new Error(`${file} is not a metarl checkpoint (format '${String(raw?.format)}', expected 'metarl-checkpoint/1').`);
  const params = Object.fromEntries(Object.entries(raw.learner.params).map(([group, ts]) => [group, ts.map(loadTensor)]));
  const { buffers: refs, ...learner } = raw.learner;
  const buffers = refs ? { buffers: readSidecars(file, refs) } : {};
  return { ...raw, learner: { ...learner, params, optimizer: raw.learner.optimizer.map(loadTensor), ...buffers } };
}

function storeTensor(t: TensorState): StoredTensor {
  const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { ...(t.name === undefined ? {} : { name: t.name }), shape: t.shape, dtype: t.data instanceof Float64Array ? 'float64' : 'float32', base64: bytes.toString('base64') };
}

function loadTensor(s: StoredTensor): TensorState {
  const bytes = Buffer.from(s.base64, 'base64');
  const copy = new Uint8Array(bytes).buffer; // aligned copy
  const data = s.dtype === 'float64' ? new Float64Array(copy) : new Float32Array(copy);
  return { ...(s.name === undefined ? {} : { name: s.name }), shape: s.shape, data };
}
