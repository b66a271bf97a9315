/**
 * Checkpoints: bit-exact round trips (float32 and float64 data), pruning, and atomicity: a crash between
 * writing the temporary file and renaming it leaves the previous checkpoint as the newest valid one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from '../experiments/atomic-file.js';
import { freshTrainerState, listCheckpoints, loadCheckpoint, saveCheckpoint, type Checkpoint } from '../experiments/checkpoint.js';
import { parseConfig } from '../experiments/config.js';

function checkpoint(iteration: number): Checkpoint {
  return {
    format: 'metarl-checkpoint/1',
    createdAt: '2026-11-22T00:00:00.000Z',
    iteration,
    envId: 'PointNav-v0',
    algorithm: 'maml-trpo',
    envCardHash: '0123456789abcdef',
    config: parseConfig({ env: 'PointNav-v0', algorithm: { name: 'maml' }, iterations: 9 }, 'test'),
    learner: {
      name: 'maml-trpo',
      iteration,
      params: { policy: [{ shape: [2, 2], data: Float32Array.of(0.1, -1e-30, 3.4e38, iteration) }], stats: [{ shape: [2], data: Float64Array.of(Math.PI, 1 / 3) }] },
      optimizer: [{ name: 'm/0', shape: [1], data: Float32Array.of(Number.MIN_VALUE) }],
    },
    trainer: { ...freshTrainerState([1, 2, 3, 4]), totalEnvSteps: 1234 },
  };
}

describe('checkpoints', () => {
  it('round-trip bit for bit, float64 data included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-ckpt-'));
    const file = saveCheckpoint(dir, checkpoint(3), 3);
    const { checkpoint: loaded } = loadCheckpoint(file);
    assert.deepEqual(loaded, checkpoint(3));
    assert.ok(loaded.learner.params.stats[0].data instanceof Float64Array);
    assert.equal(loaded.learner.params.stats[0].data[1], 1 / 3);
  });

  it('keep only the newest N and load the newest from a run or checkpoint directory', () => {
    const run = mkdtempSync(join(tmpdir(), 'metarl-run-'));
    const dir = join(run, 'checkpoints');
    for (let i = 1; i <= 5; i++) saveCheckpoint(dir, checkpoint(i), 2);
    assert.deepEqual(listCheckpoints(dir).map((f) => basename(f)), ['ckpt-000004.json', 'ckpt-000005.json']);
    assert.equal(loadCheckpoint(run).checkpoint.iteration, 5);
    assert.equal(loadCheckpoint(dir).checkpoint.iteration, 5);
  });

  it('survive a crash mid-write: the previous checkpoint stays the newest valid one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-crash-'));
    saveCheckpoint(dir, checkpoint(1), 3);
    const crash = (): never => {
      throw new Error('killed');
    };
    assert.throws(() => saveCheckpoint(dir, checkpoint(2), 3, { beforeRename: crash }), /killed/);
    assert.ok(readdirSync(dir).some((n) => n.includes('.tmp-')), 'the interrupted write leaves only a temporary file');
    assert.equal(loadCheckpoint(dir).checkpoint.iteration, 1);
    assert.deepEqual(loadCheckpoint(dir).checkpoint, checkpoint(1));
    saveCheckpoint(dir, checkpoint(2), 3);
    assert.ok(!readdirSync(dir).some((n) => n.includes('.tmp-')), 'the next save cleans the temporary file');
    assert.equal(loadCheckpoint(dir).checkpoint.iteration, 2);
  });

  it('atomic writes replace the whole file or nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-atomic-'));
    const file = join(dir, 'a.json');
    writeFileAtomic(file, 'old');
    assert.throws(() => writeFileAtomic(file, 'new', { beforeRename: () => assert.fail('crash') }));
    assert.equal(readFileSync(file, 'utf8'), 'old');
    writeFileAtomic(file, 'new');
    assert.equal(readFileSync(file, 'utf8'), 'new');
  });

  it('name the fix for missing paths, empty runs and foreign files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-bad-'));
    assert.throws(() => loadCheckpoint(join(dir, 'nope')), /does not exist: give a run directory/);
    assert.throws(() => loadCheckpoint(dir), /has no checkpoints .*metarl train/);
    const foreign = join(dir, 'x.json');
    writeFileSync(foreign, '{"format":"other"}');
    assert.throws(() => loadCheckpoint(foreign), /not a metarl checkpoint/);
    writeFileSync(foreign, '{');
    assert.throws(() => loadCheckpoint(foreign), /not a valid checkpoint \(bad JSON/);
  });
});
