import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.ts';
import type { ServerStateStore } from '../state/servers.ts';
import type { Cache } from '../cache/types.ts';
import type { CollectorSet } from '../metrics/collector.ts';
import type { GameCounters } from '../metrics/game.ts';
import type { Extraction } from '../extract/types.ts';
import type { ClusterView } from '../cluster/coordinator.ts';

export interface RefreshResult {
  ok: boolean;
  results: Array<{ command: string; ok: boolean; error?: string }>;
}

/**
 * Answers the API needs from components without importing them: a component registers its
 * provider here on start and removes it on stop. Per agent, so several agents can share a
 * process (tests, benchmarks).
 */
export interface AgentProviders {
  /** Active alerts of the in-agent evaluator (GET /api/v1/alerts). */
  alerts?: () => unknown[];
  /** Run a server's configured commands now (POST /api/v1/servers/:id/refresh); undefined for an unknown server. */
  refresh?: (serverId: string) => Promise<RefreshResult | undefined>;
  /** Where a discovered server was found; undefined for configured servers. */
  discovered?: (serverId: string) => { source: string; from: string; problems: string[] } | undefined;
}

/** What every component gets from the agent (composition root). */
export interface AgentContext {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly collectors: CollectorSet;
  readonly state: ServerStateStore;
  readonly cache: Cache;
  /** Section A counters fed by logs and commands (snapshotted with log offsets). */
  readonly counters: GameCounters;
  /** Turns log lines, console streams and command replies into metrics. */
  readonly extraction: Extraction;
  readonly providers: AgentProviders;
  /** Set when `cluster:` is configured: which servers this member polls and exports. */
  readonly cluster?: ClusterView;
  /** Current config; replaced on reload (components receive the new one in reload()). */
  config: Config;
}

/**
 * A long-lived part of the agent: a source (logs, commands, query, host), the cache, the
 * alert evaluator. start() must not throw for one broken server or file: it reports the
 * problem in metrics and logs and keeps running the rest.
 */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Stop timers and sockets, flush state. Must finish well within the 10 s shutdown budget. */
  stop(): Promise<void>;
  /** Apply a new, already validated config without losing state (offsets, counters). */
  reload?(config: Config): Promise<void>;
}
