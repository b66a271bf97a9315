/**
 * The Redis connections of a submitter or worker (ioredis clients for BullMQ): one URL, checked up front, shown
 * without its password, and a time limit after which a lost server is given up on (submitters) instead of being
 * retried for ever. `redis://[:password@]host[:port][/db]` and TLS `rediss://` URLs, as ioredis reads them; a URL
 * without a password takes the one in the environment variable METARL_REDIS_PASSWORD, if set (a password in the
 * URL is visible to every user of the machine in the process list).
 */
import { Redis } from 'ioredis';

/** How long a connection may stay lost before a submitter gives up on it (ms). */
export const DEFAULT_GIVE_UP_MS = 10_000;

/** How long a first connection may take before the server counts as unreachable (ms). */
const PING_TIMEOUT_MS = 3_000;

/** The environment variable a password may come from instead of the URL. */
export const REDIS_PASSWORD_ENV = 'METARL_REDIS_PASSWORD';

/** Delay between reconnection attempts (ms). */
const RETRY_DELAY_MS = 250;

/** Error of a Redis server that cannot be reached; its message is one line naming the fix. */
export class RedisUnreachableError extends Error {}

/** `url` checked as a Redis URL; throws one line naming the accepted forms. */
export function checkRedisUrl(url: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new Error(`--redis must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, redis://:password@host:6379 or rediss://host:6380; got '${url}'.`);
  }
  return parsed;
}

/** `url` as logs may show it: the password replaced by `***`. */
export function redactRedisUrl(url: string): string {
  const parsed = checkRedisUrl(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
}

/** `{ password }` from {@link REDIS_PASSWORD_ENV} when `url` has none and the variable is set and not empty, else `{}`. */
export function passwordFromEnvironment(url: string, env: NodeJS.ProcessEnv = process.env): { password?: string } {
  const password = env[REDIS_PASSWORD_ENV];
  return checkRedisUrl(url).password === '' && password ? { password } : {};
}

/** Options of a {@link RedisLink}. */
export interface RedisLinkOptions {
  /**
   * Give up on a lost server after this long (ms): its clients stop reconnecting and {@link RedisLink.lost}
   * rejects. Infinity (workers): reconnect for ever.
   */
  giveUpMs?: number;
  /** Called once per outage with a line saying the connection was lost and is being retried. */
  onRetry?: (line: string) => void;
}

/** The Redis clients of one process, made from one URL; {@link close} them all at the end. */
export class RedisLink {
  /** The URL without its password. */
  readonly display: string;
  /** Rejects with a {@link RedisUnreachableError} once a client gives up (never, with giveUpMs = Infinity). */
  readonly lost: Promise<never>;
  private readonly clients: Redis[] = [];
  private failSince: number | undefined;
  private lastError = '';
  private reportedOutage = false;
  private giveUp!: (error: RedisUnreachableError) => void;

  constructor(
    readonly url: string,
    private readonly options: RedisLinkOptions = {},
  ) {
    checkRedisUrl(url);
    this.display = redactRedisUrl(url);
    this.lost = new Promise<never>((_, reject) => (this.giveUp = reject));
    this.lost.catch(() => {}); // observed by whoever races it
  }

  /** A new client for BullMQ (blocking commands allowed: no per-request retry limit). */
  client(): Redis {
    const giveUpMs = this.options.giveUpMs ?? DEFAULT_GIVE_UP_MS;
    const client = new Redis(this.url, {
      ...passwordFromEnvironment(this.url),
      maxRetriesPerRequest: null,
      connectTimeout: Math.min(giveUpMs, 5_000),
      retryStrategy: () => this.retryDelay(giveUpMs),
    });
    client.on('error', (error: Error) => {
      this.lastError = error.message;
      this.failSince ??= Date.now();
    });
    client.on('ready', () => {
      this.failSince = undefined;
      this.reportedOutage = false;
    });
    this.clients.push(client);
    return client;
  }

  /**
   * Check that the server answers within `timeoutMs`: throws a {@link RedisUnreachableError} when it does not, an
   * Error with the server's answer when it refuses (e.g. NOAUTH: a password is needed).
   */
  async ping(timeoutMs = PING_TIMEOUT_MS): Promise<void> {
    const client = this.client();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisUnreachableError(unreachableMessage(this.display, timeoutMs, this.lastError))), timeoutMs);
    });
    try {
      await Promise.race([this.guard(client.ping()), timeout]);
    } catch (error) {
      if (error instanceof RedisUnreachableError) throw error;
      throw new Error(`Redis at ${this.display} refused the connection: ${(error as Error).message} (give the password in the environment variable ${REDIS_PASSWORD_ENV}, or in the URL: redis://:password@host:port).`);
    } finally {
      clearTimeout(timer);
      this.remove(client);
    }
  }

  /**
   * `work`, or this link's rejection once the server is given up on. The loser's later rejection (a command on a
   * closed connection) is observed here, so it cannot end the process as an unhandled rejection.
   */
  guard<T>(work: Promise<T>): Promise<T> {
    work.catch(() => {});
    return Promise.race([work, this.lost]);
  }

  /** Disconnect every client. */
  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  }

  private remove(client: Redis): void {
    this.clients.splice(this.clients.indexOf(client), 1);
    client.disconnect();
  }

  /** ioredis's retryStrategy: the next delay, or null (stop) once the outage is older than `giveUpMs`. */
  private retryDelay(giveUpMs: number): number | null {
    const since = (this.failSince ??= Date.now());
    if (Date.now() - since >= giveUpMs) {
      dropClosedConnectionRejections();
      this.giveUp(new RedisUnreachableError(unreachableMessage(this.display, giveUpMs, this.lastError)));
      return null;
    }
    if (!this.reportedOutage) {
      this.reportedOutage = true;
      this.options.onRetry?.(`metarl: lost Redis at ${this.display} (${this.lastError || 'connection closed'}); reconnecting`);
    }
    return RETRY_DELAY_MS;
  }
}

let droppingClosedConnectionRejections = false;

/**
 * Once a link gives up, ioredis rejects the commands still queued on its clients with "Connection is closed.";
 * some belong to BullMQ's internal loops, which leave them unhandled, and Node would end the process with a stack
 * trace after the outage was already reported in one line. From then on those rejections are dropped; any other
 * unhandled rejection is thrown as before.
 */
function dropClosedConnectionRejections(): void {
  if (droppingClosedConnectionRejections) return;
  droppingClosedConnectionRejections = true;
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof Error && reason.message === 'Connection is closed.') return;
    throw reason;
  });
}

function unreachableMessage(display: string, giveUpMs: number, reason: string): string {
  const seconds = Math.round(giveUpMs / 100) / 10;
  return `Redis at ${display} unreachable for ${seconds} s${reason ? ` (${reason})` : ''}: start a server (redis-server --port N) or fix --redis.`;
}
