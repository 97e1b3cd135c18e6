/**
 * ARK ShooterGame.log (`[2026.09.13-18.48.40:782][696]2026.09.13_18.48.40: msg`; ARK: Survival
 * Ascended lines may lack the second stamp), PROTOCOLS.md section 4. Sessions pair joins and
 * leaves by UniqueNetId. A start is ASA's `Server: "NAME" has successfully started!`.
 */
import { localTime, type BuiltinRuleSet } from '../rules.ts';

const PREFIX = /^\[(\d{4})\.(\d\d)\.(\d\d)-(\d\d)\.(\d\d)\.(\d\d):(\d{3})\]\[\s*\d+\](?:\d{4}\.\d\d\.\d\d_\d\d\.\d\d\.\d\d: )?/;

export const ark: BuiltinRuleSet = {
  counts: { events: ['death', 'kick', 'ban', 'save', 'crash'], players: true },
  timestamp(line) {
    const m = PREFIX.exec(line);
    return m ? localTime(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!) : undefined;
  },
  message(line) {
    const m = PREFIX.exec(line);
    return m ? line.slice(m[0].length) : line;
  },
  rules: [
    { name: 'ark_join', hint: ' joined this ARK!', re: /^.+? \[UniqueNetId:([^ \]]+)[^\]]*\] joined this ARK!/, apply: (m, s) => s.join(m[1]!) },
    { name: 'ark_leave', hint: ' left this ARK!', re: /^.+? \[UniqueNetId:([^ \]]+)[^\]]*\] left this ARK!/, apply: (m, s) => s.leave(m[1]!) },
    { name: 'ark_death', hint: ' killed', re: /(?:was killed|killed!)/, apply: (_m, s) => s.event('death') },
    { name: 'ark_start', hint: 'has successfully started!', re: /^Server: ".*" has successfully started!$/, apply: (_m, s) => s.restart() },
    { name: 'ark_save', re: /^(?:Saving world|World Save Complete)/i, apply: (_m, s) => s.save() },
    { name: 'ark_kick', re: /\bkicked\b/i, apply: (_m, s) => s.event('kick') },
    { name: 'ark_ban', re: /\bbanned\b/i, apply: (_m, s) => s.event('ban') },
    { name: 'ark_crash', re: /^(?:Fatal error!|CRASH:|Unhandled Exception)/, apply: (_m, s) => s.event('crash') },
  ],
};
