/**
 * L1: an LRU bounded by entry count, with a TTL per entry (lru-cache). Keeps per-cache entry
 * counts and eviction counts current through lru-cache's insert/dispose callbacks, so the
 * metrics never need to walk the keys.
 */
import { LRUCache } from 'lru-cache';

interface Entry {
  cache: string;
  value: unknown;
}

export interface MemoryLayerEvents {
  evicted(cache: string, reason: 'expired' | 'capacity'): void;
}

export class MemoryLayer {
  readonly #lru: LRUCache<string, Entry>;
  readonly #entries = new Map<string, number>();

  constructor(maxEntries: number, defaultTtlMs: number, events: MemoryLayerEvents) {
    this.#lru = new LRUCache<string, Entry>({
      max: maxEntries,
      ttl: defaultTtlMs,
      onInsert: (entry, _key, reason) => {
        if (reason === 'add') this.#entries.set(entry.cache, (this.#entries.get(entry.cache) ?? 0) + 1);
      },
      dispose: (entry, _key, reason) => {
        if (reason === 'set') return; // replaced in place: still one entry
        this.#entries.set(entry.cache, Math.max(0, (this.#entries.get(entry.cache) ?? 0) - 1));
        if (reason === 'evict') events.evicted(entry.cache, 'capacity');
        else if (reason === 'expire') events.evicted(entry.cache, 'expired');
      },
    });
  }

  get(cache: string, key: string): { value: unknown } | undefined {
    const entry = this.#lru.get(fullKey(cache, key));
    return entry ? { value: entry.value } : undefined;
  }

  set(cache: string, key: string, value: unknown, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.#lru.set(fullKey(cache, key), { cache, value }, { ttl: ttlMs });
  }

  delete(cache: string, key: string): boolean {
    return this.#lru.delete(fullKey(cache, key));
  }

  /** Deletes entries whose full key (`cache:key`) starts with `prefix`; returns the deleted keys. */
  clear(prefix: string): string[] {
    const deleted: string[] = [];
    for (const k of [...this.#lru.keys()]) {
      if (k.startsWith(prefix) && this.#lru.delete(k)) deleted.push(k);
    }
    return deleted;
  }

  /** Drops expired entries now (lru-cache removes them lazily), so counts are current. */
  purgeStale(): void {
    this.#lru.purgeStale();
  }

  entries(): ReadonlyMap<string, number> {
    return this.#entries;
  }
}

/** The key both layers use below their own prefix: the cache name keeps users apart. */
export function fullKey(cache: string, key: string): string {
  return `${cache}:${key}`;
}
