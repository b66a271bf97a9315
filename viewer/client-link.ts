/**
 * ClientLink: one WebSocket client as the server sees it. Sends are bounded: a pose frame is dropped (and
 * counted) while the socket already buffers more than the queue limit, and a client whose buffer passes a
 * hard limit (it stopped reading even control messages) is cut off, so no client can grow server memory
 * without bound.
 */
import { WebSocket } from 'ws';
import { encodeServerMessage, type ServerMessage } from './protocol.js';

/** Send limits of one client (bytes buffered by its socket). */
export interface LinkLimits {
  /** Above this, pose frames are dropped. */
  queueBytes: number;
  /** Above this, the connection is terminated. */
  hardBytes: number;
}

/** Per-client counters reported by the server's stats. */
export interface ClientStats {
  id: number;
  subscribed: boolean;
  framesSent: number;
  droppedFrames: number;
  /** Bytes waiting in the socket's send buffer now. */
  bufferedBytes: number;
}

export class ClientLink {
  /** Whether the client asked for takes, frames and events. */
  subscribed = false;
  private framesSent = 0;
  private droppedFrames = 0;

  constructor(readonly id: number, private readonly ws: WebSocket, private readonly limits: LinkLimits) {}

  /** Frames dropped because this client read too slowly. */
  get dropped(): number {
    return this.droppedFrames;
  }

  /** Send a JSON message (terminating the client if it is hopelessly behind). */
  send(message: ServerMessage): void {
    if (!this.writable()) return;
    this.ws.send(encodeServerMessage(message));
  }

  /** Send a binary pose frame to a subscribed client, or drop it while its queue is over the limit. */
  sendFrame(bytes: Uint8Array): void {
    if (!this.subscribed || !this.writable()) return;
    if (this.ws.bufferedAmount > this.limits.queueBytes) {
      this.droppedFrames++;
      return;
    }
    this.ws.send(bytes);
    this.framesSent++;
  }

  stats(): ClientStats {
    return { id: this.id, subscribed: this.subscribed, framesSent: this.framesSent, droppedFrames: this.droppedFrames, bufferedBytes: this.ws.bufferedAmount };
  }

  private writable(): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount <= this.limits.hardBytes) return true;
    this.ws.terminate();
    return false;
  }
}
