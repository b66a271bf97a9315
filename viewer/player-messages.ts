/**
 * The server messages that announce a take, a finished lane episode and a take's curve, built the same way
 * by the server and by the offline replay. No Node or DOM imports.
 */
import type { ServerMessage } from './protocol.js';
import type { LaneRecording, Take } from './source.js';

/** `take`: take number `take` starts; steps per lane. */
export function takeMessage(take: number, recorded: Take): ServerMessage {
  return { type: 'take', take, task: recorded.task, lanes: recorded.lanes.length, lengths: recorded.lanes.map((l) => l.length) };
}

/** `episode`: lane `lane` of take `take` finished with its recorded return and success. */
export function episodeMessage(take: number, lane: number, recording: LaneRecording): ServerMessage {
  return { type: 'episode', take, lane, return: recording.return, success: recording.success ?? null };
}

/** `curve`: the adaptation curve of take `take`. */
export function curveMessage(take: number, recorded: Take): ServerMessage {
  return { type: 'curve', take, curve: recorded.curve };
}
