/**
 * The viewer wire protocol, shared by the server (Node) and the client (browser): no Node or DOM imports.
 *
 * - Server -> client JSON text messages: {@link ServerMessage}.
 * - Server -> client binary frames: one per control step, a {@link FRAME_HEADER_BYTES}-byte little-endian
 *   header then float32 poses `[lanes * bodies * 7]` (xyz then quaternion xyzw per body, relative to the
 *   robot origin). Lanes whose episode has ended repeat their last pose.
 * - Client -> server JSON text messages: {@link ClientMessage}.
 *
 * Decoders never throw: they return `{ ok: false, error }` naming what was wrong.
 */
import { asBoolean, asBooleanOrNull, asInteger, asNumber, asNumberArray, asNumberRecord, asObject, asString, JsonShapeError, type JsonObject } from './json-guards.js';
import { asSceneInfo } from './scene-check.js';
import type { SceneInfo, ViewerTask } from './source.js';

/** Protocol version: in hello, subscribe and every binary frame header. Bump on any incompatible change. */
export const PROTOCOL_VERSION = 1;
/** HTTP path of the WebSocket endpoint. */
export const WS_PATH = '/ws';
/** Allowed playback speed factors (x real time), inclusive. */
export const SPEED_RANGE: readonly [number, number] = [0.1, 8];
/** Longest client message accepted (characters of JSON text). */
export const MAX_CLIENT_MESSAGE_CHARS = 16 * 1024;
/** Longest server JSON message a client accepts (characters). */
export const MAX_SERVER_MESSAGE_CHARS = 4 * 1024 * 1024;

/** First byte of every binary frame. */
export const FRAME_MAGIC = 0x4d;
/** Binary frame kinds (third header byte). */
export const FrameKind = { poses: 1 } as const;
/**
 * Binary frame header (bytes), little-endian: u8 magic, u8 version, u8 kind, u8 reserved (0), u32 take,
 * u32 step, u16 lanes, u16 bodies. 16 bytes keep the float32 payload 4-byte aligned.
 */
export const FRAME_HEADER_BYTES = 16;
/** Floats per body pose: position xyz (m) then quaternion xyzw. */
export const POSE_FLOATS = 7;

/** Playback state the server shares with every client. */
export interface ServerState {
  paused: boolean;
  /** Playback speed factor (x real time), within {@link SPEED_RANGE}. */
  speed: number;
}

/** Server -> client JSON messages. */
export type ServerMessage =
  /** First message on every connection. `task`: the take playing now (null before the first take). */
  | { type: 'hello'; version: number; scene: SceneInfo; task: ViewerTask | null; state: ServerState }
  /** A new take starts: frames with this take number follow. `lengths`: steps per lane, [lanes]. */
  | { type: 'take'; take: number; task: ViewerTask; lanes: number; lengths: number[] }
  /** A lane's recorded episode finished playing. `success` is null where the env defines none. */
  | { type: 'episode'; take: number; lane: number; return: number; success: boolean | null }
  /** The take's adaptation curve (mean return per adaptation step / trial episode), sent when the take ends. */
  | { type: 'curve'; take: number; curve: number[] }
  /** Free-form numbers, e.g. training progress. */
  | { type: 'metrics'; values: Record<string, number> }
  /** Playback state, and the frames this client missed because it read too slowly. */
  | { type: 'status'; paused: boolean; speed: number; droppedFrames: number }
  | { type: 'error'; message: string };

/** Client -> server JSON messages. */
export type ClientMessage =
  /** Start receiving takes, frames and events; `version` must equal {@link PROTOCOL_VERSION}. */
  | { type: 'subscribe'; version: number }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Playback speed factor within {@link SPEED_RANGE}. */
  | { type: 'speed'; factor: number }
  /** Unpin any user task and play the source's next held-out task. */
  | { type: 'newTask' }
  /** Record and show `task` (validated by the take source), pinned until `newTask`. */
  | { type: 'setTask'; task: unknown };

/** One decoded binary frame. */
export interface PoseFrame {
  take: number;
  /** Control step within the take (0-based). */
  step: number;
  lanes: number;
  bodies: number;
  /** [lanes * bodies * 7] */
  poses: Float32Array;
}

/** A decoder's answer: the value, or what was wrong with the input. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** JSON text of a server message. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/** JSON text of a client message. */
export function encodeClientMessage(message: ClientMessage): string {
  return JSON.stringify(message);
}

/** Parse and check a client message (untrusted text). */
export function decodeClientMessage(text: string): Decoded<ClientMessage> {
  return decodeJson(text, MAX_CLIENT_MESSAGE_CHARS, 'client message', clientMessageFrom);
}

/** Parse and check a server message. */
export function decodeServerMessage(text: string): Decoded<ServerMessage> {
  return decodeJson(text, MAX_SERVER_MESSAGE_CHARS, 'server message', serverMessageFrom);
}

function decodeJson<T>(text: string, maxChars: number, what: string, read: (obj: JsonObject) => T): Decoded<T> {
  if (text.length > maxChars) return { ok: false, error: `${what} of ${text.length} characters exceeds the limit of ${maxChars}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: `${what} is not valid JSON` };
  }
  try {
    return { ok: true, value: read(asObject(parsed, what)) };
  } catch (e) {
    if (e instanceof JsonShapeError) return { ok: false, error: e.message };
    throw e;
  }
}

function clientMessageFrom(obj: JsonObject): ClientMessage {
  switch (obj.type) {
    case 'subscribe':
      return { type: 'subscribe', version: asVersion(obj.version, 'subscribe.version') };
    case 'pause':
    case 'resume':
    case 'newTask':
      return { type: obj.type };
    case 'speed':
      return { type: 'speed', factor: asNumber(obj.factor, 'speed.factor', SPEED_RANGE[0], SPEED_RANGE[1]) };
    case 'setTask':
      if (!('task' in obj)) throw new JsonShapeError('setTask.task is missing');
      return { type: 'setTask', task: obj.task };
    default:
      throw new JsonShapeError(`unknown client message type ${JSON.stringify(obj.type)}; expected subscribe, pause, resume, speed, newTask or setTask`);
  }
}

function serverMessageFrom(obj: JsonObject): ServerMessage {
  const take = (): number => asInteger(obj.take, `${obj.type}.take`, 0, 0xffffffff);
  switch (obj.type) {
    case 'hello':
      return {
        type: 'hello',
        version: asVersion(obj.version, 'hello.version'),
        scene: asSceneInfo(obj.scene, 'hello.scene'),
        task: obj.task === null ? null : (asObject(obj.task, 'hello.task') as ViewerTask),
        state: serverStateFrom(asObject(obj.state, 'hello.state'), 'hello.state'),
      };
    case 'take':
      return { type: 'take', take: take(), task: asObject(obj.task, 'take.task') as ViewerTask, lanes: asInteger(obj.lanes, 'take.lanes', 1, 0xffff), lengths: asNumberArray(obj.lengths, 'take.lengths') };
    case 'episode':
      return { type: 'episode', take: take(), lane: asInteger(obj.lane, 'episode.lane', 0, 0xffff), return: asNumber(obj.return, 'episode.return'), success: asBooleanOrNull(obj.success, 'episode.success') };
    case 'curve':
      return { type: 'curve', take: take(), curve: asNumberArray(obj.curve, 'curve.curve') };
    case 'metrics':
      return { type: 'metrics', values: asNumberRecord(obj.values, 'metrics.values') };
    case 'status':
      return { type: 'status', ...serverStateFrom(obj, 'status'), droppedFrames: asInteger(obj.droppedFrames, 'status.droppedFrames', 0, Number.MAX_SAFE_INTEGER) };
    case 'error':
      return { type: 'error', message: asString(obj.message, 'error.message') };
    default:
      throw new JsonShapeError(`unknown server message type ${JSON.stringify(obj.type)}`);
  }
}

function asVersion(value: unknown, path: string): number {
  if (value !== PROTOCOL_VERSION) throw new JsonShapeError(`${path} must be ${PROTOCOL_VERSION} (this side's protocol version), got ${JSON.stringify(value)}`);
  return PROTOCOL_VERSION;
}

function serverStateFrom(obj: JsonObject, path: string): ServerState {
  return { paused: asBoolean(obj.paused, `${path}.paused`), speed: asNumber(obj.speed, `${path}.speed`, SPEED_RANGE[0], SPEED_RANGE[1]) };
}

/** A binary pose frame: header then `poses` ([lanes * bodies * 7] float32). */
export function encodeFrame(frame: PoseFrame): Uint8Array {
  const { take, step, lanes, bodies, poses } = frame;
  if (poses.length !== lanes * bodies * POSE_FLOATS) throw new Error(`encodeFrame: poses has ${poses.length} floats, expected lanes*bodies*7 = ${lanes * bodies * POSE_FLOATS}`);
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + poses.byteLength);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, FRAME_MAGIC);
  view.setUint8(1, PROTOCOL_VERSION);
  view.setUint8(2, FrameKind.poses);
  view.setUint32(4, take, true);
  view.setUint32(8, step, true);
  view.setUint16(12, lanes, true);
  view.setUint16(14, bodies, true);
  new Float32Array(bytes.buffer, FRAME_HEADER_BYTES).set(poses);
  return bytes;
}

/** Check and decode a binary frame; the poses are copied when `bytes` is not 4-byte aligned. */
export function decodeFrame(bytes: Uint8Array): Decoded<PoseFrame> {
  if (bytes.byteLength < FRAME_HEADER_BYTES) return { ok: false, error: `frame of ${bytes.byteLength} bytes is shorter than its ${FRAME_HEADER_BYTES}-byte header` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== FRAME_MAGIC) return { ok: false, error: `frame magic byte is ${view.getUint8(0)}, expected ${FRAME_MAGIC}` };
  if (view.getUint8(1) !== PROTOCOL_VERSION) return { ok: false, error: `frame protocol version is ${view.getUint8(1)}, expected ${PROTOCOL_VERSION}` };
  if (view.getUint8(2) !== FrameKind.poses) return { ok: false, error: `unknown frame kind ${view.getUint8(2)}` };
  const lanes = view.getUint16(12, true);
  const bodies = view.getUint16(14, true);
  const expected = FRAME_HEADER_BYTES + lanes * bodies * POSE_FLOATS * 4;
  if (bytes.byteLength !== expected) return { ok: false, error: `frame of ${bytes.byteLength} bytes, expected ${expected} for ${lanes} lanes x ${bodies} bodies` };
  return { ok: true, value: { take: view.getUint32(4, true), step: view.getUint32(8, true), lanes, bodies, poses: posesOf(bytes, lanes * bodies * POSE_FLOATS) } };
}

function posesOf(bytes: Uint8Array, floats: number): Float32Array {
  const start = bytes.byteOffset + FRAME_HEADER_BYTES;
  if (start % 4 === 0) return new Float32Array(bytes.buffer, start, floats);
  return new Float32Array(bytes.slice(FRAME_HEADER_BYTES).buffer, 0, floats);
}
