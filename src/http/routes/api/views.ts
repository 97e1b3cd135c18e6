/**
 * Server state (src/state/servers.ts) as API replies. Only values observed within the
 * freshness window count as current players; times are ISO 8601 strings.
 */
import type { AgentContext } from '../../../agent/context.ts';
import { SOURCES, type Source, type SourceStatus } from '../../../state/servers.ts';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export interface PlayersAnswer {
  server: string;
  current: number;
  max: number | null;
  percentage: number | null;
  source: Source;
  timestamp: string;
}

/** The seed's player-count answer; undefined when no count is fresh enough. */
export function playersAnswer(ctx: AgentContext, id: string, nowMs = Date.now()): PlayersAnswer | undefined {
  const online = ctx.state.fresh(id, 'playersOnline', ctx.config.alerts.player_count_stale_after, nowMs);
  if (!online) return undefined;
  // The slot count rarely changes: the latest known value is used even if older.
  const max = ctx.state.get(id)?.fields.playersMax?.value ?? null;
  return {
    server: id,
    current: online.value,
    max,
    percentage: max ? Math.round((online.value / max) * 1000) / 10 : null,
    source: online.source,
    timestamp: new Date(online.atMs).toISOString(),
  };
}

function sourceView(s: SourceStatus) {
  return {
    configured: s.configured,
    ok: s.ok ?? null,
    last_attempt: iso(s.lastAttemptMs),
    last_success: iso(s.lastSuccessMs),
    last_error_reason: s.lastErrorReason ?? null,
  };
}

export function serverView(ctx: AgentContext, id: string) {
  const server = ctx.state.get(id);
  if (!server) return undefined;
  const players = playersAnswer(ctx, id);
  return {
    id: server.id,
    name: server.name,
    game: server.game,
    maintenance: server.maintenance,
    up: ctx.state.isUp(id),
    process_up: server.processUp ?? null,
    players: players ? { online: players.current, max: players.max, percentage: players.percentage } : null,
    map: server.fields.map?.value ?? null,
    version: server.fields.version?.value ?? null,
    sources: Object.fromEntries(SOURCES.map((s) => [s, sourceView(server.sources[s])])),
    discovered: ctx.providers.discovered?.(id) ?? null,
  };
}

export function serverDetailView(ctx: AgentContext, id: string) {
  const view = serverView(ctx, id);
  const server = ctx.state.get(id);
  if (!view || !server) return undefined;
  const fields = Object.fromEntries(
    Object.entries(server.fields).map(([key, f]) => [snakeCase(key), { value: f.value, source: f.source, timestamp: new Date(f.atMs).toISOString() }]),
  );
  return { ...view, fields };
}

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
