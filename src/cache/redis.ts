/**
 * L2: Redis through ioredis, tuned to fail fast instead of queueing: no offline queue (a
 * command while disconnected rejects at once), a per-command timeout, no per-request
 * retries. The client reconnects in the background with exponential backoff, and the
 * layer logs one line when an outage starts and one when it ends (not one per operation).
 *
 * Keys are `<key_prefix><cache>:<key>`; values are JSON `{"v": value, "e": expiresAtMs}`
 * so a reader can give the memory layer the remaining TTL without a second round trip.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { GustError, errorMessage } from '../errors.ts';

const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 5_000;
/** start() waits this long for a first connection, so early reads can use Redis; never longer. */
const START_WAIT_MS = 1_000;
const SCAN_BATCH = 500;
/** How often a Redis that stopped answering is probed with PING. */
const HUNG_PROBE_MS = 1_000;
/** Counting keys for gust_cache_entries stops here: a huge shared Redis must not stall us. */
const MAX_COUNTED_KEYS = 100_000;

export interface RedisLayerOptions {
  url: string;
  keyPrefix: string;
  operationTimeoutMs: number;
  logger: Logger;
  onUpChange(up: boolean): void;
}

interface StoredValue {
  v: unknown;
  e: number;
}

export class RedisLayer {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #onUpChange: (up: boolean) => void;
  /** An outage was logged and its end has not been logged yet. */
  #inOutage = false;
  #stopped = false;
  /**
   * A command timed out on an open connection (a hung or overloaded Redis keeps its sockets):
   * the layer counts as down, and is skipped, until a PING answers in time.
   */
  #hung = false;
  /** A timed-out command is being confirmed by a PING (see #watched). */
  #confirming = false;
  #probe: NodeJS.Timeout | undefined;
  readonly #timeoutMs: number;

  constructor(options: RedisLayerOptions) {
    this.#prefix = options.keyPrefix;
    this.#logger = options.logger;
    this.#onUpChange = options.onUpChange;
    this.#timeoutMs = options.operationTimeoutMs;
    this.#client = failFastRedis(options.url, options.operationTimeoutMs);
    this.#client.on('ready', () => this.#markUp());
    // The URL may carry a password: log only the error message, never the options.
    this.#client.on('error', (err: unknown) => this.#markDown(errorMessage(err)));
    this.#client.on('close', () => this.#markDown('connection closed'));
  }

  get up(): boolean {
    return this.#client.status === 'ready' && !this.#hung;
  }

  async start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#client.connect().catch(() => {}), // failures arrive as 'error' events; reconnects continue
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, START_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#probe);
    this.#client.disconnect();
  }

  async get(key: string): Promise<{ value: unknown; ttlMs: number } | undefined> {
    this.#ensureUp();
    const raw = await this.#watched(this.#client.get(this.#prefix + key));
    if (raw === null) return undefined;
    const stored = JSON.parse(raw) as StoredValue;
    const ttlMs = stored.e - Date.now();
    return ttlMs > 0 ? { value: stored.v, ttlMs } : undefined;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    this.#ensureUp();
    const stored: StoredValue = { v: value, e: Date.now() + ttlMs };
    await this.#watched(this.#client.set(this.#prefix + key, JSON.stringify(stored), 'PX', Math.max(1, Math.round(ttlMs))));
  }

  async delete(key: string): Promise<boolean> {
    this.#ensureUp();
    return (await this.#watched(this.#client.del(this.#prefix + key))) > 0;
  }

  /** Deletes keys starting with `prefix` (below key_prefix); returns them without key_prefix. */
  async clear(prefix: string): Promise<string[]> {
    this.#ensureUp();
    const deleted: string[] = [];
    await this.#scan(prefix, async (keys) => {
      if (keys.length === 0) return true;
      await this.#watched(this.#client.unlink(...keys));
      for (const k of keys) deleted.push(k.slice(this.#prefix.length));
      return true;
    });
    return deleted;
  }

  /** Keys per cache name, by SCAN (bounded by MAX_COUNTED_KEYS). */
  async countByCache(): Promise<Map<string, number>> {
    this.#ensureUp();
    const counts = new Map<string, number>();
    let seen = 0;
    await this.#scan('', async (keys) => {
      for (const k of keys) {
        const rest = k.slice(this.#prefix.length);
        const cache = rest.slice(0, Math.max(0, rest.indexOf(':')));
        if (cache) counts.set(cache, (counts.get(cache) ?? 0) + 1);
      }
      seen += keys.length;
      return seen < MAX_COUNTED_KEYS;
    });
    return counts;
  }

  async #scan(prefix: string, onBatch: (keys: string[]) => Promise<boolean>): Promise<void> {
    const match = `${escapeGlob(this.#prefix + prefix)}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.#watched(this.#client.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH));
      cursor = next;
      if (!(await onBatch(keys))) return;
    } while (cursor !== '0');
  }

  /**
   * A command that times out marks the layer down (see #hung) once a PING right after it times
   * out too: a timeout alone may be this process's own stall (a blocked event loop runs the
   * command's timer before it reads the reply already waiting on the socket).
   */
  async #watched<R>(command: Promise<R>): Promise<R> {
    try {
      return await command;
    } catch (err) {
      if (isTimeout(err) && !this.#hung && !this.#confirming && this.#client.status === 'ready') {
        this.#confirming = true;
        this.#client.ping().then(
          () => (this.#confirming = false),
          (pingErr: unknown) => {
            this.#confirming = false;
            if (!isTimeout(pingErr) || this.#hung || this.#client.status !== 'ready') return;
            this.#hung = true;
            this.#markDown(`no reply within ${this.#timeoutMs} ms`);
            this.#probeUntilAnswered();
          },
        );
      }
      throw err;
    }
  }

  /** PING once a second (each bounded by the operation timeout) until Redis answers again. */
  #probeUntilAnswered(): void {
    if (this.#stopped) return;
    this.#probe = setTimeout(() => {
      this.#client.ping().then(
        () => {
          this.#hung = false;
          if (this.#client.status === 'ready') this.#markUp();
        },
        () => this.#probeUntilAnswered(),
      );
    }, HUNG_PROBE_MS);
    this.#probe.unref();
  }

  #ensureUp(): void {
    if (!this.up) throw new GustError('GUST_CACHE_UNAVAILABLE', 'Redis is not connected');
  }

  #markUp(): void {
    this.#hung = false; // a new connection (or a PING) answered
    clearTimeout(this.#probe);
    this.#onUpChange(true);
    if (this.#inOutage) this.#logger.info('Redis connection restored; cache uses memory and Redis again');
    else this.#logger.debug('Redis connected');
    this.#inOutage = false;
  }

  #markDown(reason: string): void {
    if (this.up) return; // an error event while the connection still works is not an outage
    this.#onUpChange(false);
    if (this.#inOutage || this.#stopped) return;
    this.#inOutage = true;
    this.#logger.warn({ err: reason }, 'Redis unavailable; cache uses memory only until it reconnects');
  }
}

/**
 * An ioredis client that fails fast instead of queueing (also used by src/cluster/): not
 * connected until connect(), no offline queue, a deadline per command, no resends.
 */
export function failFastRedis(url: string, operationTimeoutMs: number): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    commandTimeout: operationTimeoutMs,
    connectTimeout: Math.max(1_000, operationTimeoutMs * 4),
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(RECONNECT_BASE_MS * 2 ** Math.min(attempt - 1, 16), RECONNECT_MAX_MS),
  });
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && /timed out/i.test(err.message);
}

/** Redis MATCH is a glob: a literal prefix must have its metacharacters escaped. */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
