/**
 * Member announcement: each heartbeat puts this member in the group's sorted set with an
 * expiry (Redis server time + member_ttl) and its details in a hash, drops members whose
 * expiry passed, and returns who is live. A member that stops heartbeating (SIGKILL, lost
 * network) leaves the group by itself after member_ttl.
 */
import type { ClusterRedis } from './redis.ts';

export interface Member {
  id: string;
  address: string;
  mode: string;
  startedMs: number;
  /** Redis time (ms) when the member's announcement expires. */
  expiresMs: number;
}

export interface Self {
  id: string;
  address: string;
  mode: string;
  startedMs: number;
}

export interface Heartbeat {
  /** Redis server time (ms). */
  nowMs: number;
  /** Live members sorted by id, this one included. */
  members: Member[];
}

export async function heartbeat(redis: ClusterRedis, self: Self, memberTtlMs: number): Promise<Heartbeat> {
  const info = JSON.stringify({ address: self.address, mode: self.mode, started_ms: self.startedMs });
  const raw = (await redis.client.clusterHeartbeat(redis.keys.members, redis.keys.info, self.id, memberTtlMs, info)) as string[];
  const members: Member[] = [];
  for (let i = 1; i + 2 < raw.length; i += 3) {
    const details = parseInfo(raw[i + 2]!);
    members.push({ id: raw[i]!, expiresMs: Number(raw[i + 1]), ...details });
  }
  members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { nowMs: Number(raw[0]), members };
}

export async function leave(redis: ClusterRedis, id: string): Promise<void> {
  await redis.client.clusterLeave(redis.keys.members, redis.keys.info, id);
}

function parseInfo(text: string): { address: string; mode: string; startedMs: number } {
  try {
    const o = JSON.parse(text) as { address?: unknown; mode?: unknown; started_ms?: unknown };
    return { address: String(o.address ?? ''), mode: String(o.mode ?? ''), startedMs: Number(o.started_ms ?? 0) };
  } catch {
    return { address: '', mode: '', startedMs: 0 };
  }
}
