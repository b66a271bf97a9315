/**
 * Test fixtures for the viewer: take sources (synthetic poses, or genuine rollouts of a real env under a
 * seeded random policy) that remember what they were asked, a WebSocket test client that collects decoded
 * messages and frames, and a raw TCP client that stops reading (also used by bench/viewer-stream.ts).
 */
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { envSpec, makeEnv, Rng, type Env } from '../envs/index.js';
import type { RobotSpec } from '../sim/robot-spec.js';
import { decodeFrame, decodeServerMessage, encodeClientMessage, PROTOCOL_VERSION, type ClientMessage, type PoseFrame, type ServerMessage } from '../viewer/protocol.js';
import type { LaneRecording, ReferenceCurve, SceneInfo, Take, TakeSource, ViewerTask } from '../viewer/source.js';

/** A take source that records what the server asked of it. */
export interface RecordingSource extends TakeSource {
  /** Every record() call in order: the task argument (undefined = next held-out) and the seed. */
  readonly calls: Array<{ task: unknown; seed: number }>;
  readonly closed: boolean;
}

/** Options of {@link syntheticSource}. */
export interface SyntheticOptions {
  lanes?: number;
  bodies?: number;
  /** Steps of lane 0; lane i is `i` steps shorter (so lanes end at different steps). */
  steps?: number;
  /** Control step (s). */
  dt?: number;
}

/** A robot of `bodies` small boxes in a row (the synthetic source's robot). */
function boxRobot(bodies: number): RobotSpec {
  return {
    name: 'boxes',
    rootMode: 'free',
    friction: 1,
    actuators: [],
    bodies: Array.from({ length: bodies }, (_, i) => ({
      name: `box${i}`,
      ...(i > 0 ? { parent: `box${i - 1}`, joint: { name: `j${i}`, anchor: [0.1 * i, 0, 0.1] as const, axis: [0, 1, 0] as const, stiffness: 0, damping: 1 } } : {}),
      position: [0.1 * i, 0, 0.1] as const,
      density: 1000,
      shapes: [{ kind: 'box' as const, center: [0, 0, 0] as const, halfExtents: [0.04, 0.04, 0.04] as const }],
    })),
  };
}

/**
 * Synthetic takes: goal tasks `{ goal: [x, y] }` with |x|, |y| <= 1 (anything else is rejected with a
 * message naming the rule); poses are a deterministic function of seed, lane, step and body.
 */
export function syntheticSource(options: SyntheticOptions = {}): RecordingSource {
  const { lanes = 3, bodies = 4, steps = 12, dt = 0.01 } = options;
  const scene: SceneInfo = {
    envId: 'Synthetic-v0',
    algorithm: 'synthetic',
    robot: boxRobot(bodies),
    ground: true,
    dt,
    lanes: Array.from({ length: lanes }, (_, i) => `lane ${i}`),
    taskParameters: [{ name: 'goal', description: 'goal position', units: 'm', size: 2, distribution: 'uniform [-1, 1]^2' }],
    adaptationAxis: 'lane',
  };
  return recordingSource(scene, (task, seed) => {
    const parsed = task === undefined ? { goal: [seed % 2 === 0 ? 0.5 : -0.5, 0.25] } : parseGoal(task);
    return { task: parsed, lanes: Array.from({ length: lanes }, (_, lane) => syntheticLane(seed, lane, Math.max(1, steps - lane), bodies)) };
  });
}

/**
 * A {@link RecordingSource} over `makeTake`: records every call, derives the curve from the lanes' returns,
 * and runs `onClose` once closed.
 */
function recordingSource(scene: SceneInfo, makeTake: (task: unknown, seed: number) => Omit<Take, 'curve'>, onClose: () => void = () => {}): RecordingSource {
  const calls: Array<{ task: unknown; seed: number }> = [];
  let closed = false;
  return {
    scene,
    calls,
    get closed() {
      return closed;
    },
    async record(task, seed) {
      calls.push({ task, seed });
      const take = makeTake(task, seed);
      return { ...take, curve: take.lanes.map((r) => r.return) };
    },
    close() {
      closed = true;
      onClose();
    },
  };
}

function parseGoal(task: unknown): ViewerTask {
  const goal = (task as { goal?: unknown } | null)?.goal;
  if (!Array.isArray(goal) || goal.length !== 2 || !goal.every((v) => typeof v === 'number' && Math.abs(v) <= 1))
    throw new Error('goal must be [x, y] with |x|, |y| <= 1 (m)');
  return { goal: [goal[0], goal[1]] };
}

function syntheticLane(seed: number, lane: number, length: number, bodies: number): LaneRecording {
  const poses = new Float32Array(length * bodies * 7);
  for (let t = 0; t < length; t++) {
    for (let b = 0; b < bodies; b++) {
      const i = (t * bodies + b) * 7;
      poses.set([0.01 * t + 0.1 * b, 0.001 * seed, 0.1 + 0.01 * lane, 0, 0, Math.sin(0.01 * t), Math.cos(0.01 * t)], i);
    }
  }
  const rewards = Float32Array.from({ length }, (_, t) => -1 + 0.1 * lane + 0.001 * t);
  return { length, poses, rewards, return: rewards.reduce((s, r) => s + r, 0), success: lane > 0 };
}

/** Options of {@link envSource}. */
export interface EnvSourceOptions {
  lanes?: number;
  /** Steps recorded per lane at most (episodes that end earlier are shorter). */
  steps?: number;
  algorithm?: string;
  /** An evaluation's curves for the scene (as `metarl view` reads them from eval.json). */
  referenceCurves?: ReferenceCurve[];
}

/**
 * Genuine takes of a registered env: one single env per lane, a seeded uniform random policy whose action
 * scale grows with the lane index (so lanes differ), tasks validated by the env's own task parser.
 */
export async function envSource(envId: string, options: EnvSourceOptions = {}): Promise<RecordingSource> {
  const { lanes = 3, steps = 40, algorithm = 'random', referenceCurves } = options;
  const spec = envSpec(envId);
  const envs = await Promise.all(Array.from({ length: lanes }, () => makeEnv(envId)));
  const card = envs[0].card;
  const scene: SceneInfo = {
    envId,
    algorithm,
    robot: envs[0].robot,
    ground: spec.def.physics.ground,
    dt: card.controlDt,
    lanes: Array.from({ length: lanes }, (_, i) => (i === 0 ? 'before adaptation' : `after ${i} step${i > 1 ? 's' : ''}`)),
    taskParameters: card.task.parameters,
    adaptationAxis: 'inner steps',
    ...(referenceCurves ? { referenceCurves } : {}),
  };
  let heldOut = 0;
  const makeTake = (task: unknown, seed: number) => {
    const parsed = task === undefined ? spec.def.tasks.testTasks(heldOut + 1)[heldOut++] : spec.def.tasks.parse(task);
    return { task: parsed, lanes: envs.map((env, lane) => rolloutLane(env, parsed, seed, (lane + 1) / lanes, steps)) };
  };
  return recordingSource(scene, makeTake, () => envs.forEach((env) => env.close()));
}

function rolloutLane(env: Env, task: Parameters<Env['setTask']>[0], seed: number, actionScale: number, maxSteps: number): LaneRecording {
  env.setTask(task);
  env.reset({ seed });
  const rng = Rng.fromSeed(seed);
  const poses: Float32Array[] = [];
  const rewards: number[] = [];
  let success: boolean | undefined;
  for (let t = 0; t < maxSteps; t++) {
    const action = Float32Array.from({ length: env.actionSpace.dim }, () => actionScale * rng.uniform(-1, 1));
    const result = env.step(action);
    poses.push(env.bodyPoses());
    rewards.push(result.reward);
    success = result.info.success;
    if (result.terminated || result.truncated) break;
  }
  const flat = new Float32Array(poses.length * poses[0].length);
  poses.forEach((p, t) => flat.set(p, t * p.length));
  return { length: poses.length, poses: flat, rewards: Float32Array.from(rewards), return: rewards.reduce((s, r) => s + r, 0), ...(success === undefined ? {} : { success }) };
}

/**
 * `take` with lane `i` carried along +x at `speeds[i]` m/s on top of its own motion (every body moved by
 * speed * t * dt): long runs, lanes far apart, without training a runner.
 */
export function drifted(take: Take, speeds: readonly number[], dt: number): Take {
  const lanes = take.lanes.map((lane, i) => {
    const poses = lane.poses.slice();
    const perStep = poses.length / lane.length;
    for (let p = 0; p < poses.length; p += 7) poses[p] += speeds[i] * Math.floor(p / perStep) * dt;
    return { ...lane, poses };
  });
  return { ...take, lanes };
}

/** A raw TCP WebSocket client: completes the handshake, subscribes, then never reads again. */
export async function stalledClient(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(['GET /ws HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', '', ''].join('\r\n'));
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.write(maskedTextFrame(encodeClientMessage({ type: 'subscribe', version: PROTOCOL_VERSION })));
  socket.pause();
  return socket;
}

/** A client-to-server WebSocket text frame (masked, as clients must send), payload under 126 bytes. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((byte, i) => byte ^ mask[i % 4])]);
}

/** Resolve once `condition` holds (polled every 10 ms); reject after `timeoutMs` naming `what`. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A WebSocket client that decodes and keeps everything the server sends. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly frames: PoseFrame[] = [];
  /** Undecodable server data (should stay empty). */
  readonly malformed: string[] = [];
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.on('close', (code) => (this.closeCode = code));
    ws.on('error', () => undefined);
  }

  /** Connect to the `/ws` endpoint of the server at `url`, optionally subscribing. */
  static async connect(url: string, subscribe = true): Promise<TestClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}ws`);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (subscribe) client.send({ type: 'subscribe', version: PROTOCOL_VERSION });
    return client;
  }

  send(message: ClientMessage): void {
    this.ws.send(encodeClientMessage(message));
  }

  /** Messages of one type, in arrival order. */
  ofType<K extends ServerMessage['type']>(type: K): Array<Extract<ServerMessage, { type: K }>> {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: K }> => m.type === type);
  }

  close(): void {
    this.ws.close();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      const frame = decodeFrame(data);
      return frame.ok ? void this.frames.push(frame.value) : void this.malformed.push(frame.error);
    }
    const message = decodeServerMessage(data.toString('utf8'));
    if (message.ok) this.messages.push(message.value);
    else this.malformed.push(message.error);
  }
}
