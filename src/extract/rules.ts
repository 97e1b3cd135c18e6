/**
 * The shape of a built-in rule set: one per game. A rule is a regex (behind a cheap substring
 * hint) and what a match means, told to an EventSink. Rules are plain data and functions
 * written here: no eval, no user code.
 */
import type { LogEvent } from './events.ts';

export interface EventSink {
  /**
   * A player entered. `player` (a SteamID or a name) pairs joins with leaves for session
   * durations and the players-online figure derived from the log.
   */
  join(player: string): void;
  /**
   * A second record of a join already announced (Minecraft's `NAME joined the game` after its
   * `logged in with entity id` line): a join only when the player is not online yet.
   */
  joinConfirmed(player: string): void;
  leave(player: string): void;
  /**
   * A player was kicked: event `kick`, counted once per session (Minecraft may log one kick as
   * `Kicked NAME`, `NAME was kicked for ...` and `NAME lost connection: Kicked ...`). Not a
   * leave: formats that print no leave after a kick call leave() too.
   */
  kick(player: string): void;
  event(event: LogEvent): void;
  /** A world save: counts event `save` and sets the last-save timestamp. */
  save(): void;
  /**
   * The game server (re)started. A start some builds announce in two lines (Rust: `RCon
   * Started on` then `Connected to Steam`) passes `begin` on the first and `complete` on the
   * second: a `complete` counts only when no `begin` came since the previous start.
   */
  restart(phase?: 'begin' | 'complete'): void;
  players(online: number, max?: number): void;
  info(info: { map?: string; version?: string; name?: string }): void;
}

export interface BuiltinRule {
  /** The `rule` label of gust_log_rule_matches_total. */
  readonly name: string;
  /**
   * A substring every matching line contains (or a cheap test); lines without it skip the
   * regex.
   */
  readonly hint?: string | ((text: string) => boolean);
  readonly re: RegExp;
  apply(m: RegExpExecArray, sink: EventSink): void;
}

/**
 * Scratch space one server's sink lends to timestamp(): consecutive lines mostly share their
 * second, so a format may keep the last stamp text it parsed and its value here.
 */
export interface TimestampMemo {
  /** The timestamp() that wrote it (a server may read files of several formats). */
  owner?: unknown;
  stamp: string;
  ms: number;
}

export interface BuiltinRuleSet {
  /** Unix ms of the line's own timestamp, when the format has one; `nowMs` completes partial ones (time without date). */
  timestamp(line: string, nowMs: number, memo: TimestampMemo): number | undefined;
  /** Strip a per-line prefix (timestamp, thread, level) before the rules run. */
  message?(line: string): string;
  /** Lines that are noise (e.g. Unity's `(Filename: ...)` trailers). */
  skip?(line: string): boolean;
  readonly rules: readonly BuiltinRule[];
  /** When no rule matched: an event from the line's level (WARN, ERROR), if any. */
  readonly fallback?: LevelFallback;
  /**
   * What the rules (and the fallback) can count: a server reading this format starts exactly
   * these label sets at 0 (CONVENTIONS), no others. test/metrics/series-count.test.ts checks it
   * against the rules' source.
   */
  readonly counts: RuleSetCounts;
}

export interface RuleSetCounts {
  /** `event` values of gust_log_events_total (kick() counts `kick`, save() counts `save`). */
  readonly events: readonly LogEvent[];
  /** join()/leave(): gust_player_joins_total, gust_player_leaves_total. */
  readonly players: boolean;
}

export interface LevelFallback {
  /** The `rule` label of gust_log_rule_matches_total (distinct from every rule's name). */
  readonly name: string;
  event(line: string): LogEvent | undefined;
}

/** Date.UTC-free local time: game logs print the host's local time. */
export function localTime(year: number, month: number, day: number, h: number, m: number, s: number, ms = 0): number {
  return new Date(year, month - 1, day, h, m, s, ms).getTime();
}

/**
 * timestamp() and message() for formats whose lines start with a `MM/dd/yyyy HH:mm:ss`
 * prefix (the prefix regex captures month, day, year, hour, minute, second in that order).
 * Lines without the prefix are taken as they are, without a timestamp.
 */
export function usDatePrefix(prefix: RegExp): Pick<BuiltinRuleSet, 'timestamp' | 'message'> {
  return {
    timestamp(line) {
      const m = prefix.exec(line);
      return m ? localTime(+m[3]!, +m[1]!, +m[2]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
    },
    message(line) {
      const m = prefix.exec(line);
      return m ? line.slice(m[0].length) : line;
    },
  };
}

/** Seed 000's validation of a player count: 0 <= current <= max <= 1000. */
export function validPlayers(online: number, max: number): boolean {
  return Number.isInteger(online) && Number.isInteger(max) && online >= 0 && online <= max && max <= 1000;
}
