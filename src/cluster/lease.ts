/**
 * Per-server leases: SET NX PX with a fresh INCR epoch (the fencing token), renewed by
 * compare-and-expire, released by compare-and-delete. Only the holder of a server's lease
 * runs its commands and queries.
 */
import { execAll, type ClusterRedis } from './redis.ts';

export interface Lease {
  /** The stored value "<epoch>|<member>|<since ms>": renewals and releases compare it. */
  value: string;
  epoch: number;
  member: string;
  /** Redis time (ms) when the lease was taken. */
  sinceMs: number;
}

export function parseLease(value: string): Lease | undefined {
  const [epoch, member, since] = value.split('|');
  if (!epoch || member === undefined || since === undefined) return undefined;
  return { value, epoch: Number(epoch), member, sinceMs: Number(since) };
}

/** Current leases of `servers` (one MGET). */
export async function readLeases(redis: ClusterRedis, servers: readonly string[]): Promise<Map<string, Lease>> {
  const out = new Map<string, Lease>();
  if (servers.length === 0) return out;
  const values = await redis.client.mget(servers.map((s) => redis.keys.lease(s)));
  values.forEach((v, i) => {
    const lease = v === null ? undefined : parseLease(v);
    if (lease) out.set(servers[i]!, lease);
  });
  return out;
}

export interface LeaseChanges {
  renew: Map<string, Lease>;
  release: Map<string, Lease>;
  acquire: string[];
}

export interface LeaseOutcome {
  renewed: string[];
  /** Renewal refused: the lease expired or another member took it. */
  lost: string[];
  acquired: Map<string, Lease>;
}

/** Renewals, releases and acquisitions in one round trip. */
export async function applyLeaseChanges(redis: ClusterRedis, member: string, ttlMs: number, changes: LeaseChanges): Promise<LeaseOutcome> {
  const p = redis.pipeline();
  const renew = [...changes.renew];
  for (const [server, lease] of renew) p.clusterRenew(redis.keys.lease(server), lease.value, ttlMs);
  for (const [server, lease] of changes.release) p.clusterRelease(redis.keys.lease(server), lease.value);
  for (const server of changes.acquire) p.clusterAcquire(redis.keys.lease(server), redis.keys.epoch(server), member, ttlMs);
  const results = await execAll(p);
  const outcome: LeaseOutcome = { renewed: [], lost: [], acquired: new Map() };
  renew.forEach(([server], i) => (Number(results[i]) === 1 ? outcome.renewed : outcome.lost).push(server));
  const base = renew.length + changes.release.size;
  changes.acquire.forEach((server, i) => {
    const value = results[base + i];
    const lease = typeof value === 'string' ? parseLease(value) : undefined;
    if (lease) outcome.acquired.set(server, lease);
  });
  return outcome;
}

/** Gives every lease back (a clean stop), so others take over at once instead of after lease_ttl. */
export async function releaseAll(redis: ClusterRedis, leases: ReadonlyMap<string, Lease>): Promise<void> {
  if (leases.size === 0) return;
  const p = redis.pipeline();
  for (const [server, lease] of leases) p.clusterRelease(redis.keys.lease(server), lease.value);
  await execAll(p);
}
