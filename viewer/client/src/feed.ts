/**
 * Where the page's data comes from: a live server (WebSocket) or a recording embedded in the page. Both
 * deliver the same protocol messages and pose frames, so the rest of the page does not care which.
 */
import type { ClientMessage, PoseFrame, ServerMessage } from '../../protocol.js';

/** Connection state shown in the HUD. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'replay';

/** What a feed calls as data arrives. */
export interface FeedHandlers {
  message(message: ServerMessage): void;
  frame(frame: PoseFrame): void;
  connection(state: ConnectionState): void;
}

/** A source of messages and frames that takes the client's requests. */
export interface Feed {
  readonly mode: 'live' | 'replay';
  /** Start delivering to the handlers given at construction. */
  start(): void;
  send(message: ClientMessage): void;
}
