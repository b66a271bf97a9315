/**
 * Replay buffers (agents/replay-buffer.ts) and checkpoint sidecars (experiments/checkpoint-sidecars.ts):
 * wrap-around keeps the newest `capacity` rows and samples only rows held, a saved ring restores exactly, and
 * checkpoint buffers round-trip bit for bit through `ckpt-<n>.<name>.bin` files that are checked (length, sha256),
 * pruned with their checkpoint, and cleaned up when orphaned.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allocateBatch, ReplayBuffer } from '../agents/replay-buffer.js';
import { freshTrainerState, loadCheckpoint, saveCheckpoint, type Checkpoint } from '../experiments/checkpoint.js';
import { parseConfig } from '../experiments/config.js';
import { Rng } from '../envs/index.js';

/** Add rows whose obs is `i` (1-D obs and action). */
function addRows(buffer: ReplayBuffer, from: number, to: number): void {
  for (let i = from; i < to; i++) buffer.add([i], [-i], 10 * i, [i + 0.5], i % 2 === 0);
}

function checkpoint(iteration: number, buffers?: Record<string, Float32Array>): Checkpoint {
  return {
    format: 'metarl-checkpoint/1',
    createdAt: '2026-12-01T00:00:00.000Z',
    iteration,
    envId: 'PointNav-v0',
    algorithm: 'pearl',
    envCardHash: 'abc',
    config: parseConfig({ env: 'PointNav-v0', algorithm: { name: 'pearl' }, iterations: 9 }, 'test'),
    learner: { name: 'pearl', iteration, params: { p: [{ shape: [1], data: Float32Array.of(iteration) }] }, optimizer: [], ...(buffers ? { buffers } : {}) },
    trainer: freshTrainerState([1, 2, 3, 4]),
  };
}

describe('replay buffer', () => {
  it('wraps around: keeps the newest capacity rows, overwriting the oldest in place', () => {
    const buffer = new ReplayBuffer(1, 1, 3);
    addRows(buffer, 0, 5);
    assert.equal(buffer.size, 3);
    assert.equal(buffer.next, 2);
    const batch = allocateBatch(3, 1, 1);
    buffer.gather(Int32Array.of(0, 1, 2), batch, 0);
    assert.deepEqual([...batch.obs], [3, 4, 2], 'rows 0 and 1 were overwritten by transitions 3 and 4');
    assert.deepEqual([...batch.actions], [-3, -4, -2]);
    assert.deepEqual([...batch.rewards], [30, 40, 20]);
    assert.deepEqual([...batch.nextObs], [3.5, 4.5, 2.5]);
    assert.deepEqual([...batch.terminals], [0, 1, 1]);
  });

  it('samples only rows it holds, uniformly, and grows its storage as it fills', () => {
    const buffer = new ReplayBuffer(2, 1, 1000);
    assert.throws(() => buffer.sampleRows(Rng.fromSeed(0), 1), /empty buffer/);
    for (let i = 0; i < 300; i++) buffer.add([i, i], [0], 0, [0, 0], false);
    const rows = buffer.sampleRows(Rng.fromSeed(1), 3000);
    assert.ok(rows.every((r) => r >= 0 && r < 300));
    const low = rows.filter((r) => r < 150).length / rows.length;
    assert.ok(Math.abs(low - 0.5) < 0.05, `uniform: ${low} of draws in the first half`);
    const context = new Float32Array(2 * 4);
    buffer.gatherContext(Int32Array.of(7, 299), context, 0, false);
    assert.deepEqual([...context], [7, 7, 0, 0, 299, 299, 0, 0], 'context rows are (s, a, r)');
  });

  it('restores a saved ring exactly (rows and position), and rejects rows that do not fit', () => {
    const a = new ReplayBuffer(1, 1, 4);
    addRows(a, 0, 6);
    const b = new ReplayBuffer(1, 1, 4);
    b.restore(a.rows(), a.next);
    addRows(a, 6, 9);
    addRows(b, 6, 9);
    assert.deepEqual(b.rows(), a.rows());
    assert.throws(() => b.restore(new Float32Array(7), 0), /not whole rows/);
    assert.throws(() => b.restore(new Float32Array(2 * b.width), 1), /ring position/);
  });
});

describe('checkpoint sidecars', () => {
  it('round-trip buffers bit for bit through .bin files referenced by length and sha256', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-sidecar-'));
    const replay = Float32Array.of(1.5, -0, Number.MIN_VALUE, 3.4e38, Number.NaN);
    const file = saveCheckpoint(dir, checkpoint(2, { replay, encoder: new Float32Array(0) }), 3);
    assert.deepEqual(readdirSync(dir).sort(), ['ckpt-000002.encoder.bin', 'ckpt-000002.json', 'ckpt-000002.replay.bin']);
    const loaded = loadCheckpoint(file).checkpoint;
    assert.deepEqual(new Uint8Array(loaded.learner.buffers!.replay.buffer), new Uint8Array(replay.buffer));
    assert.equal(loaded.learner.buffers!.encoder.length, 0);
    assert.deepEqual(loadCheckpoint(saveCheckpoint(dir, checkpoint(3), 3)).checkpoint, checkpoint(3), 'a learner without buffers writes no sidecars');
  });

  it('reject a missing, truncated or altered sidecar with the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-sidecar-bad-'));
    const file = saveCheckpoint(dir, checkpoint(1, { replay: Float32Array.of(1, 2, 3) }), 3);
    const bin = join(dir, 'ckpt-000001.replay.bin');
    writeFileSync(bin, new Uint8Array(new Float32Array([1, 2, 3.5]).buffer));
    assert.throws(() => loadCheckpoint(file), /does not match the sha256 .*\.bin files/);
    writeFileSync(bin, new Uint8Array(8));
    assert.throws(() => loadCheckpoint(file), /has 8 bytes; the checkpoint expects 12/);
    writeFileSync(bin, '');
    assert.throws(() => loadCheckpoint(file), /truncated/);
  });

  it('are pruned with their checkpoint, and orphans of a crashed save are deleted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-sidecar-prune-'));
    for (let i = 1; i <= 3; i++) saveCheckpoint(dir, checkpoint(i, { replay: Float32Array.of(i) }), 2);
    assert.ok(!existsSync(join(dir, 'ckpt-000001.replay.bin')), 'pruned with ckpt-000001.json');
    assert.throws(() => saveCheckpoint(dir, checkpoint(4, { replay: Float32Array.of(4) }), 2, { beforeRename: (t) => { if (t.includes('.json')) throw new Error('killed'); } }), /killed/);
    assert.ok(existsSync(join(dir, 'ckpt-000004.replay.bin')), 'the crash left a sidecar without its JSON');
    assert.equal(loadCheckpoint(dir).checkpoint.iteration, 3, 'the newest complete checkpoint still loads');
    saveCheckpoint(dir, checkpoint(5, { replay: Float32Array.of(5) }), 2);
    assert.deepEqual(readdirSync(dir).sort(), ['ckpt-000003.json', 'ckpt-000003.replay.bin', 'ckpt-000005.json', 'ckpt-000005.replay.bin']);
  });
});
