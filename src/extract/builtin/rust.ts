/**
 * Rust (Facepunch) console / -logfile output (PROTOCOLS.md section 4), with or without the
 * `[MM/DD/YYYY HH:MM:SS] ` prefix some hosts' log files put on every line. Unity's
 * `(Filename: ... Line: N)` trailers are skipped. The same rules apply to WebRCON console
 * broadcasts.
 *
 * Starts: current builds print `Server startup complete`; older ones (2016) print
 * `RCon Started on PORT` early and `Connected to Steam` once up, one start in two lines.
 */
import { usDatePrefix, validPlayers, type BuiltinRuleSet } from '../rules.ts';

const PREFIX = /^\[(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d)\] /;
const { timestamp, message } = usDatePrefix(PREFIX);

export const rust: BuiltinRuleSet = {
  counts: { events: ['chat', 'death', 'kick', 'ban', 'save', 'warning', 'error', 'crash'], players: true },
  timestamp,
  // Only lines that carry the prefix pay for the regex.
  message: (line) => (line.charCodeAt(0) === 0x5b /* [ */ ? message!(line) : line),
  skip: (line) => line.startsWith('(Filename:'),
  rules: [
    {
      name: 'rust_join',
      hint: ' joined [',
      re: /^\S+:\d+\/(\d+)\/.+? joined \[/,
      apply: (m, s) => s.join(m[1]!),
    },
    {
      name: 'rust_leave',
      hint: ' disconnecting: ',
      re: /^\S+:\d+\/(\d+)\/.+? disconnecting: (.*)/,
      apply(m, s) {
        if (/^Kicked/i.test(m[2]!)) s.kick(m[1]!);
        else if (/^Banned/i.test(m[2]!)) s.event('ban');
        s.leave(m[1]!);
      },
    },
    {
      // No disconnecting line follows a kick: this line is the leave too.
      name: 'rust_kick',
      hint: ' kicked: ',
      re: /^\S+:\d+\/(\d+)\/.+? kicked: /,
      apply(m, s) {
        s.kick(m[1]!);
        s.leave(m[1]!);
      },
    },
    { name: 'rust_chat', hint: 'CHAT] ', re: /^\[(?:TEAM |CLAN |CARDS )?CHAT\] /, apply: (_m, s) => s.event('chat') },
    { name: 'rust_death', re: /\] (?:was killed by |was suicide by |died \()/, apply: (_m, s) => s.event('death') },
    { name: 'rust_save', hint: 'Saved ', re: /^Saved [\d,]+ ents/, apply: (_m, s) => s.save() },
    { name: 'rust_start', hint: 'Server startup complete', re: /^Server startup complete/, apply: (_m, s) => s.restart('complete') },
    { name: 'rust_start', hint: 'RCon Started on ', re: /^RCon Started on \d/, apply: (_m, s) => s.restart('begin') },
    { name: 'rust_start', hint: 'Connected to Steam', re: /^Connected to Steam$/, apply: (_m, s) => s.restart('complete') },
    { name: 'rust_ban', hint: 'banned', re: /^Kickbanned User|\bwas banned\b/i, apply: (_m, s) => s.event('ban') },
    {
      name: 'rust_status_players',
      hint: 'players',
      re: /^players\s*:\s*(\d+) \((\d+) max\)/,
      apply(m, s) {
        const online = Number(m[1]);
        const max = Number(m[2]);
        if (validPlayers(online, max)) s.players(online, max);
      },
    },
    {
      // Oxide/uMod: `[Oxide] 16:21 [Error] Failed to call hook ...` (12-hour clocks add AM/PM).
      name: 'rust_oxide_level',
      hint: ' [',
      re: /^(?:\[Oxide\] )?\d\d?:\d\d(?: [AP]M)? \[(Error|Warning)\] /,
      apply: (m, s) => s.event(m[1] === 'Error' ? 'error' : 'warning'),
    },
    { name: 'rust_crash', re: /^(?:Crash!!!|Fatal error|Unhandled exception)/i, apply: (_m, s) => s.event('crash') },
    { name: 'rust_error', hint: 'Exception', re: /^\w*Exception\b/, apply: (_m, s) => s.event('error') },
  ],
};
