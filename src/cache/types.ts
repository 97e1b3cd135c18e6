/**
 * The agent's cache of command/query results and API answers. Names (`cache` label) keep
 * the hit/miss statistics of different users apart; layers are memory (L1) and Redis (L2).
 * Cache names are fixed words chosen in code (bounded label values) and contain no ':'.
 * Values must be JSON-serialisable; treat values returned from the memory layer as immutable.
 */
export type CacheLayer = 'memory' | 'redis';

export interface CacheHit<T> {
  value: T;
  layer: CacheLayer;
}

export interface CacheNameStats {
  hits: Record<CacheLayer, number>;
  misses: number;
  /** hits / (hits + misses); null before the first lookup. */
  hitRatio: number | null;
  entries: { memory: number; redis?: number };
  evictions: { expired: number; capacity: number };
}

export interface CacheStats {
  redis: { configured: boolean; up: boolean };
  totals: { hits: number; misses: number; hitRatio: number | null };
  caches: Record<string, CacheNameStats>;
}

export interface Cache {
  /** L1, then L2 (filling L1). Never rejects: a broken layer counts as a miss. */
  get<T>(cache: string, key: string): Promise<CacheHit<T> | undefined>;
  /** Writes both layers; TTL defaults to cache.ttl. Never rejects. */
  set<T>(cache: string, key: string, value: T, ttlMs?: number): Promise<void>;
  /** Deletes one entry from both layers. Never rejects. */
  delete(cache: string, key: string): Promise<void>;
  /** Deletes entries whose full key (`cache:key`) starts with `prefix` (all when omitted); returns how many distinct keys. Never rejects. */
  clear(prefix?: string): Promise<number>;
  /** Counters kept in process (not parsed from /metrics) plus entry counts per layer. */
  stats(): Promise<CacheStats>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
