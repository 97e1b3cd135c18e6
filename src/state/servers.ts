/**
 * What the agent knows about each game server, fed by every source (commands, query, logs,
 * process sampling) and read by collectors and the API. Reads never wait on a game server:
 * sources write here when they learn something, scrapes only read.
 *
 * Each field keeps its value with the time and source it came from; the freshest observation
 * wins, whichever source it came from.
 */
import { EventEmitter } from 'node:events';
import type { Game, ServerConfig } from '../config/schema.ts';

export const SOURCES = ['command', 'query', 'log'] as const;
export type Source = (typeof SOURCES)[number];

export const FAILURE_REASONS = ['timeout', 'refused', 'auth', 'protocol', 'parse', 'error'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Everything a source may learn about a server. All optional: a source reports what it saw. */
export interface GameObservation {
  playersOnline?: number;
  playersMax?: number;
  playersQueued?: number;
  playersJoining?: number;
  tickRateHz?: number;
  entities?: number;
  memoryBytes?: number;
  networkReceiveBytesPerSecond?: number;
  networkTransmitBytesPerSecond?: number;
  /** Unix seconds when the game server process started (from its reported uptime). */
  startTimeSeconds?: number;
  restarting?: boolean;
  name?: string;
  map?: string;
  version?: string;
  lastSaveTimestampSeconds?: number;
}
export type ObservationKey = keyof GameObservation;

/** Sources that probe a server (and can be delegated to another agent); logs are local. */
export const PROBE_SOURCES = ['command', 'query'] as const;
export type ProbeSource = (typeof PROBE_SOURCES)[number];

/** What the probes learned about a server: their status and the fields they set (src/cluster/). */
export interface ProbeSnapshot {
  sources: Partial<Record<ProbeSource, SourceStatus>>;
  fields: Partial<Record<ObservationKey, FieldValue<unknown>>>;
  /** The latest probe attempt (ms); 0 before the first. */
  atMs: number;
}

export interface FieldValue<T> {
  value: T;
  atMs: number;
  source: Source;
}

export interface SourceStatus {
  /** Whether this source is configured for the server (so up/down is meaningful). */
  configured: boolean;
  /** Result of the latest attempt; undefined until the first attempt finished. */
  ok?: boolean;
  lastAttemptMs?: number;
  lastSuccessMs?: number;
  lastErrorReason?: FailureReason;
  lastErrorMessage?: string;
}

export interface ServerState {
  readonly id: string;
  game: Game;
  name: string;
  maintenance: boolean;
  readonly sources: Record<Source, SourceStatus>;
  readonly fields: { [K in ObservationKey]?: FieldValue<NonNullable<GameObservation[K]>> };
  /** From the process collector; undefined when no `process` is configured. */
  processUp?: boolean;
}

/** Longest name, map or version kept (characters); a server may report anything. */
export const MAX_TEXT_LENGTH = 256;

/** An uptime that goes back by more than this means the game server restarted. */
const RESTART_SLACK_SECONDS = 30;

export interface ServerStateEvents {
  change: [serverId: string];
  restart: [serverId: string, source: Source];
}

export class ServerStateStore extends EventEmitter<ServerStateEvents> {
  readonly #servers = new Map<string, ServerState>();

  /** Add, update and remove servers to match the config; state of kept servers survives. */
  configure(servers: readonly ServerConfig[]): void {
    const keep = new Set(servers.map((s) => s.id));
    for (const id of this.#servers.keys()) if (!keep.has(id)) this.#servers.delete(id);
    for (const cfg of servers) {
      const existing = this.#servers.get(cfg.id);
      const configured: Record<Source, boolean> = {
        command: cfg.commands.length > 0,
        query: cfg.query !== undefined,
        log: cfg.logs.length > 0,
      };
      if (existing) {
        existing.game = cfg.game;
        existing.name = cfg.name ?? cfg.id;
        existing.maintenance = cfg.maintenance;
        for (const s of SOURCES) existing.sources[s].configured = configured[s];
        if (!cfg.process) delete existing.processUp;
        continue;
      }
      this.#servers.set(cfg.id, {
        id: cfg.id,
        game: cfg.game,
        name: cfg.name ?? cfg.id,
        maintenance: cfg.maintenance,
        sources: {
          command: { configured: configured.command },
          query: { configured: configured.query },
          log: { configured: configured.log },
        },
        fields: {},
      });
    }
  }

  get(id: string): ServerState | undefined {
    return this.#servers.get(id);
  }

  list(): ServerState[] {
    return [...this.#servers.values()];
  }

  /** A probe (command, query) or a log read succeeded; `observation` holds what it learned. */
  recordSuccess(id: string, source: Source, observation: GameObservation = {}, atMs = Date.now()): void {
    const server = this.#servers.get(id);
    if (!server) return;
    const status = server.sources[source];
    status.ok = true;
    status.lastAttemptMs = atMs;
    status.lastSuccessMs = Math.max(status.lastSuccessMs ?? 0, atMs);
    this.#apply(server, source, observation, atMs);
    this.emit('change', id);
  }

  recordFailure(id: string, source: Source, reason: FailureReason, message: string, atMs = Date.now()): void {
    const server = this.#servers.get(id);
    if (!server) return;
    const status = server.sources[source];
    status.ok = false;
    status.lastAttemptMs = atMs;
    status.lastErrorReason = reason;
    status.lastErrorMessage = message;
    this.emit('change', id);
  }

  /** Update fields without counting as a probe attempt (e.g. a player count read from a log line). */
  observe(id: string, source: Source, observation: GameObservation, atMs = Date.now()): void {
    const server = this.#servers.get(id);
    if (!server) return;
    this.#apply(server, source, observation, atMs);
    this.emit('change', id);
  }

  /** A restart seen directly (a log line such as "Starting minecraft server"). */
  recordRestart(id: string, source: Source): void {
    if (this.#servers.has(id)) this.emit('restart', id, source);
  }

  setProcessUp(id: string, up: boolean): void {
    const server = this.#servers.get(id);
    if (!server || server.processUp === up) return;
    server.processUp = up;
    this.emit('change', id);
  }

  probeSnapshot(id: string): ProbeSnapshot | undefined {
    const server = this.#servers.get(id);
    if (!server) return undefined;
    const snapshot: ProbeSnapshot = { sources: {}, fields: {}, atMs: 0 };
    for (const source of PROBE_SOURCES) {
      const status = server.sources[source];
      if (!status.configured) continue;
      snapshot.sources[source] = { ...status };
      snapshot.atMs = Math.max(snapshot.atMs, status.lastAttemptMs ?? 0);
    }
    for (const [key, field] of Object.entries(server.fields) as Array<[ObservationKey, FieldValue<unknown>]>) {
      if (field.source !== 'log') snapshot.fields[key] = field;
    }
    return snapshot;
  }

  /** Takes another agent's probe results as if this agent had probed (older fields never win). */
  importProbeSnapshot(id: string, snapshot: ProbeSnapshot): void {
    const server = this.#servers.get(id);
    if (!server) return;
    for (const source of PROBE_SOURCES) {
      const status = snapshot.sources[source];
      const mine = server.sources[source];
      if (!status || !mine.configured || (mine.lastAttemptMs ?? 0) > (status.lastAttemptMs ?? 0)) continue;
      Object.assign(mine, status, { configured: true });
    }
    for (const [key, field] of Object.entries(snapshot.fields) as Array<[ObservationKey, FieldValue<unknown>]>) {
      this.#apply(server, field.source, { [key]: field.value }, field.atMs);
    }
    this.emit('change', id);
  }

  /**
   * Reachable: the latest attempt of any configured active probe (command, query) succeeded.
   * Without active probes, the game process (when configured), else the log source.
   */
  isUp(id: string): boolean {
    const server = this.#servers.get(id);
    if (!server) return false;
    const { command, query, log } = server.sources;
    const active = [command, query].filter((s) => s.configured && s.ok !== undefined);
    if (active.length > 0) return active.some((s) => s.ok === true);
    if (server.processUp !== undefined) return server.processUp;
    return log.configured && log.ok === true;
  }

  /** Value of a field if it was observed within `maxAgeMs` (stale values are not presented as current). */
  fresh<K extends ObservationKey>(id: string, key: K, maxAgeMs: number, nowMs = Date.now()): FieldValue<NonNullable<GameObservation[K]>> | undefined {
    const field = this.#servers.get(id)?.fields[key] as FieldValue<NonNullable<GameObservation[K]>> | undefined;
    if (!field || nowMs - field.atMs > maxAgeMs) return undefined;
    return field;
  }

  #apply(server: ServerState, source: Source, observation: GameObservation, atMs: number): void {
    const fields = server.fields as Record<string, FieldValue<unknown> | undefined>;
    const previousStart = server.fields.startTimeSeconds?.value;
    for (const [key, raw] of Object.entries(observation)) {
      if (raw === undefined || (typeof raw === 'number' && !Number.isFinite(raw))) continue;
      const current = fields[key];
      if (current && current.atMs > atMs) continue; // an older observation never overwrites a newer one
      // Names, maps and versions come from the game server and become label values: bounded.
      const value = typeof raw === 'string' && raw.length > MAX_TEXT_LENGTH ? raw.slice(0, MAX_TEXT_LENGTH) : raw;
      fields[key] = { value, atMs, source };
    }
    const start = observation.startTimeSeconds;
    if (start !== undefined && previousStart !== undefined && start > previousStart + RESTART_SLACK_SECONDS) {
      this.emit('restart', server.id, source);
    }
  }
}
