import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.ts';
import type { Cache, CacheHit } from './types.ts';

/** Placeholder memory-only cache until the tiered cache lands (issue 5). */
export function createCache(config: Config, _registry: Registry, _logger: Logger): Cache {
  const lru = new LRUCache<string, { v: unknown }>({ max: config.cache.max_entries, ttl: config.cache.ttl });
  return {
    async get<T>(cache: string, key: string): Promise<CacheHit<T> | undefined> {
      const e = lru.get(`${cache}:${key}`);
      return e ? { value: e.v as T, layer: 'memory' } : undefined;
    },
    async set<T>(cache: string, key: string, value: T, ttlMs?: number) {
      lru.set(`${cache}:${key}`, { v: value }, ttlMs ? { ttl: ttlMs } : undefined);
    },
    async clear(prefix?: string) {
      let n = 0;
      for (const k of [...lru.keys()]) if (!prefix || k.startsWith(prefix)) n += Number(lru.delete(k));
      return n;
    },
    async start() {},
    async stop() {},
  };
}
