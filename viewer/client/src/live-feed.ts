/**
 * The live feed: a WebSocket to the viewer server that subscribes on every (re)connection and reconnects
 * with a growing delay (0.5 s doubling to 5 s) whenever the server goes away.
 */
import { decodeFrame, decodeServerMessage, encodeClientMessage, PROTOCOL_VERSION, WS_PATH, type ClientMessage } from '../../protocol.js';
import type { Feed, FeedHandlers } from './feed.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;

export class LiveFeed implements Feed {
  readonly mode = 'live';
  private socket: WebSocket | undefined;
  private retryMs = FIRST_RETRY_MS;

  constructor(private readonly url: string, private readonly handlers: FeedHandlers) {}

  start(): void {
    this.connect('connecting');
  }

  /**
   * The WebSocket URL of the server that served this page, carrying the page's access token (`?token=`)
   * when it has one (the server also accepts the cookie it set when the page was served with the token).
   */
  static urlFor(location: Location): string {
    const token = new URLSearchParams(location.search).get('token');
    const query = token ? `?token=${encodeURIComponent(token)}` : '';
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}${query}`;
  }

  send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeClientMessage(message));
    else this.handlers.message({ type: 'error', message: 'not connected to the viewer server; try again once reconnected' });
  }

  private connect(state: 'connecting' | 'reconnecting'): void {
    this.handlers.connection(state);
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.retryMs = FIRST_RETRY_MS;
      socket.send(encodeClientMessage({ type: 'subscribe', version: PROTOCOL_VERSION }));
      this.handlers.connection('connected');
    };
    socket.onmessage = (event: MessageEvent<string | ArrayBuffer>) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.handlers.connection('reconnecting');
      setTimeout(() => this.connect('reconnecting'), this.retryMs);
      this.retryMs = Math.min(2 * this.retryMs, MAX_RETRY_MS);
    };
    this.socket = socket;
  }

  private receive(data: string | ArrayBuffer): void {
    if (typeof data === 'string') {
      const decoded = decodeServerMessage(data);
      return decoded.ok ? this.handlers.message(decoded.value) : this.handlers.message({ type: 'error', message: `malformed server message: ${decoded.error}` });
    }
    const decoded = decodeFrame(new Uint8Array(data));
    if (decoded.ok) this.handlers.frame(decoded.value);
    else this.handlers.message({ type: 'error', message: `malformed frame: ${decoded.error}` });
  }
}
