/**
 * The viewer wire protocol (viewer/protocol.ts) and the pure helpers around it: JSON messages and binary
 * frames round-trip (scenes with an evaluation's curves too); malformed, oversized and unknown input is
 * rejected with a message naming the problem; takes are checked against their scene; recordings for replay
 * pages round-trip.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlaybackClock } from '../viewer/playback-clock.js';
import {
  decodeClientMessage, decodeFrame, decodeServerMessage, encodeClientMessage, encodeFrame, encodeServerMessage, FRAME_HEADER_BYTES, FRAME_MAGIC,
  MAX_CLIENT_MESSAGE_CHARS, PROTOCOL_VERSION, type ClientMessage, type Decoded, type ServerMessage,
} from '../viewer/protocol.js';
import { decodeReplay, encodeReplay } from '../viewer/replay-format.js';
import { checkTake, lanesEndingAt, takeSteps, writeLanePoses } from '../viewer/take-frames.js';
import { syntheticSource } from './viewer-fixtures.js';

function expectError<T>(decoded: Decoded<T>, pattern: RegExp): void {
  assert.equal(decoded.ok, false, 'expected a decoding error');
  if (!decoded.ok) assert.match(decoded.error, pattern);
}

test('every client message round-trips through JSON', () => {
  const messages: ClientMessage[] = [
    { type: 'subscribe', version: PROTOCOL_VERSION },
    { type: 'pause' },
    { type: 'resume' },
    { type: 'speed', factor: 2.5 },
    { type: 'newTask' },
    { type: 'setTask', task: { goal: [0.1, -0.2] } },
  ];
  for (const message of messages) assert.deepEqual(decodeClientMessage(encodeClientMessage(message)), { ok: true, value: message });
});

/** An evaluation's curves as a scene carries them: the agent's, a baseline's curve, a baseline's single level. */
const REFERENCE_CURVES = [
  { name: 'agent', label: 'MAML-TRPO', mean: [-30, -12] },
  { name: 'random', label: 'random', mean: [-50, -51] },
  { name: 'oracle', label: 'oracle (task observed)', mean: [-4] },
];

test('every server message round-trips through JSON, hello with its full scene', () => {
  const { scene } = syntheticSource();
  const messages: ServerMessage[] = [
    { type: 'hello', version: PROTOCOL_VERSION, scene, task: { goal: [0.5, 0.25] }, state: { paused: false, speed: 1 } },
    { type: 'hello', version: PROTOCOL_VERSION, scene: { ...scene, referenceCurves: REFERENCE_CURVES }, task: null, state: { paused: false, speed: 1 } },
    { type: 'hello', version: PROTOCOL_VERSION, scene, task: null, state: { paused: true, speed: 0.1 } },
    { type: 'take', take: 3, task: { targetVelocity: 1.2 }, lanes: 2, lengths: [200, 150] },
    { type: 'episode', take: 3, lane: 1, return: -12.5, success: null },
    { type: 'episode', take: 3, lane: 0, return: 4, success: true },
    { type: 'curve', take: 3, curve: [-20, -10, -5] },
    { type: 'metrics', values: { iteration: 12, 'loss/policy': 0.25 } },
    { type: 'status', paused: false, speed: 8, droppedFrames: 17 },
    { type: 'error', message: 'no' },
  ];
  for (const message of messages) assert.deepEqual(decodeServerMessage(encodeServerMessage(message)), { ok: true, value: message });
});

test('malformed, unknown and oversized client messages are rejected with a reason', () => {
  expectError(decodeClientMessage('{"type": "pause"'), /not valid JSON/);
  expectError(decodeClientMessage('[1, 2]'), /client message must be an object/);
  expectError(decodeClientMessage('"pause"'), /client message must be an object/);
  expectError(decodeClientMessage('{"type": "explode"}'), /unknown client message type "explode"/);
  expectError(decodeClientMessage('{}'), /unknown client message type undefined/);
  expectError(decodeClientMessage('{"type": "speed", "factor": 20}'), /speed\.factor must be within \[0\.1, 8\], got 20/);
  expectError(decodeClientMessage('{"type": "speed", "factor": "fast"}'), /speed\.factor must be a finite number/);
  expectError(decodeClientMessage('{"type": "speed"}'), /speed\.factor must be a finite number/);
  expectError(decodeClientMessage('{"type": "setTask"}'), /setTask\.task is missing/);
  expectError(decodeClientMessage(`{"type": "subscribe", "version": ${PROTOCOL_VERSION + 1}}`), /subscribe\.version must be 1/);
  const huge = JSON.stringify({ type: 'setTask', task: { pad: 'x'.repeat(MAX_CLIENT_MESSAGE_CHARS) } });
  expectError(decodeClientMessage(huge), new RegExp(`client message of ${huge.length} characters exceeds the limit of ${MAX_CLIENT_MESSAGE_CHARS}`));
});

test('server messages with a bad scene or fields name the offending path', () => {
  const { scene } = syntheticSource();
  const hello = (patch: object) => JSON.stringify({ type: 'hello', version: PROTOCOL_VERSION, scene: { ...scene, ...patch }, task: null, state: { paused: false, speed: 1 } });
  expectError(decodeServerMessage(hello({ dt: 'soon' })), /hello\.scene\.dt must be a finite number/);
  expectError(decodeServerMessage(hello({ lanes: [] })), /hello\.scene\.lanes must not be empty/);
  const badShape = { ...scene.robot, bodies: [{ ...scene.robot.bodies[0], shapes: [{ kind: 'cone' }] }] };
  expectError(decodeServerMessage(hello({ robot: badShape })), /hello\.scene\.robot\.bodies\[0\]\.shapes\[0\]\.kind must be capsule, sphere or box/);
  expectError(decodeServerMessage(hello({ referenceCurves: {} })), /hello\.scene\.referenceCurves must be an array/);
  expectError(decodeServerMessage(hello({ referenceCurves: [{ name: 'oracle', label: 'oracle', mean: [] }] })), /hello\.scene\.referenceCurves\[0\]\.mean must not be empty/);
  expectError(decodeServerMessage(hello({ referenceCurves: [{ name: 'agent', label: 'MAML', mean: [1, null] }] })), /hello\.scene\.referenceCurves\[0\]\.mean\[1\] must be a finite number/);
  expectError(decodeServerMessage(hello({ referenceCurves: [{ label: 'MAML', mean: [1] }] })), /hello\.scene\.referenceCurves\[0\]\.name must be a string/);
  expectError(decodeServerMessage('{"type": "episode", "take": 1, "lane": 0, "return": null, "success": null}'), /episode\.return must be a finite number/);
  expectError(decodeServerMessage('{"type": "status", "paused": 1, "speed": 1, "droppedFrames": 0}'), /status\.paused must be a boolean/);
  expectError(decodeServerMessage('{"type": "metrics", "values": {"a": "b"}}'), /metrics\.values\.a must be a finite number/);
  expectError(decodeServerMessage('{"type": "nope"}'), /unknown server message type "nope"/);
});

test('binary frames carry their header fields and poses, also from an unaligned buffer', () => {
  const poses = Float32Array.from({ length: 3 * 2 * 7 }, (_, i) => i * 0.5 - 3);
  const bytes = encodeFrame({ take: 70000, step: 123456, lanes: 3, bodies: 2, poses });
  assert.equal(bytes.byteLength, FRAME_HEADER_BYTES + poses.byteLength);
  const view = new DataView(bytes.buffer);
  assert.deepEqual([view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3)], [FRAME_MAGIC, PROTOCOL_VERSION, 1, 0]);
  assert.deepEqual([view.getUint32(4, true), view.getUint32(8, true), view.getUint16(12, true), view.getUint16(14, true)], [70000, 123456, 3, 2]);
  const decoded = decodeFrame(bytes);
  assert.ok(decoded.ok);
  assert.deepEqual({ ...decoded.value, poses: [...decoded.value.poses] }, { take: 70000, step: 123456, lanes: 3, bodies: 2, poses: [...poses] });
  const unaligned = new Uint8Array(bytes.byteLength + 1).subarray(1);
  unaligned.set(bytes);
  const fromUnaligned = decodeFrame(unaligned);
  assert.ok(fromUnaligned.ok);
  assert.deepEqual([...fromUnaligned.value.poses], [...poses]);
});

test('malformed binary frames are rejected with a reason', () => {
  const good = encodeFrame({ take: 1, step: 0, lanes: 1, bodies: 1, poses: new Float32Array(7) });
  const patched = (offset: number, value: number) => {
    const copy = good.slice();
    copy[offset] = value;
    return copy;
  };
  expectError(decodeFrame(good.subarray(0, 10)), /frame of 10 bytes is shorter than its 16-byte header/);
  expectError(decodeFrame(patched(0, 0x00)), /magic byte is 0, expected 77/);
  expectError(decodeFrame(patched(1, 99)), /protocol version is 99/);
  expectError(decodeFrame(patched(2, 9)), /unknown frame kind 9/);
  expectError(decodeFrame(good.subarray(0, good.byteLength - 4)), /frame of 40 bytes, expected 44 for 1 lanes x 1 bodies/);
  assert.throws(() => encodeFrame({ take: 1, step: 0, lanes: 2, bodies: 1, poses: new Float32Array(7) }), /expected lanes\*bodies\*7 = 14/);
});

test('takes are read step by step: ended lanes hold their last pose', async () => {
  const source = syntheticSource({ lanes: 3, bodies: 2, steps: 5 });
  const take = await source.record(undefined, 4);
  assert.equal(takeSteps(take), 5);
  assert.deepEqual([0, 1, 2, 3, 4].map((s) => lanesEndingAt(take, s)), [[], [], [2], [1], [0]]);
  const out = new Float32Array(3 * 2 * 7);
  writeLanePoses(take, 4, 2, out);
  assert.deepEqual([...out.subarray(28, 42)], [...take.lanes[2].poses.subarray(2 * 14, 3 * 14)], 'lane 2 (3 steps) holds its step-2 pose');
  assert.deepEqual([...out.subarray(0, 14)], [...take.lanes[0].poses.subarray(4 * 14, 5 * 14)]);
});

test('checkTake names what does not fit the scene', async () => {
  const source = syntheticSource({ lanes: 2, bodies: 2, steps: 4 });
  const take = await source.record(undefined, 0);
  checkTake(take, source.scene);
  assert.throws(() => checkTake({ ...take, lanes: take.lanes.slice(1) }, source.scene), /take has 1 lanes, the scene has 2/);
  const short = { ...take.lanes[0], poses: take.lanes[0].poses.subarray(1) };
  assert.throws(() => checkTake({ ...take, lanes: [short, take.lanes[1]] }, source.scene), /take lane 0: poses has 55 floats, expected length\*bodies\*7 = 56/);
  const nan = { ...take.lanes[0], poses: take.lanes[0].poses.map((v, i) => (i === 3 ? NaN : v)) };
  assert.throws(() => checkTake({ ...take, lanes: [nan, take.lanes[1]] }, source.scene), /poses contain NaN/);
  assert.throws(() => checkTake({ ...take, lanes: [{ ...take.lanes[0], length: 0 }, take.lanes[1]] }, source.scene), /length must be a positive integer/);
});

test('replay recordings round-trip bit for bit (the evaluation curves of the scene too) and reject corrupt data', async () => {
  const source = syntheticSource({ lanes: 2, bodies: 3, steps: 6 });
  const takes = [await source.record(undefined, 0), await source.record({ goal: [0.1, 0.2] }, 1)];
  const scene = { ...source.scene, referenceCurves: REFERENCE_CURVES };
  const decoded = decodeReplay(encodeReplay(scene, takes));
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
  assert.deepEqual(decoded.value.scene, scene);
  assert.deepEqual(decoded.value.takes, takes);
  const broken = JSON.parse(encodeReplay(source.scene, takes));
  broken.takes[0].lanes[1].poses = 'AAAA$';
  expectError(decodeReplay(JSON.stringify(broken)), /recording\.takes\[0\]\.lanes\[1\]\.poses is not valid base64/);
  broken.takes[0].lanes[1].poses = 'AAAAAAAA';
  expectError(decodeReplay(JSON.stringify(broken)), /poses holds 6 bytes, not a whole number of float32/);
  broken.takes[0].lanes[1].poses = 'AAAAAAAAAAA=';
  expectError(decodeReplay(JSON.stringify(broken)), /take lane 1: poses has 2 floats/);
});

test('the playback clock spaces steps dt / speed apart and re-anchors on speed changes', () => {
  const clock = new PlaybackClock(0.05);
  clock.anchor(0, 1000);
  assert.equal(clock.dueAt(10), 1500);
  clock.setSpeed(2, 10, 1600);
  assert.equal(clock.dueAt(10), 1600);
  assert.equal(clock.dueAt(14), 1700);
});
