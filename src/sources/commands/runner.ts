/**
 * Runs one server's due commands (sequentially: one connection, and Minecraft allows only
 * one request in flight), with retries, parsing, user rules, the cache, metrics and the
 * state store. This is the seed's sendSingleAutoCommand plus recordPerformanceMetric.
 */
import type { AgentContext } from '../../agent/context.ts';
import type { Config, ServerConfig } from '../../config/schema.ts';
import type { FailureReason, GameObservation } from '../../state/servers.ts';
import type { CommandMetrics } from '../../metrics/commands.ts';
import { GustError, errorMessage } from '../../errors.ts';
import { implausible } from '../../state/player-counts.ts';
import { PARSERS, type ReplyParser } from './parsers/index.ts';
import { failureReason, type SendOptions, type Transport } from './transports/types.ts';

export interface CommandSpec {
  command: string;
  everyMs: number | undefined;
  rules: string[];
  parser: ReplyParser | undefined;
  lastRunMs: number;
}

export interface ServerEntry {
  id: string;
  config: ServerConfig;
  transport: Transport;
  commands: CommandSpec[];
  consecutiveFailures: number;
  nextAllowedMs: number;
  busy: boolean;
  /** Removed by a reload while a job ran: its outcome must not recreate removed series. */
  retired: boolean;
}

export interface CommandResult {
  command: string;
  ok: boolean;
  reason?: FailureReason;
  error?: string;
  observation?: GameObservation;
}

/** What the cache holds under `commands` / `${server}:${command}`. */
export interface CachedReply {
  server: string;
  command: string;
  reply: string;
  atMs: number;
  observation: GameObservation;
}

/** Failures worth an immediate retry: the connection broke. A timeout already used its slot; a wrong password must not hammer Rust's ban counter. */
const RETRIED: ReadonlySet<FailureReason> = new Set(['refused', 'protocol', 'error']);
const RETRY_DELAY_MS = 200;

export interface RunnerDeps {
  ctx: AgentContext;
  metrics: CommandMetrics;
  stopped: () => boolean;
}

/** `slackMs` (half a round interval): rounds do not land exactly on `every`, so "nearly due" is due. */
export function dueCommands(entry: ServerEntry, nowMs: number, slackMs: number): CommandSpec[] {
  return entry.commands.filter((c) => c.everyMs === undefined || nowMs + slackMs >= c.lastRunMs + c.everyMs);
}

export async function runServer(deps: RunnerDeps, entry: ServerEntry, commands: CommandSpec[]): Promise<CommandResult[]> {
  const results: CommandResult[] = [];
  for (const spec of commands) {
    if (deps.stopped() || entry.retired) return results;
    spec.lastRunMs = Date.now();
    results.push(await runCommand(deps, entry, spec));
  }
  recordOutcome(deps, entry, results);
  return results;
}

async function runCommand(deps: RunnerDeps, entry: ServerEntry, spec: CommandSpec): Promise<CommandResult> {
  const { ctx, metrics } = deps;
  const settings = ctx.config.auto_commands;
  const labels = { server: entry.id, command: spec.command };
  let last: CommandResult = { command: spec.command, ok: false, reason: 'error', error: 'not run' };
  const sendOptions = replySelection(spec.parser);
  for (let attempt = 0; attempt <= settings.retries && !deps.stopped(); attempt++) {
    if (attempt > 0) {
      metrics.retries.inc(labels);
      await new Promise((r) => setTimeout(r, RETRY_DELAY_MS * attempt));
    }
    metrics.total.inc(labels);
    metrics.inFlight.inc();
    const started = process.hrtime.bigint();
    let reply: string;
    try {
      reply = await entry.transport.send(spec.command, settings.timeout, sendOptions);
    } catch (err) {
      const reason = failureReason(err);
      if (entry.retired) return { command: spec.command, ok: false, reason, error: errorMessage(err) };
      metrics.failures.inc({ ...labels, reason });
      last = { command: spec.command, ok: false, reason, error: errorMessage(err) };
      if (!RETRIED.has(reason)) break;
      continue;
    } finally {
      metrics.inFlight.dec();
    }
    metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    return handleReply(deps, entry, spec, reply);
  }
  ctx.logger.debug({ server: entry.id, command: spec.command, reason: last.reason, err: last.error }, 'auto command failed');
  return last;
}

/** JSON replies: of several frames with the request's id (WebRCON), the reply is the one the parser reads. */
const JSON_PARSERS: ReadonlySet<ReplyParser | undefined> = new Set([PARSERS.rust_serverinfo, PARSERS.rust_playerlist]);

function replySelection(parser: ReplyParser | undefined): SendOptions {
  if (!parser || !JSON_PARSERS.has(parser)) return {};
  return {
    accept: (text) => {
      try {
        parser(text, Date.now());
        return true;
      } catch {
        return false;
      }
    },
  };
}

function handleReply(deps: RunnerDeps, entry: ServerEntry, spec: CommandSpec, reply: string): CommandResult {
  const { ctx, metrics } = deps;
  const atMs = Date.now();
  if (spec.rules.length > 0) {
    ctx.extraction.reply(entry.id, spec.command, reply, spec.rules);
    // In a replicate group the other members apply the same rules to this reply.
    ctx.cluster?.share(entry.id, { kind: 'reply', command: spec.command, text: reply, atMs });
  }
  let observation: GameObservation = {};
  let result: CommandResult = { command: spec.command, ok: true };
  if (spec.parser) {
    try {
      const parsed = withoutUndefined(spec.parser(reply, atMs));
      const problem = implausible(parsed);
      if (problem) throw new GustError('GUST_COMMAND_PARSE', `${spec.command} reply: ${problem}`);
      observation = parsed;
      result.observation = observation;
    } catch (err) {
      metrics.failures.inc({ server: entry.id, command: spec.command, reason: 'parse' });
      result = { command: spec.command, ok: false, reason: 'parse', error: errorMessage(err) };
    }
  }
  const cached: CachedReply = { server: entry.id, command: spec.command, reply, atMs, observation };
  void ctx.cache.set('commands', `${entry.id}:${spec.command}`, cached);
  return result;
}

function withoutUndefined(o: GameObservation): GameObservation {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as GameObservation;
}

/**
 * One state update per server job. A reply that does not parse still proves the server is
 * reachable (it counts under reason="parse" only); any other failure marks the command
 * source down and starts or extends the error backoff.
 */
function recordOutcome(deps: RunnerDeps, entry: ServerEntry, results: CommandResult[]): void {
  if (results.length === 0 || entry.retired) return;
  const { ctx, metrics } = deps;
  const failed = results.find((r) => !r.ok && r.reason !== 'parse');
  if (failed) {
    ctx.state.recordFailure(entry.id, 'command', failed.reason ?? 'error', `${failed.command}: ${failed.error ?? 'failed'}`);
    entry.consecutiveFailures++;
    const backoff = backoffMs(ctx.config, entry.consecutiveFailures);
    entry.nextAllowedMs = Date.now() + backoff;
    metrics.backoff.set({ server: entry.id }, backoff / 1000);
    return;
  }
  const observation: GameObservation = Object.assign({}, ...results.map((r) => r.observation ?? {}));
  ctx.state.recordSuccess(entry.id, 'command', observation);
  entry.consecutiveFailures = 0;
  entry.nextAllowedMs = 0;
  metrics.backoff.set({ server: entry.id }, 0);
}

/** error_backoff doubling per consecutive failure, capped at max_backoff. */
export function backoffMs(config: Config, consecutiveFailures: number): number {
  const { error_backoff, max_backoff } = config.auto_commands;
  return Math.min(max_backoff, error_backoff * 2 ** Math.min(30, consecutiveFailures - 1));
}
