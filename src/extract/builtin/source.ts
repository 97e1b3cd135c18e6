/**
 * Source engine: the HL log standard (`L MM/DD/YYYY - HH:MM:SS: ...`) and `status` output
 * printed to the console (TF2, CS:GO, CS2), PROTOCOLS.md section 4. Bots are not players, and
 * `"Console<0><Console><Console>" say` is the server talking. CS2 writes each player's
 * position after them in kill lines: `"A<..>" [x y z] killed "B<..>" [x y z] with "ak47"`.
 */
import { usDatePrefix, validPlayers, type BuiltinRuleSet } from '../rules.ts';

const PREFIX = /^L (\d\d)\/(\d\d)\/(\d{4}) - (\d\d):(\d\d):(\d\d): /;
// A name may hold quotes, but not the end of another player's tag (`>"`): a chat line quoting
// a join, kill or leave line is chat.
const PLAYER = String.raw`"(?:[^"]|(?<!>)"(?!<))*?<\d+><([^>]*)><[^>]*>"`;
/** CS2's position after a player in kill and suicide lines. */
const AT = String.raw`(?: \[-?\d+ -?\d+ -?\d+\])?`;
/** Kick reasons: Source 1 `Kicked by Console`, CS2 `NETWORK_DISCONNECT_KICKED`. */
const KICKED = /^(?:Kicked|NETWORK_DISCONNECT_KICKED)/i;

export const source: BuiltinRuleSet = {
  counts: { events: ['chat', 'death', 'kick', 'ban'], players: true },
  ...usDatePrefix(PREFIX),
  rules: [
    {
      name: 'source_join',
      hint: '" entered the game',
      re: new RegExp(`^${PLAYER} entered the game`),
      apply: (m, s) => m[1] !== 'BOT' && s.join(m[1]!),
    },
    {
      name: 'source_leave',
      hint: '" disconnected',
      re: new RegExp(`^${PLAYER} disconnected(?: \\(reason "([^"]*)"\\))?`),
      apply(m, s) {
        if (m[1] === 'BOT') return;
        if (KICKED.test(m[2] ?? '')) s.kick(m[1]!);
        s.leave(m[1]!);
      },
    },
    { name: 'source_chat', hint: '" say', re: new RegExp(`^(?!"Console<0><Console>)${PLAYER} say(?:_team)? "`), apply: (_m, s) => s.event('chat') },
    {
      name: 'source_death',
      hint: '" ',
      re: new RegExp(`^${PLAYER}${AT} (?:killed ${PLAYER}${AT} with|committed suicide with)`),
      apply: (_m, s) => s.event('death'),
    },
    { name: 'source_ban', re: /^(?:Banid: |"[^"]*" was banned)/, apply: (_m, s) => s.event('ban') },
    { name: 'source_map', hint: ' map "', re: /^(?:Started|Loading) map "([^"]+)"/, apply: (m, s) => s.info({ map: m[1] }) },
    {
      name: 'source_status_players',
      hint: 'humans, ',
      re: /^players\s*:\s*(\d+) humans, (\d+) bots \((\d+)(?:\/\d+)? max\)/,
      apply(m, s) {
        const online = Number(m[1]);
        const max = Number(m[3]);
        if (validPlayers(online, max)) s.players(online, max);
        else s.players(online);
      },
    },
    {
      name: 'source_cs2_map',
      hint: 'loaded spawngroup',
      re: /loaded spawngroup\(\s*1\)\s*: SV:\s*\[1: (\S+) \|/,
      apply: (m, s) => s.info({ map: m[1] }),
    },
  ],
};
