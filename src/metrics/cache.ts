import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Backend latency: memory answers in microseconds, Redis in about a millisecond on loopback. */
export const CACHE_BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export const CACHE_OPERATIONS = ['get', 'set', 'delete', 'clear'] as const;
export type CacheOperation = (typeof CACHE_OPERATIONS)[number];

/**
 * CATALOGUE section E. `cache` is a fixed name chosen by the caller (bounded).
 * `collectEntries` refreshes gust_cache_entries on each scrape (it must not throw).
 * gust_redis_up exists only when Redis is configured, so `gust_redis_up == 0` (GustRedisDown)
 * means "configured and unreachable", never "not configured".
 */
export function createCacheMetrics(registry: Registry, collectEntries: () => Promise<void>, options: { redis: boolean }) {
  const registers = [registry];
  return {
    hits: new Counter({ name: 'gust_cache_hits_total', help: 'Cache lookups answered, by the layer that had the entry.', labelNames: ['cache', 'layer'], registers }),
    misses: new Counter({ name: 'gust_cache_misses_total', help: 'Cache lookups that no layer could answer.', labelNames: ['cache'], registers }),
    entries: new Gauge({ name: 'gust_cache_entries', help: 'Entries held, by layer (Redis counted by a periodic SCAN).', labelNames: ['cache', 'layer'], registers, collect: collectEntries }),
    evictions: new Counter({ name: 'gust_cache_evictions_total', help: 'Memory-layer entries removed by expiry or by the size bound.', labelNames: ['cache', 'reason'], registers }),
    duration: new Histogram({ name: 'gust_cache_operation_duration_seconds', help: 'Duration of cache backend operations.', labelNames: ['layer', 'operation'], buckets: CACHE_BUCKETS, registers }),
    errors: new Counter({ name: 'gust_cache_errors_total', help: 'Failed cache backend operations (timeouts, connection errors, undecodable values).', labelNames: ['layer'], registers }),
    redisUp: new Gauge({ name: 'gust_redis_up', help: 'Whether the configured Redis cache layer is reachable.', registers: options.redis ? registers : [] }),
  };
}
export type CacheMetrics = ReturnType<typeof createCacheMetrics>;
