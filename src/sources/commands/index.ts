/**
 * The auto-command source: for every server with `rcon:` and `commands:`, keeps a transport
 * (Source RCON, Rust WebRCON or a local program) and runs the commands on the scheduler's
 * rounds. Replies become game-state observations (built-in parsers), user-rule metrics,
 * cache entries and CATALOGUE B/C series.
 */
import type { RefreshResult, AgentContext, Component } from '../../agent/context.ts';
import type { Config, ServerConfig } from '../../config/schema.ts';
import { createCommandMetrics, initCommandMetrics, initServerMetrics, removeCommandMetrics, removeServerMetrics } from '../../metrics/commands.ts';
import { errorMessage } from '../../errors.ts';
import { Limiter } from './limiter.ts';
import { selectParser } from './parsers/index.ts';
import { runServer, type CommandResult, type CommandSpec, type ServerEntry } from './runner.ts';
import { Scheduler } from './scheduler.ts';
import { createTransport, sameConnection } from './transports/index.ts';
import type { ConnectionHooks } from './transports/types.ts';

export type { RefreshResult } from '../../agent/context.ts';

export interface CommandSource extends Component {
  /** Run a server's configured commands now (bounded by max_concurrent); undefined for an unknown server. */
  refresh(serverId: string): Promise<RefreshResult | undefined>;
}

/** Extra time start() waits for the first round beyond one command timeout. */
const START_GRACE_MS = 1_000;

export function createCommandSource(ctx: AgentContext): CommandSource {
  const metrics = createCommandMetrics(ctx.registry);
  const entries = new Map<string, ServerEntry>();
  let stopped = true;
  /** The retries the command series were set up with (a retries series exists only when retries > 0). */
  let appliedRetries = -1;
  const limiter = new Limiter(ctx.config.auto_commands.max_concurrent, (_active, waiting) => metrics.queueLength.set(waiting));
  const deps = { ctx, metrics, stopped: () => stopped };
  const scheduler = new Scheduler({
    settings: () => ctx.config.auto_commands,
    // In a group, only the servers whose lease this member holds (src/cluster/).
    servers: () => [...entries.values()].filter((e) => ctx.cluster?.polls(e.id) ?? true),
    limiter,
    metrics,
    run: (entry, commands) => runHeld(entry, commands),
  });

  function hooksFor(server: string, transport: string): ConnectionHooks {
    const labels = { server, transport };
    return {
      connected() {
        metrics.connections.set(labels, 1);
        metrics.connects.inc(labels);
      },
      disconnected: () => metrics.connections.set(labels, 0),
      connectFailed: (reason) => metrics.connectionFailures.inc({ ...labels, reason }),
      message: () => metrics.messages.inc(labels),
    };
  }

  function specsFor(server: ServerConfig, previous: CommandSpec[] = []): CommandSpec[] {
    return server.commands.map((c) => {
      const cfg = typeof c === 'string' ? { command: c, every: undefined, rules: [], parser: undefined } : c;
      return {
        command: cfg.command,
        everyMs: cfg.every,
        rules: cfg.rules,
        parser: selectParser(server.game, cfg.command, cfg.parser),
        lastRunMs: previous.find((p) => p.command === cfg.command)?.lastRunMs ?? 0,
      };
    });
  }

  const seriesSpecs = (commands: CommandSpec[]) => commands.map((c) => ({ command: c.command, parsed: c.parser !== undefined }));

  function newTransport(server: ServerConfig) {
    const onConsole = (line: string) => {
      const atMs = Date.now();
      ctx.extraction.line(server.id, line, 'console', atMs);
      // In a replicate group the other members feed the same line to their extraction.
      ctx.cluster?.share(server.id, { kind: 'console', text: line, atMs });
    };
    return createTransport(server.game, server.rcon!, hooksFor(server.id, server.rcon!.transport), onConsole, ctx.cluster?.authFailures);
  }

  /** Servers whose transport was closed because another member of the group polls them. */
  const parked = new Set<string>();

  /** Another member polls the server now: close our connection until we hold its lease again. */
  function onReleased(server: string): void {
    const entry = entries.get(server);
    if (!entry || stopped) return;
    entry.transport.close();
    parked.add(server);
  }

  /** Runs a job if this member (still) polls the server: a job may have waited in the limiter while the lease moved. */
  function runHeld(entry: ServerEntry, commands: CommandSpec[]): Promise<CommandResult[]> {
    if (ctx.cluster && !ctx.cluster.polls(entry.id)) return Promise.resolve([]);
    if (parked.delete(entry.id)) entry.transport = newTransport(entry.config); // transports connect lazily
    return runServer(deps, entry, commands);
  }

  /** A lease just taken (e.g. from a dead holder): poll when the server is due, not only at our next round. */
  function onAcquired(server: string, lastResultMs: number): void {
    const dueInMs = lastResultMs + ctx.config.auto_commands.interval - Date.now();
    setTimeout(() => {
      const entry = entries.get(server);
      if (entry && !stopped && ctx.cluster?.polls(server)) scheduler.runNow(entry);
    }, Math.max(0, dueInMs)).unref();
  }

  function removeEntry(entry: ServerEntry): void {
    entry.retired = true;
    parked.delete(entry.id);
    entry.transport.close();
    removeServerMetrics(metrics, entry.id, entry.transport.kind, entry.commands.map((c) => c.command));
    entries.delete(entry.id);
  }

  /** Match entries to the config: unchanged connections stay open, changed ones are rebuilt. */
  function apply(config: Config): void {
    const wanted = new Map(config.servers.filter((s) => s.rcon && s.commands.length > 0).map((s) => [s.id, s]));
    for (const entry of [...entries.values()]) {
      const next = wanted.get(entry.id);
      if (!next || !sameConnection(entry.config.rcon!, next.rcon!, entry.config.game, next.game)) removeEntry(entry);
    }
    for (const server of wanted.values()) {
      const existing = entries.get(server.id);
      if (existing) {
        const dropped = existing.commands.filter((c) => !server.commands.some((n) => (typeof n === 'string' ? n : n.command) === c.command));
        removeCommandMetrics(metrics, server.id, dropped.map((c) => c.command));
        const series = seriesSpecs(existing.commands);
        existing.config = server;
        existing.commands = specsFor(server, existing.commands);
        const next = seriesSpecs(existing.commands);
        // Set up again only what changed: a reload of hundreds of servers must not stall scrapes.
        if (config.auto_commands.retries !== appliedRetries || JSON.stringify(series) !== JSON.stringify(next)) initCommandMetrics(metrics, server.id, existing.transport.kind, next, config.auto_commands.retries);
        continue;
      }
      try {
        const transport = newTransport(server);
        const entry: ServerEntry = { id: server.id, config: server, transport, commands: specsFor(server), consecutiveFailures: 0, nextAllowedMs: 0, busy: false, retired: false };
        entries.set(server.id, entry);
        initServerMetrics(metrics, server.id, transport.kind);
        initCommandMetrics(metrics, server.id, transport.kind, seriesSpecs(entry.commands), config.auto_commands.retries);
      } catch (err) {
        ctx.logger.error({ server: server.id, err: errorMessage(err) }, 'auto commands disabled for this server');
      }
    }
    limiter.setLimit(config.auto_commands.max_concurrent);
    appliedRetries = config.auto_commands.retries;
  }

  async function refresh(serverId: string): Promise<RefreshResult | undefined> {
    const entry = entries.get(serverId);
    if (!entry || stopped) return undefined;
    if (ctx.cluster && !ctx.cluster.polls(serverId)) {
      // Only the lease holder talks to the server (one RCON connection for the whole group).
      return { ok: false, results: entry.commands.map((c) => ({ command: c.command, ok: false, error: 'another member of the group polls this server; refresh it there' })) };
    }
    const results = await limiter.run(() => runHeld(entry, entry.commands));
    return {
      ok: results.every((r) => r.ok),
      results: results.map((r) => (r.ok ? { command: r.command, ok: true } : { command: r.command, ok: false, error: r.error ?? 'failed' })),
    };
  }

  return {
    name: 'commands',
    refresh,
    async start() {
      stopped = false;
      apply(ctx.config);
      ctx.providers.refresh = refresh;
      ctx.cluster?.on('released', onReleased);
      ctx.cluster?.on('acquired', onAcquired);
      const { timeout } = ctx.config.auto_commands;
      await scheduler.start(timeout + START_GRACE_MS);
    },
    async stop() {
      stopped = true;
      if (ctx.providers.refresh === refresh) delete ctx.providers.refresh;
      ctx.cluster?.off('released', onReleased);
      ctx.cluster?.off('acquired', onAcquired);
      // Closing the transports rejects pending commands at once, so running jobs end now.
      for (const entry of entries.values()) entry.transport.close();
      await scheduler.stop();
      entries.clear();
    },
    async reload(config) {
      apply(config);
      scheduler.rearm();
    },
  };
}

