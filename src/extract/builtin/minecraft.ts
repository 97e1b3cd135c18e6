/**
 * Minecraft server logs, PROTOCOLS.md section 3. Prefixes handled:
 *   - vanilla / CraftBukkit / Spigot / Fabric `logs/latest.log`: `[HH:mm:ss] [thread/LEVEL]: msg`;
 *   - Paper console: `[HH:mm:ss LEVEL]: msg`;
 *   - Forge: `[HH:mm:ss] [thread/LEVEL] [logger/]: msg`;
 *   - NeoForge / Forge 1.17+: `[29May2025 12:17:04.451] [thread/LEVEL] [logger/MARKER]: msg`.
 * A time without a date is the latest such time not after the moment the line was read.
 *
 * Joins: `NAME[/IP:port] logged in with entity id N at (...)` is printed by every build (some
 * plugins hide `NAME joined the game`, which vanilla prints right after it): the login line is
 * the join, `joined the game` only confirms it.
 */
import { localTime, type BuiltinRuleSet } from '../rules.ts';

const MONTHS: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

// Groups: 1 day, 2 month name, 3 year, 4-6 time, 7 ms, 8 Paper level, 9 thread level.
const PREFIX = /^\[(?:(\d\d)([A-Z][a-z]{2})(\d{4}) )?(\d\d):(\d\d):(\d\d)(?:\.(\d{3}))?(?: ([A-Z]+))?\](?: \[[^\]]*?\/([A-Z]+)\])?(?: \[[^\]]*\])?: /;

const NAME = String.raw`(\w{1,16})`;

const DEATH =
  /^(?:\[Not Secure\] )?\w{1,16} (?:was (?:slain|shot|killed|blown up|pricked|squashed|fireballed|burnt|struck|squished|impaled|stung|poked|frozen|doomed|obliterated|skewered|pummeled|impaled)|drowned|died|fell |burned to death|went up in flames|tried to swim in lava|hit the ground|suffocated|starved|experienced kinetic energy|blew up|withered away|discovered the floor|froze to death|walked into)/;

export const minecraft: BuiltinRuleSet = {
  counts: { events: ['chat', 'death', 'kick', 'ban', 'save', 'warning', 'error', 'crash'], players: true },
  timestamp(line, nowMs) {
    const m = PREFIX.exec(line);
    if (!m) return undefined;
    const month = m[2] === undefined ? undefined : MONTHS[m[2]];
    if (month !== undefined) return localTime(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!, +(m[7] ?? 0));
    const d = new Date(nowMs);
    d.setHours(+m[4]!, +m[5]!, +m[6]!, +(m[7] ?? 0));
    // A time later than now was yesterday's.
    return d.getTime() > nowMs ? d.getTime() - 86_400_000 : d.getTime();
  },
  message(line) {
    const m = PREFIX.exec(line);
    return m ? line.slice(m[0].length) : line;
  },
  fallback: {
    name: 'minecraft_level_fallback',
    event(line) {
      const m = PREFIX.exec(line);
      const level = m?.[9] ?? m?.[8];
      if (level === 'WARN') return 'warning';
      if (level === 'ERROR' || level === 'FATAL') return 'error';
      return undefined;
    },
  },
  rules: [
    { name: 'minecraft_login', hint: ' logged in with entity id ', re: new RegExp(`^${NAME}\\[.*?\\] logged in with entity id \\d`), apply: (m, s) => s.join(m[1]!) },
    {
      name: 'minecraft_join',
      hint: ' joined the game',
      re: new RegExp(`^${NAME}(?: \\(formerly known as \\w{1,16}\\))? joined the game$`),
      apply: (m, s) => s.joinConfirmed(m[1]!),
    },
    { name: 'minecraft_leave', hint: ' left the game', re: new RegExp(`^${NAME} left the game$`), apply: (m, s) => s.leave(m[1]!) },
    { name: 'minecraft_kick', hint: 'lost connection: ', re: new RegExp(`^${NAME} lost connection: .*\\b[Kk]icked\\b`), apply: (m, s) => s.kick(m[1]!) },
    { name: 'minecraft_kick', hint: 'Kicked ', re: new RegExp(`^Kicked (?!by )${NAME}\\b`), apply: (m, s) => s.kick(m[1]!) },
    { name: 'minecraft_kick', hint: ' was kicked for ', re: new RegExp(`^${NAME} was kicked for `), apply: (m, s) => s.kick(m[1]!) },
    { name: 'minecraft_ban', hint: 'Banned ', re: /^Banned \w/, apply: (_m, s) => s.event('ban') },
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
