import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.ts';
import { TieredCache } from './tiered.ts';
import type { Cache } from './types.ts';

/**
 * The agent's cache: memory, plus Redis when `cache.redis` is configured. Settings apply at
 * start; a reload does not rebuild the cache (its entries and connection survive reloads).
 */
export function createCache(config: Config, registry: Registry, logger: Logger): Cache {
  const { ttl, max_entries, redis } = config.cache;
  return new TieredCache(
    {
      maxEntries: max_entries,
      ttlMs: ttl,
      ...(redis ? { redis: { url: redis.url, keyPrefix: redis.key_prefix, operationTimeoutMs: redis.operation_timeout } } : {}),
    },
    registry,
    logger,
  );
}
