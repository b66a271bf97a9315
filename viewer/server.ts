/**
 * The viewer server: ONE Node http server on 127.0.0.1 (by default) that serves the built browser client
 * and, on the same port, a WebSocket endpoint (`/ws`) streaming takes from a {@link TakeSource}: JSON
 * control messages and one binary pose frame per control step (see protocol.ts). Every client gets a
 * bounded send queue; bad client input gets an `error` reply and never stops the loop. Upgrades from other
 * web pages' origins are refused, and off loopback every request needs an access token (see access.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { checkAccessToken, isLoopbackAddress, normalizeAllowedOrigin, pageUrl, resolveAccessToken, ViewerAccess } from './access.js';
import { ClientLink, type ClientStats } from './client-link.js';
import { clientBundleDir } from './client-bundle.js';
import { decodeClientMessage, PROTOCOL_VERSION, WS_PATH, type ClientMessage, type ServerMessage } from './protocol.js';
import { curveMessage, episodeMessage, takeMessage } from './player-messages.js';
import type { TakeSource } from './source.js';
import { staticFiles } from './static-files.js';
import { TakePlayer } from './take-player.js';

/** Options of {@link startViewerServer}. */
export interface ViewerServerOptions {
  source: TakeSource;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: this machine only). Any other address requires a token. */
  host?: string;
  /**
   * Origins besides the viewer's own whose pages may open the WebSocket (exact, e.g. `http://localhost:8888`),
   * or `'*'` to turn the Origin check off. The own origin is `http://<listen address>:<port>`, plus
   * `localhost`, `127.0.0.1` and `[::1]` at that port on a loopback bind, plus, when a token is required, the
   * Host the page was requested under. Upgrades without an Origin header (non-browser clients) always pass.
   */
  allowOrigins?: string[];
  /**
   * Access token for the page and the socket (query `token` or the cookie the page gets with it). Default:
   * a random one (24 bytes, base64url) when listening off loopback, none on loopback; `'auto'`: a random one
   * even on loopback; any other string (16+ URL-safe characters): that token. There is no way to go without
   * a token off loopback.
   */
  token?: string;
  /** Folder of the built client (default: dist/viewer-client). */
  staticDir?: string;
  /** Bytes a client's socket may buffer before its pose frames are dropped (default 1 MiB). */
  maxClientQueueBytes?: number;
  /** Largest client message accepted by the WebSocket layer (bytes, default 64 KiB); larger closes with 1009. */
  maxPayloadBytes?: number;
  /** Seed of the first take; later takes count up from it (default 0). */
  firstSeed?: number;
  /** Pause between a take's last frame and the next take (ms at speed 1, default 800). */
  holdMs?: number;
  /** Log lines (default: none). */
  log?: (line: string) => void;
}

/** Counters for tests and benchmarks. */
export interface ViewerServerStats {
  clients: number;
  subscribers: number;
  /** Number of the take playing (0 before the first) and its next step. */
  take: number;
  step: number;
  paused: boolean;
  speed: number;
  /** Binary frames produced by the player (each goes to every subscriber). */
  framesPlayed: number;
  /** Sum over clients of the frames dropped for reading too slowly. */
  droppedFrames: number;
  perClient: ClientStats[];
}

/** A running viewer server. */
export interface ViewerServer {
  /**
   * `http://host:port/` of the page, with `?token=...` when a token is required. After a bind to all
   * interfaces (0.0.0.0, ::) host is the loopback address.
   */
  url: string;
  port: number;
  /** The access token every request must carry, or undefined when none is required. */
  token?: string;
  /** Stop playing, close every client and the source, and release the port. */
  close(): Promise<void>;
  stats(): ViewerServerStats;
  /** Send a metrics map (name -> number, e.g. training progress) to every subscriber and to later ones. */
  publishMetrics(values: Record<string, number>): void;
}

const DEFAULT_QUEUE_BYTES = 1 << 20;
const DEFAULT_MAX_PAYLOAD = 64 * 1024;
/** A client buffering this many times its queue limit has stopped reading control messages too: cut off. */
const HARD_LIMIT_FACTOR = 4;
/** How often every subscriber hears its status (dropped frames). */
const STATUS_INTERVAL_MS = 1000;
/** How long clients get to answer the close handshake at shutdown (ms). */
const CLOSE_GRACE_MS = 250;

/** Start the server; resolves once it listens. */
export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const log = options.log ?? (() => undefined);
  const allowOrigins = (options.allowOrigins ?? []).map(normalizeAllowedOrigin);
  if (options.token !== undefined) checkAccessToken(options.token);
  const files = staticFiles(options.staticDir ?? clientBundleDir());
  let access: ViewerAccess | undefined;
  const http = createServer((req, res) => {
    if (access?.admitRequest(req, res)) files(req, res);
    else if (!access) res.writeHead(503).end();
  });
  const wss = new WebSocketServer({ noServer: true, path: WS_PATH, maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD, perMessageDeflate: false });
  http.on('upgrade', (req, socket, head) => {
    if (!access) return void socket.destroy();
    if (wss.shouldHandle(req) && !access.admitUpgrade(req, socket)) return; // a wrong path is left to ws (400)
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const hub = new ClientHub(options);
  wss.on('connection', (ws) => hub.add(ws));
  wss.on('error', (e) => log(`viewer: WebSocket server: ${e.message}`));
  await listen(http, options.port ?? 0, options.host ?? '127.0.0.1');
  const { port, address } = http.address() as AddressInfo;
  const token = resolveAccessToken(options.token, isLoopbackAddress(address));
  access = new ViewerAccess({ address, port, token, allowOrigins, log });
  hub.start();
  return {
    url: pageUrl(address, port, token),
    port,
    token,
    close: () => hub.close(wss, http),
    stats: () => hub.stats(),
    publishMetrics: (values) => hub.publishMetrics(values),
  };
}

function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolveListen();
    });
  });
}

/** The clients, the player, and the messages between them. */
class ClientHub {
  private readonly links = new Set<ClientLink>();
  private readonly player: TakePlayer;
  private readonly log: (line: string) => void;
  private readonly queueBytes: number;
  private nextClientId = 1;
  private framesPlayed = 0;
  private lastCurve: ServerMessage | undefined;
  private lastMetrics: ServerMessage | undefined;
  private statusTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: ViewerServerOptions) {
    this.log = options.log ?? (() => undefined);
    this.queueBytes = options.maxClientQueueBytes ?? DEFAULT_QUEUE_BYTES;
    this.player = new TakePlayer(options.source, {
      takeStarted: (n, take) => this.broadcast(takeMessage(n, take)),
      frame: (bytes) => this.broadcastFrame(bytes),
      episodeEnded: (n, lane, recording) => this.broadcast(episodeMessage(n, lane, recording)),
      takeEnded: (n, take) => this.broadcast((this.lastCurve = curveMessage(n, take))),
      recordFailed: (message) => this.reportRecordFailure(message),
    }, { firstSeed: options.firstSeed, holdMs: options.holdMs });
  }

  start(): void {
    this.player.start();
    this.statusTimer = setInterval(() => this.broadcastStatus(), STATUS_INTERVAL_MS);
  }

  add(ws: WebSocket): void {
    const link = new ClientLink(this.nextClientId++, ws, { queueBytes: this.queueBytes, hardBytes: HARD_LIMIT_FACTOR * this.queueBytes + (1 << 16) });
    this.links.add(link);
    ws.on('message', (data, isBinary) => this.receive(link, data, isBinary));
    ws.on('error', (e) => this.log(`viewer: client ${link.id}: ${e.message}`));
    ws.on('close', () => this.links.delete(link));
    link.send({ type: 'hello', version: PROTOCOL_VERSION, scene: this.options.source.scene, task: this.player.currentTask(), state: this.player.state() });
  }

  publishMetrics(values: Record<string, number>): void {
    this.broadcast((this.lastMetrics = { type: 'metrics', values: { ...values } }));
  }

  stats(): ViewerServerStats {
    const perClient = [...this.links].map((l) => l.stats());
    return {
      clients: this.links.size,
      subscribers: perClient.filter((c) => c.subscribed).length,
      ...this.player.position(),
      ...this.player.state(),
      framesPlayed: this.framesPlayed,
      droppedFrames: perClient.reduce((sum, c) => sum + c.droppedFrames, 0),
      perClient,
    };
  }

  /** Stop the loop, close clients and the port, and close the source once it has finished any recording. */
  async close(wss: WebSocketServer, http: Server): Promise<void> {
    clearInterval(this.statusTimer);
    const recordingDone = this.player.close();
    await closeClients(wss);
    http.closeAllConnections();
    await new Promise<void>((done) => http.close(() => done()));
    await recordingDone;
    this.options.source.close();
  }

  private receive(link: ClientLink, data: RawData, isBinary: boolean): void {
    if (isBinary) return link.send({ type: 'error', message: 'binary client messages are not accepted: send JSON text' });
    const decoded = decodeClientMessage(rawText(data));
    if (!decoded.ok) return link.send({ type: 'error', message: decoded.error });
    this.handle(link, decoded.value);
  }

  private handle(link: ClientLink, message: ClientMessage): void {
    switch (message.type) {
      case 'subscribe':
        link.subscribed = true;
        return this.catchUp(link);
      case 'pause':
        this.player.pause();
        return this.broadcastStatus();
      case 'resume':
        this.player.resume();
        return this.broadcastStatus();
      case 'speed':
        this.player.setSpeed(message.factor);
        return this.broadcastStatus();
      case 'newTask':
        return void this.player.newTask().catch((e: unknown) => this.reportRecordFailure(errorText(e)));
      case 'setTask':
        return void this.player.setTask(message.task).catch((e: unknown) => link.send({ type: 'error', message: `setTask rejected: ${errorText(e)}` }));
    }
  }

  /** What a new subscriber needs to join mid-take: the take, lanes already finished, last curve and metrics, status. */
  private catchUp(link: ClientLink): void {
    const current = this.player.current();
    if (current) {
      link.send(takeMessage(current.number, current.take));
      const { step } = this.player.position();
      current.take.lanes.forEach((rec, lane) => {
        if (rec.length <= step) link.send(episodeMessage(current.number, lane, rec));
      });
    }
    for (const message of [this.lastCurve, this.lastMetrics]) if (message) link.send(message);
    link.send(this.statusFor(link));
  }

  private broadcast(message: ServerMessage): void {
    for (const link of this.links) if (link.subscribed) link.send(message);
  }

  private broadcastFrame(bytes: Uint8Array): void {
    this.framesPlayed++;
    for (const link of this.links) link.sendFrame(bytes);
  }

  private broadcastStatus(): void {
    for (const link of this.links) if (link.subscribed) link.send(this.statusFor(link));
  }

  private statusFor(link: ClientLink): ServerMessage {
    return { type: 'status', ...this.player.state(), droppedFrames: link.dropped };
  }

  private reportRecordFailure(message: string): void {
    this.log(`viewer: recording a take failed: ${message}`);
    this.broadcast({ type: 'error', message: `recording a take failed: ${message}` });
  }
}

/** Close every WebSocket (1001), terminating those that do not answer within the grace period. */
async function closeClients(wss: WebSocketServer): Promise<void> {
  const closed = new Promise<void>((done) => wss.close(() => done()));
  for (const ws of wss.clients) ws.close(1001, 'viewer server closing');
  const grace = setTimeout(() => {
    for (const ws of wss.clients) ws.terminate();
  }, CLOSE_GRACE_MS);
  await closed;
  clearTimeout(grace);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
