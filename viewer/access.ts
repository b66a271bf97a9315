/**
 * Who may use the viewer server. Two checks, as Jupyter does them:
 *
 * - Origin: a WebSocket upgrade sent by a browser carries the origin of the page that opened it. Only the
 *   viewer's own origin (and `--allow-origin` extras) may connect, so that no other web page the user has
 *   open can read the stream or send control messages (cross-site WebSocket hijacking). Requests without an
 *   Origin header come from non-browser clients (`ws`, `wscat`) and pass this check.
 * - Token: when the server listens beyond this machine (or a token is given), every http request and every
 *   upgrade must carry a random access token, in the `token` query parameter or in the HttpOnly,
 *   SameSite=Strict cookie that the first request with a valid `?token=` sets.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Query parameter carrying the access token (also read by the page for its WebSocket URL). */
export const TOKEN_PARAM = 'token';
/** `allowOrigins` entry that turns the Origin check off. */
export const ANY_ORIGIN = '*';
/** Random bytes of a generated token (base64url: 32 characters). */
const TOKEN_BYTES = 24;
/** Shortest token accepted from the user. */
const MIN_TOKEN_LENGTH = 16;
/** Characters that survive a query string and a cookie without encoding. */
const TOKEN_CHARS = /^[A-Za-z0-9._~-]+$/;
/** Distinct refusals logged; later ones are only answered (a hostile page could otherwise flood the log). */
const MAX_LOGGED_REFUSALS = 100;

/** Whether `address` (as `server.address()` reports it) only accepts connections from this machine. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** A fresh random access token: 24 random bytes, base64url. */
export function newAccessToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * The token a server requires, or undefined for none.
 * @param token undefined: a random one off loopback, none on loopback; `'auto'`: always a random one;
 *   anything else: that token (at least 16 characters of `A-Z a-z 0-9 . _ ~ -`).
 */
export function resolveAccessToken(token: string | undefined, loopback: boolean): string | undefined {
  if (token === undefined) return loopback ? undefined : newAccessToken();
  return token === 'auto' ? newAccessToken() : checkAccessToken(token);
}

/** Throw unless `token` is `'auto'` or usable as a token (16+ characters of `A-Z a-z 0-9 . _ ~ -`); @returns it. */
export function checkAccessToken(token: string): string {
  if (token !== 'auto' && (token.length < MIN_TOKEN_LENGTH || !TOKEN_CHARS.test(token)))
    throw new Error(`the viewer token must be at least ${MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 . _ ~ - (or leave it out for a random one)`);
  return token;
}

/**
 * The page's URL for a server listening on `address`, with the token when there is one. After a bind to all
 * interfaces (0.0.0.0, ::) it names the loopback address.
 */
export function pageUrl(address: string, port: number, token: string | undefined): string {
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}/${token ? `?${TOKEN_PARAM}=${token}` : ''}`;
}

/** `value` as an origin (`scheme://host[:port]`, lower case, default port dropped), or undefined if it is none. */
function parseOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Check an `allowOrigins` entry: `*` or an exact origin like `http://localhost:8888`; @returns it normalised. */
export function normalizeAllowedOrigin(value: string): string {
  if (value === ANY_ORIGIN) return value;
  const origin = parseOrigin(value);
  if (!origin || value.replace(/\/$/, '').toLowerCase() !== origin.toLowerCase())
    throw new Error(`--allow-origin takes an origin like http://localhost:8888 (scheme, host and port only) or *, not "${value}"`);
  return origin;
}

/** What {@link ViewerAccess} needs to know about the listening server. */
export interface AccessConfig {
  /** Address the server listens on, as `server.address()` reports it. */
  address: string;
  port: number;
  /** Token every request must carry (undefined: none). */
  token?: string;
  /** Extra origins allowed to open the WebSocket (already normalised), or `*`. */
  allowOrigins: readonly string[];
  log: (line: string) => void;
}

/** The access checks of one listening viewer server. */
export class ViewerAccess {
  /** Name of the token cookie; it includes the port because cookies are shared by every port of a host. */
  readonly cookieName: string;
  private readonly origins: Set<string>;
  private readonly anyOrigin: boolean;
  private readonly logged = new Set<string>();

  constructor(private readonly config: AccessConfig) {
    this.cookieName = `metarl-viewer-token-${config.port}`;
    this.anyOrigin = config.allowOrigins.includes(ANY_ORIGIN);
    const host = config.address.includes(':') ? `[${config.address}]` : config.address;
    const names = isLoopbackAddress(config.address) ? [host, 'localhost', '127.0.0.1', '[::1]'] : [host];
    this.origins = new Set([...names.map((name) => parseOrigin(`http://${name}:${config.port}`)), ...config.allowOrigins].filter((o): o is string => !!o));
  }

  /**
   * Gate an http request: @returns true when it may be served; otherwise it has been answered 403. A valid
   * `?token=` sets the token cookie, so the page's later requests need not carry it.
   */
  admitRequest(req: IncomingMessage, res: ServerResponse): boolean {
    res.setHeader('referrer-policy', 'no-referrer');
    if (!this.config.token) return true;
    if (!this.tokenValid(req)) {
      this.logOnce(`token ${req.socket.remoteAddress}`, `viewer: refused a request from ${req.socket.remoteAddress} without a valid token`);
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${this.tokenMessage()}\n`);
      return false;
    }
    if (queryToken(req) !== undefined) res.setHeader('set-cookie', `${this.cookieName}=${this.config.token}; Path=/; HttpOnly; SameSite=Strict`);
    return true;
  }

  /** Gate a WebSocket upgrade: @returns true when it may proceed; otherwise the socket got a 403 and is closed. */
  admitUpgrade(req: IncomingMessage, socket: Duplex): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, req.headers.host)) {
      const shown = printable(origin);
      this.logOnce(`origin ${shown}`, `viewer: refused a WebSocket from origin ${shown} (start the viewer with --allow-origin ${shown} to allow it)`);
      refuse(socket, `origin ${shown} is not allowed; start the viewer with --allow-origin ${shown} to allow it`);
      return false;
    }
    if (this.config.token && !this.tokenValid(req)) {
      this.logOnce(`token ${req.socket.remoteAddress}`, `viewer: refused a WebSocket from ${req.socket.remoteAddress} without a valid token`);
      refuse(socket, this.tokenMessage());
      return false;
    }
    return true;
  }

  private originAllowed(origin: string, host: string | undefined): boolean {
    if (this.anyOrigin) return true;
    const parsed = parseOrigin(origin);
    if (!parsed) return false;
    if (this.origins.has(parsed)) return true;
    // With a token required, the page's own origin is whatever name it was served under (a LAN name or
    // address of a 0.0.0.0 bind): a page of another site sends another Host, and a DNS-rebinding one has no token.
    return !!this.config.token && host !== undefined && parsed === parseOrigin(`http://${host}`);
  }

  /** A `?token=` query parameter, if present, must be right; otherwise the cookie must be. */
  private tokenValid(req: IncomingMessage): boolean {
    const given = queryToken(req) ?? cookie(req, this.cookieName);
    return given !== undefined && sameSecret(given, this.config.token ?? '');
  }

  private tokenMessage(): string {
    return `this viewer requires its access token: open the URL it printed at start (http://...:${this.config.port}/?${TOKEN_PARAM}=...)`;
  }

  private logOnce(key: string, line: string): void {
    if (this.logged.has(key) || this.logged.size >= MAX_LOGGED_REFUSALS) return;
    this.logged.add(key);
    this.config.log(line);
  }
}

function queryToken(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').searchParams.get(TOKEN_PARAM) ?? undefined;
  } catch {
    return undefined;
  }
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Constant-time comparison (of digests, so that the length does not leak either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}

/** An attacker-chosen header value made safe for a log line and a response body. */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

/** Answer an upgrade with 403 and a one-line plain-text reason, then close the socket. */
function refuse(socket: Duplex, message: string): void {
  const body = `${message}\n`;
  socket.on('error', () => undefined);
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
