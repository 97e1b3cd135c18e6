/**
 * Agents working as a group through Redis (`cluster:`): the component that runs this
 * member's coordinator, and the view the sources and collectors consult. Created only when
 * the section is configured at start; a reload applies the new timings, mode and
 * expected_members, while the Redis connection and the member id stay as they were at start.
 */
import type { AgentContext, Component } from '../agent/context.ts';
import { createClusterMetrics } from '../metrics/cluster.ts';
import { advertiseUrl, memberId } from './config.ts';
import { Coordinator, type ClusterView } from './coordinator.ts';
import { createClusterRedis } from './redis.ts';

export type { ClusterView, ClusterStatus } from './coordinator.ts';

/** start() waits this long for a first connection; past it the member starts in fallback. */
const CONNECT_WAIT_MS = 1_000;

export interface Cluster extends Component {
  view: ClusterView;
}

/** `listenPort`: the bound port, known only once the HTTP server listens (for the default address). */
export function createCluster(ctx: AgentContext, listenPort: () => number): Cluster | undefined {
  const cluster = ctx.config.cluster;
  const redisConfig = ctx.config.cache.redis;
  if (!cluster || !redisConfig) return undefined; // validation requires cache.redis with cluster
  const redis = createClusterRedis(redisConfig.url, redisConfig.key_prefix, redisConfig.operation_timeout);
  const logger = ctx.logger.child({ component: 'cluster' });
  // The URL may carry a password: log the message only.
  redis.client.on('error', (err: Error) => logger.debug({ err: err.message }, 'cluster Redis connection error'));
  const self = { id: memberId(cluster), address: '', mode: cluster.mode, startedMs: Date.now() };
  let aged = new Set<string>();
  const collectAges = (): void => {
    const now = Date.now();
    const seen = new Set<string>();
    for (const server of ctx.state.list()) {
      if (!coordinator.leasable.has(server.id) || !coordinator.exports(server.id)) continue;
      seen.add(server.id);
      // Never probed yet: count from this member's start, so a server nobody polls still ages.
      const at = ctx.state.probeSnapshot(server.id)?.atMs || self.startedMs;
      metrics.resultAge.set({ server: server.id }, Math.max(0, now - at) / 1000);
    }
    for (const server of aged) if (!seen.has(server)) metrics.resultAge.remove({ server });
    aged = seen;
  };
  const metrics = createClusterMetrics(ctx.registry, collectAges);
  const coordinator = new Coordinator({ redis, self, config: () => ctx.config, state: ctx.state, extraction: ctx.extraction, metrics, logger });

  return {
    name: 'cluster',
    view: coordinator,
    async start() {
      self.address = advertiseUrl(cluster, listenPort());
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        redis.client.connect().catch(() => {}), // reconnects continue in the background
        new Promise<void>((resolve) => (timer = setTimeout(resolve, CONNECT_WAIT_MS))),
      ]);
      clearTimeout(timer);
      logger.info({ member: self.id, mode: cluster.mode, address: self.address }, 'joining the cluster');
      await coordinator.start();
    },
    async stop() {
      await coordinator.stop();
      redis.client.disconnect();
    },
    async reload() {
      coordinator.reload();
    },
  };
}
