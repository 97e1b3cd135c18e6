/**
 * CATALOGUE section A: game-server state. Gauges are refreshed from the ServerStateStore on
 * every scrape; counters (restarts, joins, leaves, log events, sessions) are incremented by
 * the sources and snapshotted with the log offsets so they survive restarts.
 */
import type { Registry } from 'prom-client';
import type { ServerConfig } from '../config/schema.ts';
import { BUILTIN_RULES } from '../extract/builtin/index.ts';
import type { RuleSetCounts } from '../extract/rules.ts';
import { LOG_EVENTS } from '../extract/events.ts';
import { FastCounter, FastGauge, FastHistogram } from './fast.ts';
import { hasConsoleStream } from './commands.ts';
import type { ServerStateStore, ObservationKey } from '../state/servers.ts';
import { SOURCES, type Source } from '../state/servers.ts';
import type { Collector } from './collector.ts';

export const SESSION_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400];

export function createGameCounters(registry: Registry) {
  const registers = [registry];
  return {
    restarts: new FastCounter({ name: 'gust_server_restarts_total', help: 'Game server restarts or crashes seen in logs or as an uptime reset.', labelNames: ['server'], registers }),
    joins: new FastCounter({ name: 'gust_player_joins_total', help: 'Player joins seen in logs.', labelNames: ['server'], registers }),
    leaves: new FastCounter({ name: 'gust_player_leaves_total', help: 'Player leaves seen in logs.', labelNames: ['server'], registers }),
    logEvents: new FastCounter({ name: 'gust_log_events_total', help: 'Game log events by kind.', labelNames: ['server', 'event'], registers }),
    sessions: new FastHistogram({ name: 'gust_player_session_duration_seconds', help: 'Player session length from join/leave pairs.', labelNames: ['server'], buckets: SESSION_BUCKETS, registers }),
  };
}
export type GameCounters = ReturnType<typeof createGameCounters>;

/** The parts of a server's config that decide which section A counters it can move. */
export type GameCountsConfig = Pick<ServerConfig, 'game' | 'logs' | 'rcon' | 'commands'>;

/**
 * What a server's configuration lets the section A counters count: events, joins and leaves
 * from the built-in rule sets of its log files (a file's `game:`, else the server's) and of its
 * WebRCON console stream. Restarts for every server whose logs or commands are read (a log
 * line, or an uptime reset a command reports; GustServerRestarted watches them). A query-only
 * server counts nothing here.
 */
export function gameCountsOf(server: GameCountsConfig): RuleSetCounts & { restarts: boolean } {
  const games = new Set(server.logs.map((log) => log.game ?? server.game));
  if (hasConsoleStream(server)) games.add(server.game);
  const sets = [...games].map((game) => BUILTIN_RULES[game].counts);
  return {
    events: LOG_EVENTS.filter((event) => sets.some((set) => set.events.includes(event))),
    players: sets.some((set) => set.players),
    restarts: server.logs.length > 0 || server.commands.length > 0,
  };
}

/** What `gameCountsOf` reads, as one string: equal strings, equal label sets. */
function countsInputs(server: GameCountsConfig): string {
  return `${server.game} ${hasConsoleStream(server)} ${server.commands.length > 0} ${server.logs.map((log) => log.game ?? server.game).join(' ')}`;
}

/**
 * Start at 0 the label sets a server's configuration can move (CONVENTIONS: a label set that
 * can occur starts at 0), and only those: every server used to carry all eight log events, and
 * a query-only server joins and leaves it can never see. Idempotent (a reload calls it again,
 * with the running config as `previous`: nothing to do when the label sets stay the same).
 */
export function initGameCounters(counters: GameCounters, server: ServerConfig, previous?: ServerConfig): void {
  // A reload of hundreds of unchanged servers must not stall scrapes on label hashing.
  if (previous && countsInputs(previous) === countsInputs(server)) return;
  const labels = { server: server.id };
  const counts = gameCountsOf(server);
  if (counts.restarts) counters.restarts.inc(labels, 0);
  if (counts.players) {
    counters.joins.inc(labels, 0);
    counters.leaves.inc(labels, 0);
  }
  for (const event of counts.events) counters.logEvents.inc({ ...labels, event }, 0);
}

export function removeGameCounters(counters: GameCounters, server: string): void {
  counters.restarts.remove({ server });
  counters.joins.remove({ server });
  counters.leaves.remove({ server });
  counters.sessions.remove({ server });
  for (const event of LOG_EVENTS) counters.logEvents.remove({ server, event });
}

const GAUGE_FIELDS: Array<[ObservationKey, string, string]> = [
  ['playersOnline', 'gust_players_online', 'Players online.'],
  ['playersMax', 'gust_players_max', 'Player slots.'],
  ['playersQueued', 'gust_players_queued', 'Players waiting in the queue.'],
  ['playersJoining', 'gust_players_joining', 'Players currently joining.'],
  ['tickRateHz', 'gust_server_tick_rate_hertz', 'Server frame or tick rate reported by the game.'],
  ['entities', 'gust_server_entities', 'Entity count reported by the game.'],
  ['memoryBytes', 'gust_server_memory_bytes', 'Memory used as reported by the game.'],
  ['networkReceiveBytesPerSecond', 'gust_server_network_receive_bytes_per_second', 'Network receive rate reported by the game.'],
  ['networkTransmitBytesPerSecond', 'gust_server_network_transmit_bytes_per_second', 'Network transmit rate reported by the game.'],
  ['startTimeSeconds', 'gust_server_start_time_seconds', 'Unix time the game server started (from its reported uptime).'],
  ['restarting', 'gust_server_restarting', '1 while the game server announces a restart.'],
  ['lastSaveTimestampSeconds', 'gust_server_last_save_timestamp_seconds', 'Unix time of the last world save.'],
];

export interface GameStateCollectorOptions {
  /** Values older than this are not exported (unknown, not stale-as-fresh). */
  staleAfterMs: () => number;
  /** In a sharded group, only the servers this member polls are exported (default: all). */
  exports?: (server: string) => boolean;
}

/**
 * Exposes the state store. Series of a server that stops answering keep their labels:
 * up/probe/last_success stay, value series older than the stale window drop out, so a
 * dashboard shows a gap instead of an old player count presented as current.
 */
export function createGameStateCollector(registry: Registry, state: ServerStateStore, options: GameStateCollectorOptions): Collector {
  const registers = [registry];
  const up = new FastGauge({ name: 'gust_server_up', help: 'Whether the game server answered its latest probe (1) or not (0).', labelNames: ['server'], registers });
  const probe = new FastGauge({ name: 'gust_server_probe_success', help: 'Result of the latest attempt per source.', labelNames: ['server', 'source'], registers });
  const lastSuccess = new FastGauge({ name: 'gust_server_last_success_timestamp_seconds', help: 'Unix time of the latest successful update per source.', labelNames: ['server', 'source'], registers });
  const info = new FastGauge({ name: 'gust_server_info', help: 'Game server identity; value is always 1.', labelNames: ['server', 'game', 'name', 'map', 'version'], registers });
  const maintenance = new FastGauge({ name: 'gust_server_maintenance', help: 'Planned downtime from the config (1) or not (0).', labelNames: ['server'], registers });
  const gauges = GAUGE_FIELDS.map(([key, name, help]) => [key, new FastGauge({ name, help, labelNames: ['server'], registers })] as const);

  // What each server's series show now: a scrape touches a series only when its value changes.
  // Most values of a fleet stay the same between scrapes (a server that is down stays down),
  // and at 2,000 servers setting ~40k unchanged series took most of the scrape's collect time.
  const slots: Array<[FastGauge, 'server' | Source]> = [
    [up, 'server'],
    [maintenance, 'server'],
    ...SOURCES.flatMap((source) => [[probe, source], [lastSuccess, source]] as Array<[FastGauge, Source]>),
    ...gauges.map(([, gauge]) => [gauge, 'server'] as [FastGauge, 'server']),
  ];
  const exported = new Map<string, ExportedSeries>();

  return {
    name: 'game_state',
    collect() {
      const now = Date.now();
      const staleMs = options.staleAfterMs();
      const seen = new Set<string>();
      for (const server of state.list()) {
        if (options.exports && !options.exports(server.id)) continue;
        seen.add(server.id);
        let e = exported.get(server.id);
        if (!e) exported.set(server.id, (e = new ExportedSeries(server.id, slots)));
        let slot = 0;
        e.put(slot++, state.isUp(server.id) ? 1 : 0);
        e.put(slot++, server.maintenance ? 1 : 0);
        for (const source of SOURCES) {
          const status = server.sources[source];
          e.put(slot++, status.configured ? (status.ok ? 1 : 0) : undefined);
          e.put(slot++, status.configured ? (status.lastSuccessMs ?? 0) / 1000 : undefined);
        }
        for (const [key] of gauges) {
          // Start time and last save are timestamps themselves: they never go stale.
          const maxAge = key === 'startTimeSeconds' || key === 'lastSaveTimestampSeconds' ? Infinity : staleMs;
          const field = state.fresh(server.id, key, maxAge, now);
          e.put(slot++, field ? (typeof field.value === 'boolean' ? Number(field.value) : (field.value as number)) : undefined);
        }
        const str = (key: 'name' | 'map' | 'version') => String(server.fields[key]?.value ?? '');
        const name = str('name') || server.name;
        const [map, version] = [str('map'), str('version')];
        const was = e.identity;
        if (!was || was.game !== server.game || was.name !== name || was.map !== map || was.version !== version) {
          if (was) info.remove(was);
          e.identity = { server: server.id, game: server.game, name, map, version };
          info.set(e.identity, 1);
        }
      }
      for (const [id, e] of exported) {
        if (seen.has(id)) continue;
        e.removeAll();
        if (e.identity) info.remove(e.identity);
        exported.delete(id);
      }
    },
  };
}

/** The values one server's series show (one slot per gauge and label set), so that only changes reach the gauges. */
class ExportedSeries {
  identity: { server: string; game: string; name: string; map: string; version: string } | undefined;
  readonly #values: Array<number | undefined> = [];
  readonly #labels: Array<Record<string, string>>;

  constructor(
    server: string,
    private readonly slots: ReadonlyArray<[FastGauge, 'server' | Source]>,
  ) {
    const labels = { server };
    this.#labels = slots.map(([, source]) => (source === 'server' ? labels : { server, source }));
  }

  /** Show `value` in the slot's series; undefined removes the series. */
  put(slot: number, value: number | undefined): void {
    if (this.#values[slot] === value) return;
    this.#values[slot] = value;
    const gauge = this.slots[slot]![0];
    if (value === undefined) gauge.remove(this.#labels[slot]!);
    else gauge.set(this.#labels[slot]!, value);
  }

  removeAll(): void {
    this.slots.forEach(([gauge], slot) => gauge.remove(this.#labels[slot]!));
  }
}
