/**
 * Palworld dedicated server log lines (`[2024-01-25 12:34:56] [LOG] Bob joined the server.
 * (User id: steam_7656...)`). Sessions pair joins and leaves by user id.
 */
import { type BuiltinRuleSet } from '../rules.ts';
import { genericTimestamp } from './generic.ts';

const PREFIX = /^\[[\d\- :.]+\] (?:\[LOG\] )?/;

export const palworld: BuiltinRuleSet = {
  counts: { events: ['chat', 'death', 'save'], players: true },
  timestamp: genericTimestamp,
  message(line) {
    const m = PREFIX.exec(line);
    return m ? line.slice(m[0].length) : line;
  },
  rules: [
    {
      name: 'palworld_join',
      re: /^.+? (?:joined|connected to) the server\.? \(User ?id: ([^)]+)\)/i,
      apply: (m, s) => s.join(m[1]!),
    },
    { name: 'palworld_leave', re: /^.+? (?:left|disconnected from) the server\.? \(User ?id: ([^)]+)\)/i, apply: (m, s) => s.leave(m[1]!) },
    { name: 'palworld_chat', re: /^\[CHAT\] /i, apply: (_m, s) => s.event('chat') },
    { name: 'palworld_death', re: /^.+? was (?:killed|defeated)/i, apply: (_m, s) => s.event('death') },
    { name: 'palworld_save', re: /^(?:World saved|Saved the world|Save(?:d)? game)/i, apply: (_m, s) => s.save() },
  ],
};
