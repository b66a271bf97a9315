/**
 * The viewer server (viewer/server.ts) against real `ws` clients and raw TCP sockets on an ephemeral port:
 * hello, takes, frames, episodes and curves; task edits; bad input; a client that stops reading; many
 * clients; clients vanishing mid-stream; static files; shutdown.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { POSE_FLOATS, type ServerMessage } from '../viewer/protocol.js';
import { startViewerServer, type ViewerServer, type ViewerServerOptions } from '../viewer/server.js';
import { writeLanePoses } from '../viewer/take-frames.js';
import { maskedTextFrame, stalledClient, syntheticSource, TestClient, waitUntil, type RecordingSource } from './viewer-fixtures.js';

/** Run `body` against a fresh server (closed afterwards, also on failure). */
async function withServer(options: Partial<ViewerServerOptions> & { source: RecordingSource }, body: (server: ViewerServer) => Promise<void>): Promise<void> {
  const server = await startViewerServer({ holdMs: 20, ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

function takeWithTask(client: TestClient, predicate: (task: unknown) => boolean): Extract<ServerMessage, { type: 'take' }> | undefined {
  return client.ofType('take').find((m) => predicate(m.task));
}

/** Frames received so far, and a promise that resolves once `more` further frames have arrived. */
function moreFrames(client: TestClient, more: number): Promise<void> {
  const target = client.frames.length + more;
  return waitUntil(`${more} more frames`, () => client.frames.length >= target);
}

test('hello, then each take: one frame per step of the right size, lane episodes, the curve; seeds count up', async () => {
  const source = syntheticSource({ lanes: 3, bodies: 4, steps: 12, dt: 0.005 });
  await withServer({ source, firstSeed: 100 }, async (server) => {
    const client = await TestClient.connect(server.url);
    // The first take may have started before the client subscribed: check the second one, seen whole.
    await waitUntil('three takes', () => client.ofType('take').length >= 3);
    const [hello] = client.messages;
    assert.equal(hello.type, 'hello');
    if (hello.type !== 'hello') return;
    assert.deepEqual(hello.scene, JSON.parse(JSON.stringify(source.scene)));
    assert.deepEqual(hello.state, { paused: false, speed: 1 });

    const first = client.ofType('take')[1];
    const firstNumber = first.take;
    assert.deepEqual({ lanes: first.lanes, lengths: first.lengths }, { lanes: 3, lengths: [12, 11, 10] });
    const frames = client.frames.filter((f) => f.take === firstNumber);
    assert.deepEqual(frames.map((f) => f.step), [...Array(12).keys()], 'one frame per control step, in order');
    for (const f of frames) assert.deepEqual([f.lanes, f.bodies, f.poses.length], [3, 4, 3 * 4 * POSE_FLOATS]);

    const seed = source.calls[firstNumber - 1].seed;
    const replica = await syntheticSource({ lanes: 3, bodies: 4, steps: 12 }).record(undefined, seed);
    const expected = new Float32Array(3 * 4 * POSE_FLOATS);
    writeLanePoses(replica, 11, 4, expected);
    assert.deepEqual([...frames[11].poses], [...expected], 'the last frame holds every lane\'s recorded pose');

    const episodes = client.ofType('episode').filter((e) => e.take === firstNumber);
    assert.deepEqual(episodes.map((e) => e.lane), [2, 1, 0], 'shorter lanes finish first');
    assert.deepEqual(episodes.map((e) => e.return), [2, 1, 0].map((lane) => replica.lanes[lane].return));
    assert.deepEqual(episodes.map((e) => e.success), [true, true, false]);
    assert.deepEqual(client.ofType('curve').find((c) => c.take === firstNumber), { type: 'curve', take: firstNumber, curve: replica.curve });
    assert.deepEqual(source.calls.slice(0, 3).map((c) => c.seed), [100, 101, 102], 'seeds come from the server counter');
    assert.deepEqual(client.malformed, []);
  });
});

test('setTask: a valid task reaches the source and every client and stays pinned until newTask', async () => {
  const source = syntheticSource({ steps: 8, dt: 0.005 });
  await withServer({ source }, async (server) => {
    const [a, b] = await Promise.all([TestClient.connect(server.url), TestClient.connect(server.url)]);
    await waitUntil('a first take', () => a.ofType('take').length > 0);
    a.send({ type: 'setTask', task: { goal: [0.3, -0.2] } });
    const pinned = (task: unknown) => JSON.stringify(task) === '{"goal":[0.3,-0.2]}';
    await waitUntil('the user task on both clients', () => !!takeWithTask(a, pinned) && !!takeWithTask(b, pinned));
    assert.ok(source.calls.some((c) => pinned(c.task)), 'the source validated the user task');
    await waitUntil('the pinned task replayed', () => a.ofType('take').filter((m) => pinned(m.task)).length >= 2);
    const pinnedSeeds = source.calls.filter((c) => pinned(c.task)).map((c) => c.seed);
    assert.equal(new Set(pinnedSeeds).size, pinnedSeeds.length, 'each replay of the pinned task gets a new seed');

    a.send({ type: 'newTask' });
    const takesBefore = a.ofType('take').length;
    await waitUntil('a held-out task again', () => a.ofType('take').slice(takesBefore).some((m) => !pinned(m.task)));
    assert.deepEqual(a.ofType('error'), []);
  });
});

test('setTask: an invalid task is an error for its sender only; everyone keeps streaming', async () => {
  const source = syntheticSource({ steps: 40, dt: 0.005 });
  await withServer({ source }, async (server) => {
    const [sender, other] = await Promise.all([TestClient.connect(server.url), TestClient.connect(server.url)]);
    await moreFrames(other, 5);
    sender.send({ type: 'setTask', task: { goal: [5, 0] } });
    await waitUntil('the error reply', () => sender.ofType('error').length > 0);
    assert.match(sender.ofType('error')[0].message, /^setTask rejected: goal must be \[x, y\] with \|x\|, \|y\| <= 1/);
    await Promise.all([moreFrames(other, 10), moreFrames(sender, 10)]);
    assert.deepEqual(other.ofType('error'), []);
    assert.ok(!other.ofType('take').some((m) => JSON.stringify(m.task).includes('[5,0]')));
  });
});

test('malformed, unknown and binary client messages get an error reply and the connection stays', async () => {
  const source = syntheticSource({ steps: 40, dt: 0.005 });
  await withServer({ source }, async (server) => {
    const client = await TestClient.connect(server.url);
    client.ws.send('this is not json');
    client.ws.send('{"type":"explode"}');
    client.ws.send(Buffer.from([1, 2, 3]));
    client.ws.send(JSON.stringify({ type: 'setTask', task: 'x'.repeat(20_000) }));
    client.ws.send('{"type":"speed","factor":100}');
    await waitUntil('five error replies', () => client.ofType('error').length >= 5);
    const errors = client.ofType('error').map((m) => m.message);
    assert.match(errors[0], /not valid JSON/);
    assert.match(errors[1], /unknown client message type "explode"/);
    assert.match(errors[2], /binary client messages are not accepted/);
    assert.match(errors[3], /exceeds the limit of 16384/);
    assert.match(errors[4], /speed\.factor must be within \[0\.1, 8\]/);
    client.send({ type: 'pause' });
    await waitUntil('the paused status', () => client.ofType('status').some((s) => s.paused));
    assert.equal(client.closeCode, undefined, 'still connected');
  });
});

test('an oversized payload closes only its sender (1009); the others keep streaming', async () => {
  const source = syntheticSource({ steps: 40, dt: 0.005 });
  await withServer({ source, maxPayloadBytes: 32 * 1024 }, async (server) => {
    const [big, other] = await Promise.all([TestClient.connect(server.url), TestClient.connect(server.url)]);
    big.ws.send('x'.repeat(100_000));
    await waitUntil('the oversized client closed', () => big.closeCode !== undefined);
    assert.equal(big.closeCode, 1009);
    await moreFrames(other, 10);
    assert.equal(server.stats().clients, 1);
  });
});

test('pause, resume and speed reach every client', async () => {
  const source = syntheticSource({ steps: 200, dt: 0.005 });
  await withServer({ source }, async (server) => {
    const [a, b] = await Promise.all([TestClient.connect(server.url), TestClient.connect(server.url)]);
    await moreFrames(b, 3);
    a.send({ type: 'pause' });
    await waitUntil('paused status on b', () => b.ofType('status').some((s) => s.paused));
    const frozen = b.frames.length;
    await new Promise((r) => setTimeout(r, 150));
    assert.ok(b.frames.length <= frozen + 1, 'no frames while paused');
    a.send({ type: 'speed', factor: 4 });
    a.send({ type: 'resume' });
    await waitUntil('resumed at x4 on b', () => b.ofType('status').some((s) => !s.paused && s.speed === 4));
    await moreFrames(b, 10);
    assert.deepEqual({ paused: server.stats().paused, speed: server.stats().speed }, { paused: false, speed: 4 });
  });
});

test('metrics reach subscribers, and late subscribers get the latest', async () => {
  const source = syntheticSource({ dt: 0.005 });
  await withServer({ source }, async (server) => {
    const early = await TestClient.connect(server.url);
    await waitUntil('subscribed', () => server.stats().subscribers === 1);
    server.publishMetrics({ iteration: 3, 'return/mean': -1.5 });
    await waitUntil('metrics', () => early.ofType('metrics').length > 0);
    const late = await TestClient.connect(server.url);
    await waitUntil('metrics for the late client', () => late.ofType('metrics').length > 0);
    assert.deepEqual(late.ofType('metrics')[0].values, { iteration: 3, 'return/mean': -1.5 });
  });
});

test('a client that stops reading has frames dropped and counted, and its send buffer stays bounded', async () => {
  const lanes = 16;
  const bodies = 64;
  const frameBytes = 16 + lanes * bodies * POSE_FLOATS * 4;
  const queueBytes = 256 * 1024;
  const source = syntheticSource({ lanes, bodies, steps: 400, dt: 0.002 });
  await withServer({ source, maxClientQueueBytes: queueBytes }, async (server) => {
    const reader = await TestClient.connect(server.url);
    const stalled = await stalledClient(server.port);
    const stalledStats = () => server.stats().perClient.reduce((worst, c) => (c.droppedFrames > worst.droppedFrames ? c : worst));
    await waitUntil('frames dropped for the stalled client', () => stalledStats().droppedFrames > 20, 15_000);
    const droppedBefore = stalledStats().droppedFrames;
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      for (const c of server.stats().perClient) assert.ok(c.bufferedBytes <= queueBytes + frameBytes + 64 * 1024, `client ${c.id} buffers ${c.bufferedBytes} bytes`);
    }
    assert.ok(stalledStats().droppedFrames > droppedBefore + 50, 'the dropped-frame counter keeps growing');
    await moreFrames(reader, 20);
    stalled.destroy();
  });
});

test('24 clients at once all receive frames', async () => {
  const source = syntheticSource({ lanes: 8, bodies: 9, steps: 60, dt: 0.01 });
  await withServer({ source }, async (server) => {
    const clients = await Promise.all(Array.from({ length: 24 }, () => TestClient.connect(server.url)));
    await waitUntil('10 frames on every client', () => clients.every((c) => c.frames.length >= 10), 10_000);
    assert.equal(server.stats().subscribers, 24);
    assert.ok(clients.every((c) => c.malformed.length === 0));
    for (const c of clients) c.close();
  });
});

test('clients vanishing mid-stream (terminated, half a frame, half a handshake) do not disturb the others', async () => {
  const source = syntheticSource({ steps: 100, dt: 0.005 });
  await withServer({ source }, async (server) => {
    const [survivor, doomed] = await Promise.all([TestClient.connect(server.url), TestClient.connect(server.url)]);
    await moreFrames(doomed, 5);
    doomed.ws.terminate();
    const halfFrame = await stalledClient(server.port);
    halfFrame.write(maskedTextFrame('{"type":"pause"}').subarray(0, 5));
    halfFrame.destroy();
    const halfHandshake = connect(server.port, '127.0.0.1');
    halfHandshake.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websock');
    halfHandshake.destroy();
    await moreFrames(survivor, 20);
    await waitUntil('only the survivor left', () => server.stats().clients === 1);
    assert.deepEqual(survivor.ofType('error'), []);
  });
});

test('a failed recording is reported and retried; streaming then starts', async () => {
  const source = syntheticSource({ dt: 0.005 });
  const record = source.record.bind(source);
  let failures = 1;
  source.record = (task, seed) => (failures-- > 0 ? Promise.reject(new Error('disk on fire')) : record(task, seed));
  const log: string[] = [];
  await withServer({ source, log: (line) => log.push(line) }, async (server) => {
    const client = await TestClient.connect(server.url);
    await waitUntil('frames after the retry', () => client.frames.length > 3, 5000);
    assert.ok(log.some((line) => line.includes('recording a take failed: disk on fire')));
  });
});

/** GET (or `method`) a raw path, without URL normalisation. */
function fetchRaw(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('static files: index.html at /, content types, no path traversal, GET and HEAD only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'viewer-static-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(dir, 'viewer.js'), 'console.log(1);');
  await writeFile(join(dir, 'viewer.css'), 'body{}');
  try {
    await withServer({ source: syntheticSource(), staticDir: dir }, async ({ port }) => {
      const index = await fetchRaw(port, '/');
      assert.deepEqual([index.status, index.type, index.body], [200, 'text/html; charset=utf-8', '<!doctype html><title>t</title>']);
      assert.equal((await fetchRaw(port, '/viewer.js')).type, 'text/javascript; charset=utf-8');
      assert.equal((await fetchRaw(port, '/viewer.css?v=2')).type, 'text/css; charset=utf-8');
      assert.equal((await fetchRaw(port, '/missing.js')).status, 404);
      for (const path of ['/../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/%00index.html', '/..\\package.json'])
        assert.ok([400, 404].includes((await fetchRaw(port, path)).status), `${path} must not be served`);
      assert.deepEqual([(await fetchRaw(port, '/', 'HEAD')).status, (await fetchRaw(port, '/', 'HEAD')).body], [200, '']);
      assert.equal((await fetchRaw(port, '/', 'POST')).status, 405);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('close() stops streaming, closes every client and the source, and frees the port', async () => {
  const source = syntheticSource({ dt: 0.005 });
  const server = await startViewerServer({ source, holdMs: 20 });
  const clients = await Promise.all([TestClient.connect(server.url), TestClient.connect(server.url)]);
  const stalled = await stalledClient(server.port);
  await moreFrames(clients[0], 5);
  await server.close();
  await waitUntil('clients closed', () => clients.every((c) => c.closeCode !== undefined));
  assert.deepEqual(clients.map((c) => c.closeCode), [1001, 1001]);
  assert.equal(source.closed, true);
  const frames = clients[0].frames.length;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(clients[0].frames.length, frames, 'no frames after close');
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(server.port, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  stalled.destroy();
});
