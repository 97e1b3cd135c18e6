import { Counter, Gauge, type Registry } from 'prom-client';

export const LEASE_LOSS_REASONS = ['taken', 'released', 'fenced', 'outage'] as const;
export type LeaseLossReason = (typeof LEASE_LOSS_REASONS)[number];

/** Series of agents working as a group (src/cluster/); registered only when `cluster:` is configured. */
/** `collectAges` refreshes gust_cluster_result_age_seconds whenever it is read (scrape or in-agent alerts). */
export function createClusterMetrics(registry: Registry, collectAges: () => void) {
  const registers = [registry];
  const metrics = {
    members: new Gauge({ name: 'gust_cluster_members', help: 'Live members of the group as this member last saw them in Redis.', registers }),
    membersExpected: new Gauge({ name: 'gust_cluster_members_expected', help: 'Members the group should have (cluster.expected_members; 0 = no expectation).', registers }),
    servers: new Gauge({ name: 'gust_cluster_servers', help: 'Servers with commands or queries, shared out by leases.', registers }),
    leasesHeld: new Gauge({ name: 'gust_cluster_leases_held', help: 'Server leases this member holds: the servers it polls.', registers }),
    acquisitions: new Counter({ name: 'gust_cluster_lease_acquisitions_total', help: 'Server leases this member took.', registers }),
    losses: new Counter({ name: 'gust_cluster_lease_losses_total', help: 'Server leases this member stopped holding, by reason.', labelNames: ['reason'], registers }),
    fencedWrites: new Counter({ name: 'gust_cluster_fenced_writes_total', help: 'Result writes and shared-event appends refused because a newer lease epoch exists (this member had lost the lease).', registers }),
    fallback: new Gauge({ name: 'gust_cluster_fallback', help: '1 while Redis is unreachable and this member polls alone (replicate: every server; shard: its last share).', registers }),
    fallbacks: new Counter({ name: 'gust_cluster_fallbacks_total', help: 'Times this member lost Redis and fell back to polling alone.', registers }),
    resultAge: new Gauge({ name: 'gust_cluster_result_age_seconds', help: 'Age of the latest probe result this member has for a server (read from Redis unless it polls the server itself).', labelNames: ['server'], registers, collect: collectAges }),
  };
  for (const reason of LEASE_LOSS_REASONS) metrics.losses.inc({ reason }, 0);
  return metrics;
}
export type ClusterMetrics = ReturnType<typeof createClusterMetrics>;
