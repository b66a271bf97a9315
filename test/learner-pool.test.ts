/**
 * LearnerPool (agents/learner-pool.ts): units dealt to threads in contiguous blocks, the calling thread first;
 * answers in unit order; broadcasts reach every thread; workers run the calling thread's backend; errors come back
 * with the handler's message; the float64 reduction.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import { initBackend } from '../agents/backend.js';
import { LearnerPool, meanWeights, weightedSum, weightedTotal } from '../agents/learner-pool.js';
import { siblingModule } from '../envs/sync-worker.js';

const program = { module: siblingModule('learner-pool-fixture', import.meta.url).href, factory: 'fixtureHandlers' };

describe('LearnerPool', () => {
  let pool: LearnerPool;
  before(async () => {
    await initBackend('wasm', () => {});
    pool = await LearnerPool.create(program, 3);
  });
  after(() => pool.close());

  it('deals units in contiguous blocks, the calling thread first, and answers in unit order', async () => {
    assert.equal(pool.numThreads, 3);
    assert.deepEqual(pool.blocks(7), [[0, 1, 2], [3, 4], [5, 6]]);
    assert.deepEqual(pool.blocks(2), [[0], [1]]);
    const answers = await pool.map<{ unit: number; value: number; thread: number; backend: string }>('whoami', 7, () => [10]);
    assert.deepEqual(answers.map((a) => a.unit), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(answers.map((a) => a.value), [0, 10, 20, 30, 40, 50, 60]);
    const threads = answers.map((a) => a.thread);
    assert.deepEqual(threads.slice(0, 3), [threadId, threadId, threadId], 'the calling thread serves the first block');
    assert.equal(new Set(threads).size, 3, `three distinct threads: ${threads}`);
    assert.ok(answers.every((a) => a.backend === 'wasm'), 'workers run the calling thread\'s backend');
  });

  it('passes each block its own arguments and broadcasts to every thread', async () => {
    await pool.broadcast('setOffset', 0.5);
    const answers = await pool.map<{ value: number }>('whoami', 3, (units) => [units[0] + 1]);
    assert.deepEqual(answers.map((a) => a.value), [0.5, 2.5, 6.5]);
    await pool.broadcast('setOffset', 0);
  });

  it('throws the handler\'s error after every thread answered, and stays usable', async () => {
    await assert.rejects(pool.map('fail', 3), /unit 2 cannot be computed/);
    await assert.rejects(pool.map('short', 3), /answered 0 results for 1 units/);
    await assert.rejects(pool.map('nope', 1), /unknown method "nope"/);
    assert.equal((await pool.map('whoami', 1, () => [1])).length, 1);
  });

  it('awaits asynchronous handlers on every thread (reads of tensors are asynchronous on webgpu)', async () => {
    const answers = await pool.map<{ unit: number; value: number }>('later', 3, () => [2]);
    assert.deepEqual(answers.map((a) => [a.unit, a.value]), [[0, 0], [1, 2], [2, 4]]);
    await assert.rejects(pool.map('laterFail', 3), /unit 0 cannot be read/, "the calling thread's rejection comes first");
    assert.equal((await pool.map('whoami', 3, () => [1])).length, 3, 'usable after a rejection');
  });

  it('runs its release handler on the calling thread alone when it closes, once', async () => {
    const fixture = (await import(program.module)) as { released: number[] };
    const small = await LearnerPool.create(program, 2);
    small.close('release');
    small.close('release');
    assert.deepEqual(fixture.released, [threadId]);
    await assert.rejects(small.map('whoami', 1, () => [1]), /the pool is closed/);
  });

  it('refuses calls once closed, and a thread count that is not a positive integer', async () => {
    const small = await LearnerPool.create(program, 1);
    small.close();
    await assert.rejects(small.map('whoami', 1, () => [1]), /the pool is closed/);
    await assert.rejects(LearnerPool.create(program, 0), /learnerThreads must be a positive integer, got 0/);
    await assert.rejects(LearnerPool.create({ ...program, factory: 'missing' }, 1), /does not export a function 'missing'/);
  });
});

describe('weightedSum', () => {
  it('accumulates in float64 in unit order, then rounds to float32', () => {
    const parts = [Float32Array.of(1e8, 1), Float32Array.of(1, 2), Float32Array.of(-1e8, 3)];
    assert.deepEqual(Array.from(weightedSum(parts, [1, 1, 1])), [1, 6], 'float32 summation would lose the 1');
    assert.deepEqual(Array.from(weightedSum([Float32Array.of(3)], [1])), [3]);
    assert.equal(weightedTotal([1, 2, 3], meanWeights(3)), 2);
    assert.throws(() => weightedSum([Float32Array.of(1), Float32Array.of(1, 2)], [1, 1]), /part 1 has 2 values, expected 1/);
  });
});
