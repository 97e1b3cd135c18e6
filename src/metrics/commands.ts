/**
 * CATALOGUE sections B (auto commands) and C (RCON connections). Label sets of configured
 * servers and commands are initialised to 0, and removed when a server or command leaves the
 * config, so series stay stable while a server fails.
 */
import type { Registry } from 'prom-client';
import type { ServerConfig } from '../config/schema.ts';
import { FastCounter, FastGauge, FastHistogram } from './fast.ts';
import { FAILURE_REASONS, type FailureReason } from '../state/servers.ts';
import type { TransportKind } from '../sources/commands/transports/types.ts';

export const COMMAND_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 10];

export function createCommandMetrics(registry: Registry) {
  const registers = [registry];
  return {
    duration: new FastHistogram({ name: 'gust_command_duration_seconds', help: 'Duration of successful auto commands.', labelNames: ['server', 'command'], buckets: COMMAND_DURATION_BUCKETS, registers }),
    total: new FastCounter({ name: 'gust_commands_total', help: 'Auto commands executed (each attempt counts once, retries included).', labelNames: ['server', 'command'], registers }),
    failures: new FastCounter({ name: 'gust_command_failures_total', help: 'Failed auto-command attempts by reason.', labelNames: ['server', 'command', 'reason'], registers }),
    retries: new FastCounter({ name: 'gust_command_retries_total', help: 'Auto-command retries after a failed attempt.', labelNames: ['server', 'command'], registers }),
    inFlight: new FastGauge({ name: 'gust_commands_in_flight', help: 'Auto commands in flight (bounded by auto_commands.max_concurrent).', registers }),
    queueLength: new FastGauge({ name: 'gust_command_queue_length', help: 'Servers waiting for a free auto-command slot.', registers }),
    backoff: new FastGauge({ name: 'gust_server_backoff_seconds', help: 'Current error backoff of a server (0 = none).', labelNames: ['server'], registers }),
    interval: new FastGauge({ name: 'gust_autocommand_interval_seconds', help: 'Effective auto-command round interval (after adaptive_interval).', registers }),
    rounds: new FastCounter({ name: 'gust_autocommand_rounds_total', help: 'Auto-command rounds started.', registers }),
    connections: new FastGauge({ name: 'gust_rcon_connections', help: 'Open RCON/WebRCON connections.', labelNames: ['server', 'transport'], registers }),
    connects: new FastCounter({ name: 'gust_rcon_connects_total', help: 'Successful RCON/WebRCON connections (after auth).', labelNames: ['server', 'transport'], registers }),
    connectionFailures: new FastCounter({ name: 'gust_rcon_connection_failures_total', help: 'Failed RCON/WebRCON connection attempts by reason.', labelNames: ['server', 'transport', 'reason'], registers }),
    messages: new FastCounter({ name: 'gust_rcon_messages_total', help: 'RCON packets or WebRCON frames received.', labelNames: ['server', 'transport'], registers }),
  };
}
export type CommandMetrics = ReturnType<typeof createCommandMetrics>;

/** Connection series exist only for network transports. */
export const CONNECTION_TRANSPORTS = ['source', 'webrcon'] as const;

/**
 * The `reason`s each transport's errors map to (failureReason() of the GustErrors it throws;
 * test/metrics/series-count.test.ts checks this against the transports' source). `parse` is
 * the reply parser's, added only for commands that have one. An exec program is neither
 * refused nor authenticated.
 */
export const TRANSPORT_FAILURE_REASONS: Record<TransportKind, readonly FailureReason[]> = {
  source: ['timeout', 'refused', 'auth', 'protocol', 'error'],
  webrcon: ['timeout', 'refused', 'auth', 'protocol', 'error'],
  exec: ['timeout', 'protocol', 'error'],
};

/** A connection never fails to parse: `parse` belongs to command replies. */
export const CONNECTION_FAILURE_REASONS: readonly FailureReason[] = ['timeout', 'refused', 'auth', 'protocol', 'error'];

/** Whether the server's auto commands hold a WebRCON connection, whose console output runs through the game's log rules. */
export function hasConsoleStream(server: Pick<ServerConfig, 'rcon' | 'commands'>): boolean {
  return server.rcon?.transport === 'webrcon' && server.commands.length > 0;
}

/** Series of one server's connection and backoff (once, when the server is added). */
export function initServerMetrics(m: CommandMetrics, server: string, transport: TransportKind): void {
  m.backoff.set({ server }, 0);
  if (!(CONNECTION_TRANSPORTS as readonly string[]).includes(transport)) return;
  m.connections.set({ server, transport }, 0);
  m.connects.inc({ server, transport }, 0);
  m.messages.inc({ server, transport }, 0);
  for (const reason of CONNECTION_FAILURE_REASONS) m.connectionFailures.inc({ server, transport, reason }, 0);
}

/** What decides a command's label sets: whether a built-in parser reads its reply. */
export interface CommandSeriesSpec {
  command: string;
  parsed: boolean;
}

/**
 * Series of a server's commands: only the failure reasons its transport (and, for `parse`, a
 * parser) can produce, and retries only when `auto_commands.retries` allows one. Idempotent
 * (inc by 0 keeps values): a reload calls it again and adds what the new config can produce.
 */
export function initCommandMetrics(m: CommandMetrics, server: string, transport: TransportKind, commands: readonly CommandSeriesSpec[], retries: number): void {
  for (const { command, parsed } of commands) {
    m.total.inc({ server, command }, 0);
    if (retries > 0) m.retries.inc({ server, command }, 0);
    for (const reason of TRANSPORT_FAILURE_REASONS[transport]) m.failures.inc({ server, command, reason }, 0);
    if (parsed) m.failures.inc({ server, command, reason: 'parse' }, 0);
  }
}

export function removeCommandMetrics(m: CommandMetrics, server: string, commands: readonly string[]): void {
  for (const command of commands) {
    m.total.remove({ server, command });
    m.retries.remove({ server, command });
    m.duration.remove({ server, command });
    for (const reason of FAILURE_REASONS) m.failures.remove({ server, command, reason });
  }
}

export function removeServerMetrics(m: CommandMetrics, server: string, transport: string, commands: readonly string[]): void {
  removeCommandMetrics(m, server, commands);
  m.backoff.remove({ server });
  m.connections.remove({ server, transport });
  m.connects.remove({ server, transport });
  m.messages.remove({ server, transport });
  for (const reason of CONNECTION_FAILURE_REASONS) m.connectionFailures.remove({ server, transport, reason });
}
