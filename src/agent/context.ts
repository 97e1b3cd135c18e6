import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.ts';
import type { ServerStateStore } from '../state/servers.ts';
import type { Cache } from '../cache/types.ts';
import type { CollectorSet } from '../metrics/collector.ts';
import type { GameCounters } from '../metrics/game.ts';
import type { Extraction } from '../extract/types.ts';

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
