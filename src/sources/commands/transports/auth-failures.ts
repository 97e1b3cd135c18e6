/**
 * Failed WebRCON authentications per endpoint over the last AUTH_FAILURE_WINDOW_MS: Rust bans
 * an IP after 5 in 300 s, so a transport stops at AUTH_FAILURE_LIMIT. Agents of one cluster
 * share the count through Redis (they reach the server from the same host or NAT address, and
 * a lease may move between them); each also keeps its own, which decides when Redis cannot be
 * reached.
 */
import type { Redis } from 'ioredis';

export const AUTH_FAILURE_LIMIT = 4;
export const AUTH_FAILURE_WINDOW_MS = 300_000;

export interface AuthFailureLog {
  /** Failure times of `key` (host:port) within the window, oldest first. */
  recent(key: string, now: number): Promise<number[]>;
  record(key: string, at: number): void;
}

/** This process's count; module-wide so a reload that rebuilds a transport keeps it. */
class LocalAuthFailureLog implements AuthFailureLog {
  readonly #failures = new Map<string, number[]>();

  async recent(key: string, now: number): Promise<number[]> {
    const recent = (this.#failures.get(key) ?? []).filter((t) => now - t < AUTH_FAILURE_WINDOW_MS);
    if (recent.length > 0) this.#failures.set(key, recent);
    else this.#failures.delete(key);
    return recent;
  }

  record(key: string, at: number): void {
    this.#failures.set(key, [...(this.#failures.get(key) ?? []), at]);
  }
}

export const localAuthFailures: AuthFailureLog = new LocalAuthFailureLog();

/**
 * The group's count in a sorted set per endpoint (score = failure time); the longer of the
 * shared and the local list decides. A Redis error or timeout leaves the local count.
 */
export function sharedAuthFailures(client: Redis, keyOf: (endpoint: string) => string, member: string): AuthFailureLog {
  return {
    async recent(endpoint, now) {
      const local = await localAuthFailures.recent(endpoint, now);
      try {
        const key = keyOf(endpoint);
        const [, [, times]] = (await client
          .multi()
          .zremrangebyscore(key, '-inf', now - AUTH_FAILURE_WINDOW_MS)
          .zrange(key, 0, -1, 'WITHSCORES')
          .exec()) as [[Error | null, number], [Error | null, string[]]];
        const shared = times.filter((_, i) => i % 2 === 1).map(Number);
        return shared.length > local.length ? shared : local;
      } catch {
        return local;
      }
    },
    record(endpoint, at) {
      localAuthFailures.record(endpoint, at);
      const key = keyOf(endpoint);
      client
        .multi()
        .zadd(key, at, `${at}:${member}:${Math.random().toString(36).slice(2, 8)}`)
        .pexpire(key, AUTH_FAILURE_WINDOW_MS)
        .exec()
        .catch(() => {}); // the local count still holds
    },
  };
}
