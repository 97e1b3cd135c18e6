/**
 * Rust (Facepunch) console / -logfile output (PROTOCOLS.md section 4). No timestamp prefix;
 * Unity's `(Filename: ... Line: N)` trailers are skipped. The same rules apply to WebRCON
 * console broadcasts.
 */
import { validPlayers, type BuiltinRuleSet } from '../rules.ts';

export const rust: BuiltinRuleSet = {
  skip: (line) => line.startsWith('(Filename:'),
  rules: [
    {
      name: 'rust_join',
      hint: ' joined [',
      re: /^\S+:\d+\/(\d+)\/.+? joined \[/,
      apply: (m, s) => s.join(m[1]),
    },
    {
      name: 'rust_leave',
      hint: ' disconnecting: ',
      re: /^\S+:\d+\/(\d+)\/.+? disconnecting: (.*)$/,
      apply(m, s) {
        s.leave(m[1]);
        if (/^Kicked/i.test(m[2]!)) s.event('kick');
        else if (/^Banned/i.test(m[2]!)) s.event('ban');
      },
    },
    { name: 'rust_chat', hint: 'CHAT] ', re: /^\[(?:TEAM |CLAN |CARDS )?CHAT\] /, apply: (_m, s) => s.event('chat') },
    { name: 'rust_death', re: /\] (?:was killed by |was suicide by |died \()/, apply: (_m, s) => s.event('death') },
    { name: 'rust_save', hint: 'Saved ', re: /^Saved [\d,]+ ents/, apply: (_m, s) => s.save() },
    { name: 'rust_start', hint: 'Server startup complete', re: /^Server startup complete/, apply: (_m, s) => s.restart() },
    { name: 'rust_ban', hint: 'banned', re: /^Kickbanned User|\bwas banned\b/i, apply: (_m, s) => s.event('ban') },
    {
      name: 'rust_status_players',
      hint: 'players',
      re: /^players\s*:\s*(\d+) \((\d+) max\)(?: \((\d+) queued\))?(?: \((\d+) joining\))?/,
      apply(m, s) {
        const online = Number(m[1]);
        const max = Number(m[2]);
        if (validPlayers(online, max)) s.players(online, max);
      },
    },
    { name: 'rust_crash', re: /^(?:Crash!!!|Fatal error|Unhandled exception)/i, apply: (_m, s) => s.event('crash') },
    { name: 'rust_error', hint: 'Exception', re: /^\w*Exception\b/, apply: (_m, s) => s.event('error') },
  ],
};
