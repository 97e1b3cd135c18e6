/**
 * The group's Redis connection: a fail-fast client (no offline queue, a deadline per command)
 * with the group's Lua scripts registered, and the key layout under `cache.redis.key_prefix`:
 *
 *   cluster:members            ZSET member id -> heartbeat expiry (Redis server time, ms)
 *   cluster:members:info       HASH member id -> JSON {address, started_ms, mode}
 *   cluster:lease:<server>     "<epoch>|<member>|<since ms>", SET NX PX lease_ttl
 *   cluster:epoch:<server>     INCR counter (floored at Redis time in µs): the fencing token of each new lease
 *   cluster:result:<server>    "<epoch>|<JSON snapshot>", written only by compare-and-set
 *   cluster:events:<server>    STREAM of the holder's replies for user rules and console lines
 *                              (fields e epoch, m member, k kind, c command, a ms, t text), fenced
 *
 * Times in leases and heartbeats come from Redis (TIME), so members' clocks need not agree.
 */
import type { Redis, Pipeline } from 'ioredis';
import { failFastRedis } from '../cache/redis.ts';

export const SCRIPTS = {
  /** KEYS: members, info; ARGV: id, ttl ms, info JSON. Returns {now ms, id, expiry, info, ...}. */
  clusterHeartbeat: {
    numberOfKeys: 2,
    lua: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if #gone > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('HDEL', KEYS[2], unpack(gone))
end
local live = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = { tostring(now) }
for i = 1, #live, 2 do
  out[#out + 1] = live[i]
  out[#out + 1] = live[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], live[i]) or ''
end
return out`,
  },
  /** KEYS: members, info; ARGV: id. */
  clusterLeave: {
    numberOfKeys: 2,
    lua: `redis.call('ZREM', KEYS[1], ARGV[1]) redis.call('HDEL', KEYS[2], ARGV[1]) return 1`,
  },
  /** KEYS: lease, epoch; ARGV: member, ttl ms. Returns the new epoch, or nil when the lease is held. */
  clusterAcquire: {
    numberOfKeys: 2,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = redis.call('INCR', KEYS[2])
local floor = tonumber(t[1]) * 1000000 + tonumber(t[2])
if epoch < floor then
  -- Floored at Redis time in microseconds (exact below 2^53): epochs keep growing across a
  -- Redis restart that lost the counters.
  epoch = floor
  redis.call('SET', KEYS[2], string.format('%d', epoch))
end
local value = string.format('%d', epoch) .. '|' .. ARGV[1] .. '|' .. string.format('%d', now)
if redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2]) then return value end
return false`,
  },
  /** KEYS: lease; ARGV: the value we set, ttl ms. 1 renewed, 0 lost. */
  clusterRenew: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`,
  },
  /** KEYS: lease; ARGV: the value we set. */
  clusterRelease: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
  },
  /**
   * Fencing: KEYS: result, lease; ARGV: epoch, snapshot JSON, ttl ms. Refuses (0) when the
   * lease or the stored result carries a newer epoch, so a holder that lost its lease
   * (paused process, slow Redis) never overwrites its successor's result.
   */
  clusterPublish: {
    numberOfKeys: 2,
    lua: `
local mine = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if v then
    local e = tonumber(string.match(v, '^(%d+)|'))
    if e and e > mine then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
return 1`,
  },
  /**
   * Fenced append of shared extraction events: KEYS: events stream, epoch counter, lease;
   * ARGV: epoch, member, max length, ttl ms, then (kind, command, ms, text) per event.
   * Refuses (0) once a newer lease was granted (the counter grows with each one); else
   * returns the id of the last entry appended.
   */
  clusterEvents: {
    numberOfKeys: 3,
    lua: `
local mine = tonumber(ARGV[1])
local counter = tonumber(redis.call('GET', KEYS[2]) or '0')
if counter and counter > mine then return 0 end
local lease = redis.call('GET', KEYS[3])
if lease then
  local e = tonumber(string.match(lease, '^(%d+)|'))
  if e and e > mine then return 0 end
end
local id = 0
for i = 5, #ARGV, 4 do
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'e', ARGV[1], 'm', ARGV[2], 'k', ARGV[i], 'c', ARGV[i + 1], 'a', ARGV[i + 2], 't', ARGV[i + 3])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return id`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;
/** ioredis adds defined scripts as methods at run time; this is their typed face. */
export type Scripted<T> = T & Record<ScriptName, ScriptFn>;

export class ClusterKeys {
  readonly members: string;
  readonly info: string;
  readonly #prefix: string;

  constructor(keyPrefix: string) {
    this.#prefix = `${keyPrefix}cluster:`;
    this.members = `${this.#prefix}members`;
    this.info = `${this.#prefix}members:info`;
  }

  lease(server: string): string {
    return `${this.#prefix}lease:${server}`;
  }

  epoch(server: string): string {
    return `${this.#prefix}epoch:${server}`;
  }

  result(server: string): string {
    return `${this.#prefix}result:${server}`;
  }

  events(server: string): string {
    return `${this.#prefix}events:${server}`;
  }

  /** Failed WebRCON authentications of one host:port, shared by the members. */
  authFailures(endpoint: string): string {
    return `${this.#prefix}authfail:${endpoint}`;
  }
}

export interface ClusterRedis {
  client: Scripted<Redis>;
  pipeline(): Scripted<Pipeline>;
  keys: ClusterKeys;
}

export function createClusterRedis(url: string, keyPrefix: string, operationTimeoutMs: number): ClusterRedis {
  const client = failFastRedis(url, operationTimeoutMs);
  for (const [name, def] of Object.entries(SCRIPTS)) client.defineCommand(name, def);
  const scripted = client as Scripted<Redis>;
  return {
    client: scripted,
    pipeline: () => scripted.pipeline() as Scripted<Pipeline>,
    keys: new ClusterKeys(keyPrefix),
  };
}

/** Results of a pipeline, each rethrown if it failed. */
export async function execAll(pipeline: Pipeline): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
