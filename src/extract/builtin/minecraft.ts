/**
 * Minecraft `logs/latest.log` (`[HH:mm:ss] [thread/LEVEL]: msg`) and the Paper console
 * (`[HH:mm:ss LEVEL]: msg`), PROTOCOLS.md section 3. The time has no date: the latest such time
 * not after the moment the line was read is assumed.
 */
import { type BuiltinRuleSet } from '../rules.ts';

const PREFIX = /^\[(\d\d):(\d\d):(\d\d)(?: (\w+))?\](?: \[[^\]]*?\/(\w+)\])?: /;

const DEATH =
  /^(?:\[Not Secure\] )?\w{1,16} (?:was (?:slain|shot|killed|blown up|pricked|squashed|fireballed|burnt|struck|squished|impaled|stung|poked|frozen|doomed|obliterated|skewered|pummeled|impaled)|drowned|died|fell |burned to death|went up in flames|tried to swim in lava|hit the ground|suffocated|starved|experienced kinetic energy|blew up|withered away|discovered the floor|froze to death|walked into)/;

export const minecraft: BuiltinRuleSet = {
  timestamp(line, nowMs) {
    const m = PREFIX.exec(line);
    if (!m) return undefined;
    const d = new Date(nowMs);
    d.setHours(+m[1]!, +m[2]!, +m[3]!, 0);
    // A time later than now was yesterday's.
    return d.getTime() > nowMs ? d.getTime() - 86_400_000 : d.getTime();
  },
  message(line) {
    const m = PREFIX.exec(line);
    return m ? line.slice(m[0].length) : line;
  },
  fallback(line) {
    const m = PREFIX.exec(line);
    const level = m?.[5] ?? m?.[4];
    if (level === 'WARN') return 'warning';
    if (level === 'ERROR' || level === 'FATAL') return 'error';
    return undefined;
  },
  rules: [
    { name: 'minecraft_join', hint: ' joined the game', re: /^(\w{1,16}) joined the game$/, apply: (m, s) => s.join(m[1]) },
    { name: 'minecraft_leave', hint: ' left the game', re: /^(\w{1,16}) left the game$/, apply: (m, s) => s.leave(m[1]) },
    { name: 'minecraft_kick', hint: 'lost connection: ', re: /^\w{1,16} lost connection: .*\b(?:Kicked|kicked)\b/, apply: (_m, s) => s.event('kick') },
    { name: 'minecraft_kick', hint: 'Kicked ', re: /^Kicked \w{1,16}/, apply: (_m, s) => s.event('kick') },
    { name: 'minecraft_ban', hint: 'Banned ', re: /^Banned \w{1,16}/, apply: (_m, s) => s.event('ban') },
    { name: 'minecraft_chat', hint: '<', re: /^(?:\[Not Secure\] )?<\w{1,16}> /, apply: (_m, s) => s.event('chat') },
    {
      name: 'minecraft_start',
      hint: 'Starting minecraft server version ',
      re: /^Starting minecraft server version (\S+)/,
      apply(m, s) {
        s.restart();
        s.info({ version: m[1] });
      },
    },
    { name: 'minecraft_level', hint: 'Preparing level "', re: /^Preparing level "([^"]+)"/, apply: (m, s) => s.info({ map: m[1] }) },
    { name: 'minecraft_save', hint: 'aved', re: /^(?:Saved the game|ThreadedAnvilChunkStorage.*: All dimensions are saved)/, apply: (_m, s) => s.save() },
    { name: 'minecraft_lag', hint: "Can't keep up!", re: /^Can't keep up!/, apply: (_m, s) => s.event('warning') },
    {
      name: 'minecraft_crash',
      re: /^(?:This crash report has been saved to|A single server tick took|Preparing crash report)/,
      apply: (_m, s) => s.event('crash'),
    },
    { name: 'minecraft_death', re: DEATH, apply: (_m, s) => s.event('death') },
  ],
};

