/**
 * Distributed sampling over Redis + BullMQ with real parts: Debian's redis-server on a loopback port and
 * `metarl worker` / `metarl train --redis` processes. The metrics and parameters equal the same run in one
 * process (with a password URL, TLS, and a worker SIGKILLed mid-iteration); a lost server stops the trainer with
 * one line and its checkpoints intact; a job naming an env the worker lacks fails at once, saying so. Sweeps:
 * whole runs on the workers, their directories back on the submitter, one summary row per grid point.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { loadCheckpoint } from '../experiments/checkpoint.js';
import { JOB_ATTEMPTS, JOB_OPTIONS, ROLLOUT_QUEUE, RUN_QUEUE } from '../distributed/queues.js';
import type { ExperimentConfig } from '../experiments/config.js';
import type { EvalResult } from '../experiments/results.js';
import { assertUserError, metarl } from './cli-helpers.js';
import { redisMissing, startMetarl, startRedis, startWorker, stopProcess, waitFor, type MetarlProcess, type TestRedis } from './redis-fixture.js';

const skip = redisMissing();
const ITERATIONS = 3;
/** A small MAML run: 5 tasks x 4 episodes per iteration, one job per task. */
const RUN = ['pointnav-maml', '--set', `iterations=${ITERATIONS}`, '--set', 'metaBatchSize=5', '--set', 'algorithm.episodesPerTask=4', '--set', 'checkpointEvery=1', '--workers', '1', '--learner-threads', '1', '--force'];

/** metrics.csv without its wall-clock columns, which differ between any two runs. */
function metricsWithoutTimes(runDir: string): string[][] {
  const [header, ...rows] = readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const keep = header.map((h, i) => (h === 'wall_seconds' || h.endsWith('_ms') ? -1 : i)).filter((i) => i >= 0);
  return [header, ...rows].map((r) => keep.map((i) => r[i]));
}

/** The final learner parameters of a run. */
function finalParams(runDir: string): unknown {
  return loadCheckpoint(runDir).checkpoint.learner.params;
}

describe('distributed sampling (metarl worker, metarl train --redis)', { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'metarl-distributed-'));
  const local = join(dir, 'local');
  const running: Array<MetarlProcess | TestRedis> = [];
  const track = <T extends MetarlProcess | TestRedis>(x: T): T => (running.push(x), x);

  before(() => {
    const r = metarl('train', ...RUN, '--out', local);
    assert.equal(r.status, 0, r.stderr);
  });
  after(async () => {
    for (const x of running.reverse()) await ('stop' in x ? x.stop() : stopProcess(x));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Train RUN through `redis` into `out`; resolves with the trainer once it exits. */
  async function trainRemote(redis: TestRedis, out: string, extra: readonly string[] = []): Promise<MetarlProcess> {
    const trainer = track(startMetarl(['train', ...RUN, '--out', out, '--redis', redis.url, ...extra], redis.env));
    await trainer.exited;
    return trainer;
  }

  it('two workers on a password-protected server (password in the URL, and from METARL_REDIS_PASSWORD): the same metrics and parameters as one process', async () => {
    const redis = track(await startRedis({ password: 's3cret-pass' }));
    const bare = redis.url.replace(':s3cret-pass@', '');
    assert.notEqual(bare, redis.url);
    assertUserError(metarl('sweep', 'status', '--redis', bare), 'NOAUTH', 'METARL_REDIS_PASSWORD');
    // One worker has the password in its URL, the other (and nothing in its process list) from the environment.
    const hidden = { ...redis, url: bare, env: { ...redis.env, METARL_REDIS_PASSWORD: 's3cret-pass' } };
    await Promise.all([startWorker(redis), startWorker(hidden)].map(async (w) => track(await w)));
    const out = join(dir, 'remote');
    const trainer = await trainRemote(redis, out);
    assert.equal(await trainer.exited, 0, trainer.stderr());
    assert.match(trainer.stderr(), /sampling on the Redis workers/);
    assert.doesNotMatch(trainer.stderr(), /s3cret-pass/, 'the password is never logged');
    assert.deepEqual(metricsWithoutTimes(out), metricsWithoutTimes(local));
    assert.deepEqual(finalParams(out), finalParams(local));
  });

  it('rediss:// (TLS, a CA the client trusts through NODE_EXTRA_CA_CERTS): the same metrics', async () => {
    const redis = track(await startRedis({ tls: true }));
    track(await startWorker(redis));
    const out = join(dir, 'tls');
    const trainer = await trainRemote(redis, out);
    assert.equal(await trainer.exited, 0, trainer.stderr());
    assert.deepEqual(metricsWithoutTimes(out), metricsWithoutTimes(local));
  });

  it('a worker SIGKILLed while it runs a job: the job goes to another worker, the metrics are unchanged', async () => {
    const redis = track(await startRedis());
    const doomed = track(await startWorker(redis));
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(ROLLOUT_QUEUE, { connection });
    const eventsConnection = connection.duplicate();
    const events = new QueueEvents(ROLLOUT_QUEUE, { connection: eventsConnection });
    let stalled = 0;
    events.on('stalled', () => (stalled += 1));
    await events.waitUntilReady();
    const out = join(dir, 'killed');
    const trainer = track(startMetarl(['train', ...RUN, '--out', out, '--redis', redis.url], redis.env));
    await waitFor(async () => (await queue.getActiveCount()) > 0, 60_000, () => `no job became active:\n${trainer.stderr()}`);
    await stopProcess(doomed, 'SIGKILL');
    track(await startWorker(redis));
    assert.equal(await trainer.exited, 0, trainer.stderr());
    await events.close();
    await queue.close();
    connection.disconnect();
    eventsConnection.disconnect();
    assert.ok(stalled >= 1, 'the killed worker left a stalled job behind');
    assert.deepEqual(metricsWithoutTimes(out), metricsWithoutTimes(local));
  });

  it('Redis stopped mid-run: one line, non-zero exit, the checkpoints written so far intact', async () => {
    const redis = track(await startRedis());
    track(await startWorker(redis));
    const out = join(dir, 'lost');
    const trainer = track(startMetarl(['train', 'pointnav-maml', '--set', 'iterations=200', '--set', 'metaBatchSize=5', '--set', 'algorithm.episodesPerTask=4', '--set', 'checkpointEvery=1', '--workers', '1', '--learner-threads', '1', '--force', '--out', out, '--redis', redis.url]));
    await waitFor(() => trainer.stderr().includes('iter 2/200'), 60_000, () => `the run did not reach iteration 2:\n${trainer.stderr()}`);
    await redis.stop();
    const code = await trainer.exited;
    assert.notEqual(code, 0);
    const errors = trainer.stderr().split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 1, trainer.stderr());
    assert.match(errors[0], /unreachable .*--resume/);
    assert.doesNotMatch(trainer.stderr(), /\n\s+at /, `no stack trace:\n${trainer.stderr()}`);
    const { checkpoint } = loadCheckpoint(out);
    assert.ok(checkpoint.iteration >= 2, `a checkpoint of iteration >= 2 survives (got ${checkpoint.iteration})`);
  });

  it('a job naming an env the worker does not register fails at once with a line naming the fix; a job that throws is retried, then failed', async () => {
    const redis = track(await startRedis());
    track(await startWorker(redis));
    const trainer = track(
      startMetarl(['train', ...RUN, '--set', 'env=SubmitterPoint-v0', '--out', join(dir, 'unregistered'), '--redis', redis.url, '--module', 'test/distributed-env-fixture.ts']),
    );
    assert.notEqual(await trainer.exited, 0);
    const errors = trainer.stderr().split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 1, trainer.stderr());
    assert.match(errors[0], /env 'SubmitterPoint-v0' is not registered on this worker.*--module/);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(ROLLOUT_QUEUE, { connection });
    const [failed] = await queue.getFailed();
    assert.equal(failed.attemptsMade, 1, 'never retried: no worker attempt could succeed');
    await queue.obliterate({ force: true });
    const broken = await queue.add('PointNav-v0', { envId: 'PointNav-v0', envOptions: {}, chunk: { tasks: [] } }, JOB_OPTIONS);
    await waitFor(async () => (await broken.getState()) === 'failed', 30_000, () => 'the broken job did not fail');
    const retried = await queue.getJob(broken.id!);
    assert.equal(retried?.attemptsMade, JOB_ATTEMPTS, 'a job that throws is retried, a bounded number of times');
    assert.ok(retried?.failedReason, 'and reported with its error');
    await queue.close();
    connection.disconnect();
  });

  it('refuses --redis for a learner that samples in-process, and an unreachable server, with one line each', async () => {
    const redis = track(await startRedis());
    assertUserError(metarl('train', 'pointnav-rl2', '--set', 'iterations=1', '--out', join(dir, 'rl2'), '--force', '--redis', redis.url), 'rl2 samples in this process', 'metarl sweep');
    await redis.stop();
    assertUserError(metarl('train', ...RUN, '--out', join(dir, 'down'), '--redis', redis.url), 'unreachable', 'redis-server');
    assertUserError(metarl('train', ...RUN, '--out', join(dir, 'bad-url'), '--redis', 'http://127.0.0.1:6379'), '--redis must be a redis:// or rediss:// URL');
  });

  it('metarl sweep: a 2-point grid x 2 seeds through two workers, one summary row per point with CIs over training seeds', async () => {
    const redis = track(await startRedis());
    await Promise.all([startWorker(redis), startWorker(redis)].map(async (w) => track(await w)));
    const out = join(dir, 'sweep');
    const args = ['sweep', 'pointnav-rl2', '--seeds', '0,1', '--grid', 'algorithm.hiddenDim=8,16', ...TINY_RL2, '--redis', redis.url, '--out', out];
    const r = await runToEnd(startMetarl(args));
    assert.equal(r.code, 0, r.stderr);
    const rows = readFileSync(join(out, 'sweep.md'), 'utf8').split('\n').filter((l) => /^\d+ +algorithm/.test(l));
    assert.deepEqual(rows.map((l) => l.split(/\s{2,}/).slice(0, 3)), [['1', 'algorithm.hiddenDim=8', '2'], ['2', 'algorithm.hiddenDim=16', '2']]);
    assert.match(readFileSync(join(out, 'sweep.svg'), 'utf8'), /<svg[\s\S]*class="ci"[\s\S]*<\/svg>/, 'the summary plot with CI error bars');
    for (const point of ['algorithm.hiddenDim=8', 'algorithm.hiddenDim=16']) {
      const combined = JSON.parse(readFileSync(join(out, point, 'eval.json'), 'utf8')) as EvalResult;
      assert.equal(combined.protocol.ciOver, 'training seeds');
      assert.deepEqual(combined.sources, [0, 1].map((s) => join(out, point, `seed-${s}`)));
      for (const seed of [0, 1]) assert.equal(loadCheckpoint(join(out, point, `seed-${seed}`)).checkpoint.config.seed, seed);
    }
    assert.match(metarl('sweep', 'status', '--redis', redis.url).stdout, /0 queued, 0 running, 4 done, 0 failed/);
    const again = await runToEnd(startMetarl(args));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /4 runs into .* \(4 already there\)/);
  });

  it('metarl sweep --shared-dir: the workers write the runs where the submitter reads them', async () => {
    const redis = track(await startRedis());
    track(await startWorker(redis));
    const out = join(dir, 'shared');
    const r = await runToEnd(startMetarl(['sweep', 'pointnav-rl2', '--seeds', '3,4', ...TINY_RL2, '--redis', redis.url, '--shared-dir', out]));
    assert.equal(r.code, 0, r.stderr);
    for (const seed of [3, 4]) assert.ok(existsSync(join(out, `seed-${seed}`, 'eval.json')));
    assert.ok(existsSync(join(out, 'eval.json')), 'the combined evaluation');
  });

  it('a sweep over an env only the submitter registers fails with the fix named; submitted again to a worker started with --module, it runs', async () => {
    const redis = track(await startRedis());
    const plain = track(await startWorker(redis));
    const out = join(dir, 'user-env-sweep');
    const args = ['sweep', 'pointnav-rl2', '--seeds', '0,1', ...TINY_RL2, '--set', 'env=SubmitterPoint-v0', '--module', 'test/distributed-env-fixture.ts', '--redis', redis.url, '--out', out];
    const failed = await runToEnd(startMetarl(args));
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /run seed-0 failed on the workers: .*unknown env 'SubmitterPoint-v0'.*start it with --module/);
    await stopProcess(plain);
    track(await startWorker(redis, ['--module', 'test/distributed-env-fixture.ts']));
    const again = await runToEnd(startMetarl(args));
    assert.equal(again.code, 0, again.stderr);
    assert.ok(existsSync(join(out, 'eval.json')), 'both seeds trained and combined');
  });

  it('a sweep job naming a learner the worker does not register fails at once, reported with its error', async () => {
    const redis = track(await startRedis());
    track(await startWorker(redis));
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(RUN_QUEUE, { connection });
    const config = JSON.parse(readFileSync(join(dir, 'local', 'config.json'), 'utf8')) as ExperimentConfig;
    await queue.add('bad', { config: { ...config, algorithm: { name: 'not-here' } }, point: 'base', relativeDir: 'seed-0' });
    await waitFor(async () => (await queue.getFailedCount()) > 0, 30_000, () => 'the job did not fail');
    const [failed] = await queue.getFailed();
    assert.match(failed.failedReason, /unknown learner 'not-here'.*--module/);
    assert.equal(failed.attemptsMade, 1);
    assert.match(metarl('sweep', 'status', '--redis', redis.url).stdout, /1 failed\nfailed {3}bad .*unknown learner/);
    await queue.close();
    connection.disconnect();
  });
});

/** A tiny RL2 run and evaluation (seconds). */
const TINY_RL2 = ['--set', 'iterations=2', '--set', 'metaBatchSize=4', '--set', 'eval.tasks=2', '--set', 'eval.seeds=2', '--set', 'eval.baselineIterations=2'];

/** Wait for `p` to exit; its exit code and stderr. */
async function runToEnd(p: MetarlProcess): Promise<{ code: number | string; stderr: string }> {
  const code = await p.exited;
  return { code, stderr: p.stderr() };
}
