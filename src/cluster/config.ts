/**
 * The `cluster:` section's rules that span other sections, and its defaults that depend on
 * the machine (member id, announced address).
 */
import { hostname } from 'node:os';
import type { ClusterConfig, Config } from '../config/schema.ts';
import { formatDuration } from '../config/units.ts';

type At = (keyPath: Array<string | number>, message: string) => void;

export function checkCluster(config: Config, cluster: ClusterConfig, at: At): void {
  if (!config.cache.redis) at(['cluster'], 'needs cache.redis: the members of a group share its Redis and key_prefix');
  const d = formatDuration;
  if (cluster.member_ttl < 2 * cluster.heartbeat) {
    at(['cluster', 'member_ttl'], `must be at least twice cluster.heartbeat (${d(cluster.heartbeat)}), or one late heartbeat drops a live member, got ${d(cluster.member_ttl)}`);
  }
  if (cluster.lease_ttl < 2 * cluster.heartbeat) {
    at(['cluster', 'lease_ttl'], `must be at least twice cluster.heartbeat (${d(cluster.heartbeat)}): leases are renewed once per heartbeat, got ${d(cluster.lease_ttl)}`);
  }
  if (cluster.lease_ttl > config.auto_commands.interval) {
    at(['cluster', 'lease_ttl'], `must not exceed auto_commands.interval (${d(config.auto_commands.interval)}) so a dead holder's servers are polled again within two intervals, got ${d(cluster.lease_ttl)}`);
  }
}

export function memberId(cluster: ClusterConfig): string {
  return cluster.member_id ?? hostname();
}

export function advertiseUrl(cluster: ClusterConfig, listenPort: number): string {
  return cluster.advertise_url ?? `http://${hostname()}:${listenPort}`;
}
