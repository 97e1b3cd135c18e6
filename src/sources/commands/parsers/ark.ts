/** ARK `ListPlayers`: "0. Name, 76561198..." per player, or "No Players Connected". */
import { GustError } from '../../../errors.ts';
import type { GameObservation } from '../../../state/servers.ts';

export function parseArkListPlayers(text: string): GameObservation {
  if (/No Players Connected/i.test(text)) return { playersOnline: 0 };
  // A player line: index, dot, space, name, comma, id (one character of each part decides).
  const players = text.split(/\r?\n/).filter((l) => /^\s*\d+\.\s.+,\s*\S/.test(l));
  if (players.length === 0) throw new GustError('GUST_COMMAND_PARSE', 'ListPlayers reply lists no players and does not say "No Players Connected"');
  return { playersOnline: players.length };
}
