/**
 * The extraction engine: one pass per line through the game's built-in rules (first match
 * wins) and the user rules (every match counts). Built-in matches feed the section A counters
 * and the state store; user rules feed their own metrics.
 */
import type { AgentContext } from '../agent/context.ts';
import type { Config, Game, ServerConfig } from '../config/schema.ts';
import { logMetrics, type LogMetrics, type MatchCell } from '../metrics/logs.ts';
import { RuleMetrics, type RuleMetric } from '../metrics/rules.ts';
import type { LogEvent } from './events.ts';
import type { GameObservation } from '../state/servers.ts';
import { BUILTIN_RULES } from './builtin/index.ts';
import { Multiline, type OpenRecord } from './multiline.ts';
import type { BuiltinRuleSet, EventSink, TimestampMemo } from './rules.ts';
import type { Extraction, LineOrigin } from './types.ts';
import { applyRule, compileRule, ruleApplies, type CompiledRule } from './user-rules.ts';

/** Open sessions kept per server; the oldest is forgotten past this (bounded memory). */
const MAX_OPEN_SESSIONS = 10_000;

/** Per configured server: its rule sets and what built-in matches change. */
class ServerEntry {
  game: Game;
  builtin: BuiltinRuleSet;
  /** User rules for log lines, without multi-line ones. */
  lineRules: CompiledRule[] = [];
  multiline: Multiline[] = [];
  readonly sink: ServerSink;
  /** Lines no rule matched (a count cell flushed on scrape like the match counts). */
  readonly unmatched: MatchCell;
  readonly #cells = new Map<string, MatchCell>();
  readonly #metrics: LogMetrics;

  constructor(readonly id: string, game: Game, ctx: AgentContext, metrics: LogMetrics) {
    this.game = game;
    this.builtin = BUILTIN_RULES[game];
    this.#metrics = metrics;
    this.sink = new ServerSink(id, ctx);
    this.unmatched = metrics.pending.unmatchedCell(id);
  }

  matchCell(rule: string): MatchCell {
    let cell = this.#cells.get(rule);
    if (!cell) {
      cell = this.#metrics.pending.matchCell(this.id, rule);
      this.#cells.set(rule, cell);
    }
    return cell;
  }
}

/**
 * Applies built-in matches of one server. One instance per server, re-pointed at each matched
 * line (no closures per line). Observations of log lines are merged and applied by commit(),
 * once per read chunk instead of once per line.
 */
class ServerSink implements EventSink {
  /**
   * Player id -> unix ms of the join: the players online as the log tells (their number is
   * the derived players-online figure) and the start of their sessions. Emptied at each start.
   */
  readonly sessions = new Map<string, number>();
  /** Players kicked in their current session (one kick may be logged in several lines). */
  readonly #kicked = new Set<string>();
  /** A start announced by its first line (restart('begin')) waits for its second. */
  #starting = false;
  /** Warm start: lines already in a file only set gauges (players, map, last save), never counters. */
  warm = false;
  readonly #labels: { server: string };
  readonly #ctx: AgentContext;
  #set!: BuiltinRuleSet;
  readonly #stampMemo: TimestampMemo = { stamp: '', ms: 0 };
  #text = '';
  #atMs = 0;
  #pending: GameObservation | undefined;
  #pendingAtMs = 0;
  #online: number | undefined;
  #max: number | undefined;

  constructor(readonly id: string, ctx: AgentContext) {
    this.#labels = { server: id };
    this.#ctx = ctx;
  }

  begin(set: BuiltinRuleSet, text: string, atMs: number): void {
    this.#set = set;
    this.#text = text;
    this.#atMs = atMs;
  }

  /** The line's own time when it has one; never later than when it was read. */
  #at(): number {
    const own = this.#set.timestamp(this.#text, this.#atMs, this.#stampMemo);
    return own === undefined || own > this.#atMs ? this.#atMs : own;
  }

  join(player: string): void {
    if (!this.warm) this.#ctx.counters.joins.inc(this.#labels);
    this.#kicked.delete(player);
    if (!this.sessions.has(player) && this.sessions.size >= MAX_OPEN_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const at = this.#at();
    this.sessions.set(player, at);
    this.#observe({ playersOnline: this.sessions.size }, at);
  }

  joinConfirmed(player: string): void {
    if (!this.sessions.has(player)) this.join(player);
  }

  leave(player: string): void {
    if (!this.warm) this.#ctx.counters.leaves.inc(this.#labels);
    this.#kicked.delete(player);
    const joined = this.sessions.get(player);
    if (joined === undefined) return;
    this.sessions.delete(player);
    const at = this.#at();
    if (!this.warm && at >= joined) this.#ctx.counters.sessions.observe(this.#labels, (at - joined) / 1000);
    this.#observe({ playersOnline: this.sessions.size }, at);
  }

  kick(player: string): void {
    if (this.#kicked.has(player)) return; // another record of the same kick
    if (this.#kicked.size >= MAX_OPEN_SESSIONS) this.#kicked.delete(this.#kicked.values().next().value!);
    this.#kicked.add(player);
    this.event('kick');
  }

  event(event: LogEvent): void {
    if (this.warm) return;
    this.#ctx.counters.logEvents.inc({ server: this.id, event });
  }

  save(): void {
    this.event('save');
    const at = this.#at();
    this.#observe({ lastSaveTimestampSeconds: at / 1000 }, at);
  }

  restart(phase?: 'begin' | 'complete'): void {
    const begun = this.#starting;
    this.#starting = phase === 'begin';
    if (phase === 'complete' && begun) return; // the second line of a start already counted
    this.sessions.clear();
    this.#kicked.clear();
    if (!this.warm) {
      this.commit();
      this.#ctx.state.recordRestart(this.id, 'log');
    }
    this.#observe({ playersOnline: 0 }, this.#at());
  }

  players(online: number, max?: number): void {
    // The hottest event (a count line every few seconds per server, 20 % of a busy log):
    // kept in two numbers instead of an object per line.
    this.#online = online;
    if (max !== undefined) this.#max = max;
    const at = this.#at();
    if (at > this.#pendingAtMs) this.#pendingAtMs = at;
  }

  info(info: { map?: string; version?: string; name?: string }): void {
    this.#observe(info, this.#at());
  }

  #observe(observation: GameObservation, atMs: number): void {
    if (observation.playersOnline !== undefined) this.#online = undefined; // this one is newer
    this.#pending = this.#pending ? Object.assign(this.#pending, observation) : { ...observation };
    if (atMs > this.#pendingAtMs) this.#pendingAtMs = atMs;
  }

  /** Apply the merged observations (the latest value of each field wins, as line order says). */
  commit(): void {
    if (this.#online !== undefined || this.#max !== undefined) {
      const counts: GameObservation = {};
      if (this.#online !== undefined) counts.playersOnline = this.#online;
      if (this.#max !== undefined) counts.playersMax = this.#max;
      // Counts still held here came after anything in #pending (see #observe).
      this.#pending = this.#pending ? { ...this.#pending, ...counts } : counts;
      this.#online = undefined;
      this.#max = undefined;
    }
    if (!this.#pending) return;
    this.#ctx.state.observe(this.id, 'log', this.#pending, this.#pendingAtMs);
    this.#pending = undefined;
    this.#pendingAtMs = 0;
  }
}

/** What extraction holds between lines, saved in the log checkpoint with the offsets. */
export interface ExtractionState {
  sessions: Record<string, Array<[string, number]>>;
  /** Multi-line records not applied yet (absent in checkpoints of earlier versions). */
  multiline?: Array<OpenRecord & { server: string; rule: string }>;
}

export class ExtractionEngine implements Extraction {
  readonly #ctx: AgentContext;
  readonly #metrics: LogMetrics;
  readonly #ruleMetrics: RuleMetrics;
  #rules = new Map<string, CompiledRule>();
  readonly #servers = new Map<string, ServerEntry>();

  constructor(ctx: AgentContext) {
    this.#ctx = ctx;
    this.#metrics = logMetrics(ctx.registry);
    this.#ruleMetrics = new RuleMetrics(ctx.registry);
    this.reload();
  }

  line(serverId: string, text: string, origin: LineOrigin, atMs = Date.now(), game?: Game): void {
    const server = this.#servers.get(serverId);
    if (!server) return;
    let matched = this.#builtin(server, game && game !== server.game ? BUILTIN_RULES[game] : server.builtin, text, atMs);
    for (const rule of server.lineRules) if (applyRule(rule, serverId, text, this.#metrics)) matched = true;
    for (const record of server.multiline) record.push(text);
    if (!matched && server.multiline.length === 0) server.unmatched.n++;
    // Console lines arrive one at a time: apply at once. Log lines wait for commit() (per chunk).
    if (origin === 'console') server.sink.commit();
  }

  /**
   * Gauge warm start (TAILING.md behaviour 10): lines that were already in a file the agent
   * starts following at its end set the gauges (players online, map, last save) at once;
   * counters and user rules ignore them, since those lines happened before we were watching.
   */
  warm(serverId: string, lines: readonly string[], atMs = Date.now(), game?: Game): void {
    const server = this.#servers.get(serverId);
    if (!server) return;
    const set = game && game !== server.game ? BUILTIN_RULES[game] : server.builtin;
    server.sink.commit();
    server.sink.warm = true;
    try {
      for (const line of lines) this.#builtin(server, set, line, atMs);
    } finally {
      server.sink.warm = false;
    }
    server.sink.commit();
  }

  /** Apply what the log lines since the last commit observed (player counts, map, save time). */
  commit(): void {
    for (const server of this.#servers.values()) server.sink.commit();
  }

  reply(serverId: string, _command: string, text: string, ruleNames: readonly string[]): void {
    for (const name of ruleNames) {
      const rule = this.#rules.get(name);
      if (rule && ruleApplies(rule, serverId, 'command')) applyRule(rule, serverId, text, this.#metrics);
    }
  }

  /** `running`: the config before this reload, so unchanged servers skip setting up their series again. */
  reload(running?: Config): void {
    const config = this.#ctx.config;
    const metrics = this.#ruleMetrics.sync(config.rules);
    // Series (and the label values they hold) live with the metric, so they survive a reload.
    this.#rules = new Map(config.rules.map((rc) => [rc.name, compileRule(rc, metrics.get(rc.metric)!)]));
    const keep = new Set(config.servers.map((s) => s.id));
    for (const [id, server] of this.#servers) {
      if (!keep.has(id)) {
        server.multiline.forEach((m) => m.close());
        this.#servers.delete(id);
      }
    }
    const before = new Map(running?.servers.map((s) => [s.id, s]));
    for (const cfg of config.servers) this.#configureServer(cfg, before.get(cfg.id));
  }

  /** Flush open multi-line records and pending observations (end of a one-shot parse, shutdown). */
  flush(): void {
    for (const server of this.#servers.values()) for (const record of server.multiline) record.flush();
    this.commit();
  }

  /** User-rule metrics, for the counter snapshot. */
  ruleMetrics(): RuleMetric[] {
    return this.#ruleMetrics.list();
  }

  state(): ExtractionState {
    const sessions: ExtractionState['sessions'] = {};
    const multiline: NonNullable<ExtractionState['multiline']> = [];
    for (const [id, server] of this.#servers) {
      if (server.sink.sessions.size > 0) sessions[id] = [...server.sink.sessions];
      for (const record of server.multiline) {
        const open = record.open();
        if (open) multiline.push({ server: id, rule: record.rule.config.name, ...open });
      }
    }
    return multiline.length > 0 ? { sessions, multiline } : { sessions };
  }

  /** After the rule metrics were restored from the counter snapshot (their series count against the caps). */
  restoreState(state: ExtractionState | undefined): void {
    this.#ruleMetrics.adopt();
    for (const [id, entries] of Object.entries(state?.sessions ?? {})) {
      const server = this.#servers.get(id);
      if (!server || !Array.isArray(entries)) continue;
      for (const [player, at] of entries) if (typeof player === 'string' && typeof at === 'number') server.sink.sessions.set(player, at);
    }
    for (const saved of Array.isArray(state?.multiline) ? state.multiline : []) {
      if (!isOpenRecord(saved)) continue;
      this.#servers.get(saved.server)?.multiline.find((m) => m.rule.config.name === saved.rule)?.resume(saved);
    }
  }

  #configureServer(cfg: ServerConfig, previous: ServerConfig | undefined): void {
    let server = this.#servers.get(cfg.id);
    if (!server) {
      server = new ServerEntry(cfg.id, cfg.game, this.#ctx, this.#metrics);
      this.#servers.set(cfg.id, server);
    }
    this.#metrics.pending.init(cfg, previous);
    server.game = cfg.game;
    server.builtin = BUILTIN_RULES[cfg.game];
    const applicable = [...this.#rules.values()].filter((r) => ruleApplies(r, cfg.id, 'log'));
    // Records open under a rule that is still there continue across the reload.
    const open = new Map(server.multiline.map((m) => [m.rule.config.name, m.open()]));
    server.multiline.forEach((m) => m.close());
    server.lineRules = applicable.filter((r) => !r.firstLine);
    server.multiline = applicable
      .filter((r) => r.firstLine)
      .map((r) => new Multiline(r, (record) => applyRule(r, cfg.id, record, this.#metrics)));
    for (const m of server.multiline) {
      const record = open.get(m.rule.config.name);
      if (record) m.resume(record);
    }
  }

  #builtin(server: ServerEntry, set: BuiltinRuleSet, text: string, atMs: number): boolean {
    if (set.skip?.(text)) return false;
    const message = set.message ? set.message(text) : text;
    for (const rule of set.rules) {
      if (rule.hint !== undefined && !containsHint(message, rule.hint)) continue;
      const m = rule.re.exec(message);
      if (!m) continue;
      if (!server.sink.warm) server.matchCell(rule.name).n++;
      server.sink.begin(set, text, atMs);
      rule.apply(m, server.sink);
      return true;
    }
    const event = server.sink.warm ? undefined : set.fallback?.event(text);
    if (!event) return false;
    server.matchCell(set.fallback!.name).n++;
    this.#ctx.counters.logEvents.inc({ server: server.id, event });
    return true;
  }
}

/** A saved open record as written by state() (the checkpoint is read back unchecked otherwise). */
function isOpenRecord(r: unknown): r is NonNullable<ExtractionState['multiline']>[number] {
  const x = r as Partial<NonNullable<ExtractionState['multiline']>[number]> | null;
  return (
    typeof x?.server === 'string' &&
    typeof x.rule === 'string' &&
    typeof x.openedAtMs === 'number' &&
    Array.isArray(x.lines) &&
    x.lines.every((l) => typeof l === 'string')
  );
}

function containsHint(text: string, hint: string | ((text: string) => boolean)): boolean {
  return typeof hint === 'string' ? text.includes(hint) : hint(text);
}
