/**
 * Viewer streaming benchmark: how many pose frames per second the viewer server streams with 8 lanes, and
 * the server's memory with 20 reading clients plus 1 client that never reads (its frames are dropped).
 *
 *   node --import tsx bench/viewer-stream.ts [--seconds 8] [--clients 20]
 *
 * The server runs in this process with a synthetic take source (8 lanes x 9 bodies: ant-sized frames of
 * 2 KB; takes of 2000 steps, 4 MB each, recorded back to back); the clients run in a child process, so this
 * process's memory is the server's, and the first client sets the speed to x8 as a user would. Two phases:
 * paced (dt 0.05 s at x8: 160 frames/s due) and flat out (dt 0.1 ms at x8: frames due faster than the loop
 * can send them).
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { encodeClientMessage, PROTOCOL_VERSION } from '../viewer/protocol.js';
import { startViewerServer } from '../viewer/server.js';
import { stalledClient, syntheticSource } from '../test/viewer-fixtures.js';

const LANES = 8;
const BODIES = 9;
const STEPS = 2000;
const SPEED = 8;
const MB = 1024 * 1024;

/** What the client process reports. */
interface ClientReport {
  /** Frames received by each reading client. */
  frames: number[];
  bytes: number;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    clients: { type: 'string', default: '20' },
    'client-process': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);

if (values['client-process']) await runClients(Number(values['client-process']));
else await runBenchmark();

/** Child process: `clients` reading clients and one stalled client against the server on `port`, for `seconds`. */
async function runClients(port: number): Promise<void> {
  const frames = Array.from({ length: clients }, () => 0);
  let bytes = 0;
  const sockets = await Promise.all(
    frames.map(
      (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
          ws.on('open', () => {
            ws.send(encodeClientMessage({ type: 'subscribe', version: PROTOCOL_VERSION }));
            if (i === 0) ws.send(encodeClientMessage({ type: 'speed', factor: SPEED }));
            resolve(ws);
          });
          ws.on('error', reject);
          ws.on('message', (data: Buffer, isBinary) => {
            if (!isBinary) return;
            frames[i]++;
            bytes += data.byteLength;
          });
        }),
    ),
  );
  const stalled = await stalledClient(port);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  process.send?.({ frames, bytes } satisfies ClientReport);
  for (const ws of sockets) ws.terminate();
  stalled.destroy();
}

/** One phase: a server at control step `dt` (s) and speed x8, measured for `seconds` with the client process attached. */
async function measurePhase(name: string, dt: number): Promise<void> {
  const source = syntheticSource({ lanes: LANES, bodies: BODIES, steps: STEPS, dt });
  const server = await startViewerServer({ source, holdMs: 0 });
  const child = fork(process.argv[1], ['--client-process', String(server.port), '--seconds', String(seconds), '--clients', String(clients)], { execArgv: process.execArgv });
  const report = new Promise<ClientReport>((resolve) => child.once('message', (m) => resolve(m as ClientReport)));
  await new Promise((r) => setTimeout(r, 1000)); // clients connect and warm up
  const memory: NodeJS.MemoryUsage[] = [];
  const playedBefore = server.stats().framesPlayed;
  const t0 = performance.now();
  const sampler = setInterval(() => memory.push(process.memoryUsage()), 500);
  const { frames, bytes } = await report;
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const stats = server.stats();
  await server.close();
  const played = (stats.framesPlayed - playedBefore) / elapsed;
  const perClient = frames.map((f) => f / seconds);
  const stalled = stats.perClient.reduce((worst, c) => (c.droppedFrames > worst.droppedFrames ? c : worst));
  const mb = (pick: (m: NodeJS.MemoryUsage) => number): string => `${(Math.min(...memory.map(pick)) / MB).toFixed(1)}–${(Math.max(...memory.map(pick)) / MB).toFixed(1)} MB`;
  console.log(`\n${name} (${LANES} lanes x ${BODIES} bodies, ${16 + LANES * BODIES * 28} B/frame, dt ${dt * 1000} ms at x${SPEED} = ${Math.round(SPEED / dt)} frames/s due)`);
  console.log(`  server streamed        ${played.toFixed(0)} frames/s`);
  console.log(`  per reading client     ${Math.min(...perClient).toFixed(0)}–${Math.max(...perClient).toFixed(0)} frames/s (${clients} clients, ${(bytes / seconds / MB).toFixed(1)} MB/s in total)`);
  console.log(`  stalled client         ${stalled.droppedFrames} frames dropped, ${(stalled.bufferedBytes / 1024).toFixed(0)} KiB buffered at the end`);
  console.log(`  server memory (${memory.length} samples over ${seconds} s): rss ${mb((m) => m.rss)}, heap used ${mb((m) => m.heapUsed)}, array buffers ${mb((m) => m.arrayBuffers)}`);
}

async function runBenchmark(): Promise<void> {
  const idle = process.memoryUsage();
  console.log(`viewer-stream: ${clients} reading clients + 1 stalled client, ${seconds} s per phase, Node ${process.version}`);
  console.log(`  before any server: rss ${(idle.rss / MB).toFixed(1)} MB, heap used ${(idle.heapUsed / MB).toFixed(1)} MB`);
  await measurePhase('paced', 0.05);
  await measurePhase('flat out', 0.0001);
}
