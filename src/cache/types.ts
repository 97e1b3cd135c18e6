/**
 * The agent's cache of command/query results and API answers. Names (`cache` label) keep
 * the hit/miss statistics of different users apart; layers are memory (L1) and Redis (L2).
 */
export type CacheLayer = 'memory' | 'redis';

export interface CacheHit<T> {
  value: T;
  layer: CacheLayer;
}

export interface Cache {
  /** L1, then L2 (filling L1). Never rejects: a broken layer counts as a miss. */
  get<T>(cache: string, key: string): Promise<CacheHit<T> | undefined>;
  /** Writes both layers; TTL defaults to cache.ttl. Never rejects. */
  set<T>(cache: string, key: string, value: T, ttlMs?: number): Promise<void>;
  /** Deletes entries whose full key starts with `prefix` (all when omitted); returns how many. */
  clear(prefix?: string): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
