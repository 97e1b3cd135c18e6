/**
 * Memory (L1) in front of Redis (L2). Reads try L1, then L2 (filling L1 with the remaining
 * TTL); writes go to both. Redis trouble never reaches the caller: a failed or skipped L2
 * operation counts in gust_cache_errors_total and the answer comes from memory alone.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../errors.ts';
import type { Registry } from 'prom-client';
import { createCacheMetrics, type CacheMetrics, type CacheOperation } from '../metrics/cache.ts';
import { MemoryLayer, fullKey } from './memory.ts';
import type { RedisLayer } from './redis.ts';
import type { Cache, CacheHit, CacheLayer, CacheNameStats, CacheStats } from './types.ts';

export interface TieredCacheOptions {
  maxEntries: number;
  ttlMs: number;
  redis?: { url: string; keyPrefix: string; operationTimeoutMs: number };
}

/** Redis key counts (a SCAN) are refreshed at most this often, started by a scrape or stats(). */
const REDIS_COUNT_INTERVAL_MS = 10_000;

interface Tally {
  hits: Record<CacheLayer, number>;
  misses: number;
  evictions: { expired: number; capacity: number };
}

export class TieredCache implements Cache {
  readonly #options: TieredCacheOptions;
  readonly #metrics: CacheMetrics;
  readonly #logger: Logger;
  readonly #memory: MemoryLayer;
  /** Created by start(): ioredis is only loaded when Redis is configured. */
  #redis: RedisLayer | undefined;
  #stopped = false;
  readonly #tallies = new Map<string, Tally>();
  #redisCounts = new Map<string, number>();
  #redisCountedAt = 0;
  #redisCounting: Promise<void> | undefined;

  constructor(options: TieredCacheOptions, registry: Registry, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
    // Entry gauges are refreshed when scraped; #refreshEntryGauges never throws.
    const metrics = createCacheMetrics(registry, () => this.#refreshEntryGauges(), { redis: options.redis !== undefined });
    this.#metrics = metrics;
    this.#memory = new MemoryLayer(options.maxEntries, options.ttlMs, {
      evicted: (cache, reason) => {
        this.#tally(cache).evictions[reason]++;
        metrics.evictions.inc({ cache, reason });
      },
    });
    metrics.errors.inc({ layer: 'memory' }, 0); // present (and 0) without Redis too
    if (options.redis) {
      metrics.redisUp.set(0);
      metrics.errors.inc({ layer: 'redis' }, 0);
    }
  }

  async start(): Promise<void> {
    const redis = this.#options.redis;
    if (!redis) return;
    const { RedisLayer } = await import('./redis.ts');
    if (this.#stopped) return; // stopped while loading: never open a connection nobody closes
    const metrics = this.#metrics;
    this.#redis = new RedisLayer({ ...redis, logger: this.#logger, onUpChange: (up) => metrics.redisUp.set(up ? 1 : 0) });
    await this.#redis.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#redis?.stop();
  }

  async get<T>(cache: string, key: string): Promise<CacheHit<T> | undefined> {
    const tally = this.#tally(cache);
    const fromMemory = this.#timed('memory', 'get', () => this.#memory.get(cache, key));
    if (fromMemory) {
      tally.hits.memory++;
      this.#metrics.hits.inc({ cache, layer: 'memory' });
      return { value: fromMemory.value as T, layer: 'memory' };
    }
    const fromRedis = await this.#redisOp('get', (redis) => redis.get(fullKey(cache, key)));
    if (fromRedis) {
      this.#memory.set(cache, key, fromRedis.value, Math.min(fromRedis.ttlMs, this.#options.ttlMs));
      tally.hits.redis++;
      this.#metrics.hits.inc({ cache, layer: 'redis' });
      return { value: fromRedis.value as T, layer: 'redis' };
    }
    tally.misses++;
    this.#metrics.misses.inc({ cache });
    return undefined;
  }

  async set<T>(cache: string, key: string, value: T, ttlMs = this.#options.ttlMs): Promise<void> {
    this.#tally(cache);
    this.#timed('memory', 'set', () => this.#memory.set(cache, key, value, ttlMs));
    if (ttlMs > 0) await this.#redisOp('set', (redis) => redis.set(fullKey(cache, key), value, ttlMs));
  }

  async delete(cache: string, key: string): Promise<void> {
    this.#timed('memory', 'delete', () => this.#memory.delete(cache, key));
    await this.#redisOp('delete', (redis) => redis.delete(fullKey(cache, key)));
  }

  async clear(prefix = ''): Promise<number> {
    const deleted = new Set(this.#timed('memory', 'clear', () => this.#memory.clear(prefix)));
    const fromRedis = await this.#redisOp('clear', (redis) => redis.clear(prefix));
    for (const k of fromRedis ?? []) deleted.add(k);
    this.#redisCountedAt = 0; // counts changed: recount on next read
    return deleted.size;
  }

  async stats(): Promise<CacheStats> {
    await this.#refreshEntryGauges(true);
    const memoryEntries = this.#memory.entries();
    const names = new Set([...this.#tallies.keys(), ...memoryEntries.keys(), ...this.#redisCounts.keys()]);
    const caches: Record<string, CacheNameStats> = {};
    let hits = 0;
    let misses = 0;
    for (const name of [...names].sort()) {
      const t = this.#tally(name);
      const h = t.hits.memory + t.hits.redis;
      hits += h;
      misses += t.misses;
      caches[name] = {
        hits: { ...t.hits },
        misses: t.misses,
        hitRatio: ratio(h, t.misses),
        entries: { memory: memoryEntries.get(name) ?? 0, ...(this.#options.redis ? { redis: this.#redisCounts.get(name) ?? 0 } : {}) },
        evictions: { ...t.evictions },
      };
    }
    return {
      redis: { configured: this.#options.redis !== undefined, up: this.#redis?.up ?? false },
      totals: { hits, misses, hitRatio: ratio(hits, misses) },
      caches,
    };
  }

  /** Statistics of one cache name, created (with zeroed series) on first use. */
  #tally(cache: string): Tally {
    let t = this.#tallies.get(cache);
    if (!t) {
      t = { hits: { memory: 0, redis: 0 }, misses: 0, evictions: { expired: 0, capacity: 0 } };
      this.#tallies.set(cache, t);
      this.#metrics.hits.inc({ cache, layer: 'memory' }, 0);
      if (this.#options.redis) this.#metrics.hits.inc({ cache, layer: 'redis' }, 0);
      this.#metrics.misses.inc({ cache }, 0);
      this.#metrics.evictions.inc({ cache, reason: 'expired' }, 0);
      this.#metrics.evictions.inc({ cache, reason: 'capacity' }, 0);
    }
    return t;
  }

  /** `wait`: the API's stats wait for a due recount (bounded by the operation timeout); scrapes do not. */
  async #refreshEntryGauges(wait = false): Promise<void> {
    this.#memory.purgeStale();
    for (const [cache, n] of this.#memory.entries()) this.#metrics.entries.set({ cache, layer: 'memory' }, n);
    if (!this.#redis) return;
    // A scrape never waits on Redis: it starts a recount when one is due and shows the last counts.
    if (this.#redis.up && Date.now() - this.#redisCountedAt >= REDIS_COUNT_INTERVAL_MS) {
      this.#redisCounting ??= this.#countRedis().finally(() => {
        this.#redisCounting = undefined;
      });
    }
    if (wait) await this.#redisCounting;
    for (const cache of this.#tallies.keys()) if (!this.#redisCounts.has(cache)) this.#metrics.entries.set({ cache, layer: 'redis' }, 0);
    for (const [cache, n] of this.#redisCounts) this.#metrics.entries.set({ cache, layer: 'redis' }, n);
  }

  async #countRedis(): Promise<void> {
    const counts = await this.#redisOp('count', (redis) => redis.countByCache());
    if (!counts) return;
    this.#redisCounts = counts;
    this.#redisCountedAt = Date.now();
  }

  #timed<R>(layer: CacheLayer, operation: CacheOperation, fn: () => R): R {
    const end = this.#metrics.duration.startTimer({ layer, operation });
    try {
      return fn();
    } finally {
      end();
    }
  }

  /** Runs an L2 operation when Redis is connected; failures are counted and become undefined. */
  async #redisOp<R>(operation: CacheOperation | 'count', fn: (redis: RedisLayer) => Promise<R>): Promise<R | undefined> {
    const redis = this.#redis;
    if (!redis?.up) return undefined; // down: memory answers; the outage was logged once
    const end = operation === 'count' ? undefined : this.#metrics.duration.startTimer({ layer: 'redis', operation });
    try {
      return await fn(redis);
    } catch (err) {
      this.#metrics.errors.inc({ layer: 'redis' });
      this.#logger.debug({ operation, err: errorMessage(err) }, 'Redis cache operation failed');
      return undefined;
    } finally {
      end?.();
    }
  }
}

function ratio(hits: number, misses: number): number | null {
  return hits + misses === 0 ? null : hits / (hits + misses);
}
