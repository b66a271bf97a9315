/**
 * The recording a replay page embeds: the scene and its takes as JSON, float arrays as base64 of their
 * little-endian float32 bytes. Encoded in Node (replay.ts), decoded and checked in the browser (no Node or
 * DOM imports; `btoa`/`atob` exist in both).
 */
import { asArray, asBooleanOrNull, asInteger, asNumber, asNumberArray, asObject, asString, JsonShapeError } from './json-guards.js';
import type { Decoded } from './protocol.js';
import { asSceneInfo } from './scene-check.js';
import type { LaneRecording, SceneInfo, Take, ViewerTask } from './source.js';
import { checkTake } from './take-frames.js';

/** Version of the embedded recording format. */
export const REPLAY_FORMAT_VERSION = 1;
/** Id of the `<script type="application/json">` element holding the recording in a replay page. */
export const REPLAY_ELEMENT_ID = 'metarl-replay';

/** A decoded recording: what a replay page plays. */
export interface Replay {
  scene: SceneInfo;
  takes: Take[];
}

/** JSON text of a recording. */
export function encodeReplay(scene: SceneInfo, takes: readonly Take[]): string {
  return JSON.stringify({
    format: REPLAY_FORMAT_VERSION,
    scene,
    takes: takes.map((take) => ({
      task: take.task,
      curve: take.curve,
      lanes: take.lanes.map((lane) => ({ length: lane.length, return: lane.return, success: lane.success ?? null, poses: floatsToBase64(lane.poses), rewards: floatsToBase64(lane.rewards) })),
    })),
  });
}

/** Parse and check a recording (every take is checked against the scene). */
export function decodeReplay(text: string): Decoded<Replay> {
  try {
    const root = asObject(JSON.parse(text), 'recording');
    asInteger(root.format, 'recording.format', REPLAY_FORMAT_VERSION, REPLAY_FORMAT_VERSION);
    const scene = asSceneInfo(root.scene, 'recording.scene');
    const takes = asArray(root.takes, 'recording.takes').map((t, i) => takeFrom(t, `recording.takes[${i}]`));
    if (takes.length === 0) throw new JsonShapeError('recording.takes must not be empty');
    takes.forEach((take) => checkTake(take, scene));
    return { ok: true, value: { scene, takes } };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function takeFrom(value: unknown, path: string): Take {
  const obj = asObject(value, path);
  return {
    task: asObject(obj.task, `${path}.task`) as ViewerTask,
    curve: asNumberArray(obj.curve, `${path}.curve`),
    lanes: asArray(obj.lanes, `${path}.lanes`).map((l, i) => laneFrom(l, `${path}.lanes[${i}]`)),
  };
}

function laneFrom(value: unknown, path: string): LaneRecording {
  const obj = asObject(value, path);
  const success = asBooleanOrNull(obj.success, `${path}.success`);
  return {
    length: asInteger(obj.length, `${path}.length`, 1, Number.MAX_SAFE_INTEGER),
    return: asNumber(obj.return, `${path}.return`),
    ...(success === null ? {} : { success }),
    poses: base64ToFloats(asString(obj.poses, `${path}.poses`), `${path}.poses`),
    rewards: base64ToFloats(asString(obj.rewards, `${path}.rewards`), `${path}.rewards`),
  };
}

/** Bytes per chunk handed to String.fromCharCode (keeps the argument list short). */
const CHUNK = 0x8000;

function floatsToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function base64ToFloats(text: string, path: string): Float32Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new JsonShapeError(`${path} is not valid base64`);
  }
  if (binary.length % 4 !== 0) throw new JsonShapeError(`${path} holds ${binary.length} bytes, not a whole number of float32`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
