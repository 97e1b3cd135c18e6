/**
 * The result store: a lease holder publishes what its probes learned about a server, tagged
 * with the lease's epoch; the other members read it and export the same series. Writes are
 * compare-and-set on the epoch (Lua, see redis.ts), so a holder that lost its lease cannot
 * overwrite a newer holder's result.
 */
import type { ProbeSnapshot } from '../state/servers.ts';
import { execAll, type ClusterRedis } from './redis.ts';

export interface StoredResult {
  epoch: number;
  member: string;
  snapshot: ProbeSnapshot;
}

export interface Publication {
  server: string;
  epoch: number;
  member: string;
  snapshot: ProbeSnapshot;
}

/** Publishes in one round trip; returns the servers whose write was refused as stale. */
export async function publishResults(redis: ClusterRedis, publications: readonly Publication[], ttlMs: number): Promise<string[]> {
  if (publications.length === 0) return [];
  const p = redis.pipeline();
  for (const { server, epoch, member, snapshot } of publications) {
    p.clusterPublish(redis.keys.result(server), redis.keys.lease(server), epoch, JSON.stringify({ member, snapshot }), ttlMs);
  }
  const results = await execAll(p);
  return publications.filter((_, i) => Number(results[i]) !== 1).map((pub) => pub.server);
}

export async function readResults(redis: ClusterRedis, servers: readonly string[]): Promise<Map<string, StoredResult>> {
  const out = new Map<string, StoredResult>();
  if (servers.length === 0) return out;
  const values = await redis.client.mget(servers.map((s) => redis.keys.result(s)));
  values.forEach((v, i) => {
    const result = v === null ? undefined : parseResult(v);
    if (result) out.set(servers[i]!, result);
  });
  return out;
}

export function parseResult(value: string): StoredResult | undefined {
  const bar = value.indexOf('|');
  if (bar < 1) return undefined;
  try {
    const body = JSON.parse(value.slice(bar + 1)) as { member: string; snapshot: ProbeSnapshot };
    return { epoch: Number(value.slice(0, bar)), member: body.member, snapshot: body.snapshot };
  } catch {
    return undefined; // a value written by something else: ignore it, the holder rewrites it
  }
}
