/**
 * Generic logs: seed 000's four player-count patterns (`players: 12/50`, `online: 12 of 50`,
 * `connected: 12/50`, `population: 12/50`, case-insensitive) with its validation
 * 0 <= current <= max <= 1000, optional `YYYY-MM-DD HH:MM:SS` prefix, and levels: `ERROR`,
 * `WARN`/`WARNING`, `[Error]`, `[Warning]` (Oxide, Unity), crash words. A level or crash word
 * inside a name (`fabric-crash-report-info-v1`, `crash.txt`) is not an event.
 */
import { localTime, validPlayers, type BuiltinRule, type BuiltinRuleSet, type TimestampMemo } from '../rules.ts';

const TIMESTAMP = /^\[?(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)/;

export function genericTimestamp(line: string, _nowMs: number, memo: TimestampMemo): number | undefined {
  // Consecutive lines mostly share their second: skip the regex and the Date then (a count
  // line every few seconds is a fifth of a busy log, and each asks for its time).
  if (memo.owner === genericTimestamp && line.startsWith(memo.stamp)) return memo.ms;
  const m = TIMESTAMP.exec(line);
  if (!m) return undefined;
  memo.owner = genericTimestamp;
  memo.stamp = m[0];
  memo.ms = localTime(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return memo.ms;
}

/**
 * Every player-count match has a letter, `:`, optional spaces and a digit; timestamps
 * (`03:04:05`) have a digit before their colons. Three indexOf calls beat a case-insensitive
 * alternation over every line.
 */
function wordColonDigit(text: string): boolean {
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    const before = text.charCodeAt(i - 1) | 0x20; // lower-case ASCII letters
    if (before < 0x61 || before > 0x7a) continue;
    let j = i + 1;
    while (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09) j++;
    const after = text.charCodeAt(j);
    if (after >= 0x30 && after <= 0x39) return true;
  }
  return false;
}

/** Reused by every game: a status line printed to a console counts too. */
export const PLAYER_COUNT_RULE: BuiltinRule = {
  name: 'generic_player_count',
  hint: wordColonDigit,
  re: /(?:players|connected|population):\s*(\d+)\/(\d+)|online:\s*(\d+)\s*of\s*(\d+)/i,
  apply(m, sink) {
    const online = Number(m[1] ?? m[3]);
    const max = Number(m[2] ?? m[4]);
    if (validPlayers(online, max)) sink.players(online, max);
  },
};

export const generic: BuiltinRuleSet = {
  counts: { events: ['warning', 'error', 'crash'], players: false },
  timestamp: genericTimestamp,
  rules: [
    PLAYER_COUNT_RULE,
    {
      // One regex for the levels: one scan of the line instead of several. A word joined to
      // its neighbours by `-`, `_` or `.` is part of a name, not a level.
      name: 'generic_level',
      re: /(?<![\w.-])(?:([Cc]rash(?:ed)?|CRASH(?:ED)?|[Pp]anic|PANIC|FATAL)|(ERROR)|(WARN(?:ING)?))(?![\w-]|\.\w)|\[(?:(Error)|Warning)\]/,
      apply: (m, s) => s.event(m[1] ? 'crash' : m[2] || m[4] ? 'error' : 'warning'),
    },
  ],
};
