/**
 * Query probes through gamedig (A2S, Minecraft ping, ...) for every server with `query:`.
 * gamedig's own timeouts are not always honoured (node-gamedig#611), so each query runs
 * under the agent's own hard deadline: past it the probe fails with reason "timeout" and the
 * late answer, if any, is ignored.
 *
 * gamedig's `minecraft` type waits for all of its probes (Server List Ping over TCP, and
 * gamespy3 and bedrock over UDP, which a Java server never answers) up to the socket timeout,
 * so it cannot finish before it. The agent asks the Server List Ping alone first and answers
 * as soon as it does; only when the ping fails does it run the full type (Bedrock servers,
 * servers with only the gamespy3 query).
 */
import type { QueryOptions, QueryResult } from 'gamedig';
import type { AgentContext, Component } from '../../agent/context.ts';
import type { Config, ServerConfig } from '../../config/schema.ts';
import { GustError, errorMessage } from '../../errors.ts';
import type { FailureReason, GameObservation } from '../../state/servers.ts';
import { implausible } from '../../state/player-counts.ts';

/** gamedig's per-socket timeout: shorter than the deadline so it can retry once inside it. */
const SOCKET_TIMEOUT_CAP_MS = 2_000;

interface Probe {
  server: ServerConfig;
  key: string;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

/** What a query tells about the server. */
export function observationOf(result: QueryResult): GameObservation {
  return {
    playersOnline: result.numplayers,
    playersMax: result.maxplayers,
    name: result.name || undefined,
    map: result.map || undefined,
    version: result.version || undefined,
  };
}

export function queryFailureReason(err: unknown): FailureReason {
  if (err instanceof GustError && err.code === 'GUST_RCON_TIMEOUT') return 'timeout';
  if (err instanceof GustError && err.code === 'GUST_COMMAND_PARSE') return 'parse';
  // gamedig reports "Failed all N attempts"; the attempts' own errors are only in the stack.
  const msg = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/.test(msg)) return 'refused';
  if (/timeout|timed out/i.test(msg)) return 'timeout';
  return 'error';
}

/** gamedig types whose Java servers answer the Server List Ping (see the top of this file). */
const MINECRAFT_TYPES: ReadonlySet<string> = new Set(['minecraft']);

/** A Server List Ping description: a string or a chat component with nested `extra` parts. */
export function motdText(description: unknown): string {
  const parts: string[] = [];
  const walk = (c: unknown, depth: number): void => {
    if (depth > 32) return;
    if (typeof c === 'string') return void parts.push(c);
    if (Array.isArray(c)) return c.forEach((x) => walk(x, depth + 1));
    if (c && typeof c === 'object') {
      const { text, extra } = c as { text?: unknown; extra?: unknown };
      if (typeof text === 'string') parts.push(text);
      if (Array.isArray(extra)) walk(extra, depth + 1);
    }
  };
  walk(description, 0);
  return parts.join('').replace(/\u00a7./g, '').replace(/\s+/g, ' ').trim();
}

type GameDigApi = (typeof import('gamedig'))['GameDig'];

/** The Server List Ping alone, answered as soon as it arrives; the full `minecraft` type if it fails. */
async function queryMinecraft(GameDig: GameDigApi, options: QueryOptions, deadline: number): Promise<QueryResult> {
  try {
    const ping = await GameDig.query({ ...options, type: 'protocol-minecraftvanilla' });
    const raw = (ping.raw ?? {}) as { description?: unknown; version?: { name?: unknown } };
    return { ...ping, name: motdText(raw.description), version: typeof raw.version?.name === 'string' ? raw.version.name : ping.version };
  } catch (err) {
    const left = deadline - Date.now();
    if (left <= 0) throw err;
    return GameDig.query({ ...options, socketTimeout: Math.min(options.socketTimeout ?? left, left), attemptTimeout: left });
  }
}

/** gamedig (about 10 MiB resident) is loaded on the first query: most configs never query. */
let gamedig: Promise<typeof import('gamedig')> | undefined;
function loadGamedig(): Promise<typeof import('gamedig')> {
  gamedig ??= import('gamedig');
  return gamedig;
}

/** Runs one gamedig query under a hard deadline. */
export async function queryWithDeadline(server: ServerConfig): Promise<QueryResult> {
  const q = server.query!;
  const host = q.host ?? server.rcon?.host ?? '127.0.0.1';
  const { GameDig } = await loadGamedig();
  // After the import: loading gamedig the first time is the agent's cold start, not the server's answer.
  const deadlineMs = Date.now() + q.timeout;
  const options: QueryOptions = {
    type: q.type,
    host,
    port: q.port,
    // A configured port is the query port: do not let gamedig probe others.
    givenPortOnly: q.port !== undefined,
    maxRetries: 1,
    socketTimeout: Math.min(SOCKET_TIMEOUT_CAP_MS, q.timeout),
    attemptTimeout: q.timeout,
    requestPlayers: false,
  };
  const query = MINECRAFT_TYPES.has(q.type) ? queryMinecraft(GameDig, options, deadlineMs) : GameDig.query(options);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GustError('GUST_RCON_TIMEOUT', `query did not finish within ${q.timeout} ms`)), Math.max(1, deadlineMs - Date.now()));
  });
  query.catch(() => undefined); // a late failure after the deadline is not an unhandled rejection
  try {
    return await Promise.race([query, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function createQuerySource(ctx: AgentContext): Component {
  const probes = new Map<string, Probe>();
  let stopped = true;

  async function run(probe: Probe): Promise<void> {
    if (ctx.cluster && !ctx.cluster.polls(probe.server.id)) return; // another member of the group queries it
    try {
      const observation = observationOf(await queryWithDeadline(probe.server));
      const problem = implausible(observation);
      if (problem) throw new GustError('GUST_COMMAND_PARSE', problem);
      if (!stopped) ctx.state.recordSuccess(probe.server.id, 'query', observation);
    } catch (err) {
      const message = `query ${probe.server.query!.type}: ${errorMessage(err)}`;
      ctx.logger.debug({ server: probe.server.id, err: message }, 'query failed');
      if (!stopped) ctx.state.recordFailure(probe.server.id, 'query', queryFailureReason(err), message);
    }
  }

  function schedule(probe: Probe): void {
    if (stopped || probes.get(probe.server.id) !== probe) return; // stopped, or replaced by a reload
    probe.timer = setTimeout(() => {
      probe.running = run(probe).finally(() => schedule(probe));
    }, probe.server.query!.interval);
  }

  function startProbe(server: ServerConfig): Promise<void> {
    const probe: Probe = { server, key: JSON.stringify(server.query) + (server.rcon?.host ?? '') };
    probes.set(server.id, probe);
    probe.running = run(probe).finally(() => schedule(probe));
    return probe.running;
  }

  function stopProbe(probe: Probe): void {
    clearTimeout(probe.timer);
    probes.delete(probe.server.id);
  }

  function apply(config: Config): Promise<void>[] {
    const wanted = new Map(config.servers.filter((s) => s.query).map((s) => [s.id, s]));
    for (const probe of [...probes.values()]) {
      const next = wanted.get(probe.server.id);
      if (!next || JSON.stringify(next.query) + (next.rcon?.host ?? '') !== probe.key) stopProbe(probe);
      else probe.server = next;
    }
    return [...wanted.values()].filter((s) => !probes.has(s.id)).map(startProbe);
  }

  return {
    name: 'query',
    async start() {
      stopped = false;
      // Readiness waits for the first query of each server (each bounded by its deadline).
      await Promise.allSettled(apply(ctx.config));
    },
    async stop() {
      stopped = true;
      const running = [...probes.values()].map((p) => p.running);
      for (const probe of [...probes.values()]) stopProbe(probe);
      // Each running query ends by its own deadline at the latest; do not hold shutdown for it.
      await Promise.race([Promise.allSettled(running), new Promise((r) => setTimeout(r, 100).unref())]);
    },
    async reload(config) {
      void apply(config);
    },
  };
}
