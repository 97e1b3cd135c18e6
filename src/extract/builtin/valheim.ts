/**
 * Valheim dedicated server (`MM/dd/yyyy HH:mm:ss: msg`), PROTOCOLS.md section 4. Sessions pair
 * `Got connection SteamID X` with `Closing socket X`; `Connections N` is the player count.
 */
import { usDatePrefix, type BuiltinRuleSet } from '../rules.ts';

const PREFIX = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d): /;

export const valheim: BuiltinRuleSet = {
  counts: { events: ['death', 'save'], players: true },
  ...usDatePrefix(PREFIX),
  rules: [
    { name: 'valheim_join', hint: 'Got connection SteamID ', re: /^Got connection SteamID (\d+)/, apply: (m, s) => s.join(m[1]!) },
    { name: 'valheim_leave', hint: 'Closing socket ', re: /^Closing socket (\d+)/, apply: (m, s) => s.leave(m[1]!) },
    { name: 'valheim_death', hint: 'Got character ZDOID from ', re: /^Got character ZDOID from .+ : 0:0$/, apply: (_m, s) => s.event('death') },
    { name: 'valheim_players', hint: 'Connections ', re: /^\s*Connections (\d+) ZDOS:/, apply: (m, s) => s.players(Number(m[1])) },
    { name: 'valheim_save', hint: 'World saved', re: /^World saved \(/, apply: (_m, s) => s.save() },
    { name: 'valheim_start', hint: 'Game server connected', re: /^Game server connected$/, apply: (_m, s) => s.restart() },
    { name: 'valheim_world', hint: 'Load world: ', re: /^Load world: (\S+)/, apply: (m, s) => s.info({ map: m[1] }) },
  ],
};
