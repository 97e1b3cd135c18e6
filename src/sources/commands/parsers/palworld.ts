/** Palworld `ShowPlayers`: CSV with a header `name,playeruid,steamid`, one player a line. */
import { GustError } from '../../../errors.ts';
import type { GameObservation } from '../../../state/servers.ts';

export function parsePalworldShowPlayers(text: string): GameObservation {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines[0]?.toLowerCase() !== 'name,playeruid,steamid') throw new GustError('GUST_COMMAND_PARSE', 'ShowPlayers reply has no CSV header');
  return { playersOnline: lines.length - 1 };
}
