/** Minecraft `list` in every known version's wording (PROTOCOLS.md section 3). */
import { GustError } from '../../../errors.ts';
import type { GameObservation } from '../../../state/servers.ts';

// The names after the colon are not read (the count says how many).
const LIST = /There are (\d+)(?:\/| of a max (?:of )?)(\d+) players online:/;

export function parseMinecraftList(text: string): GameObservation {
  const m = LIST.exec(text.replace(/§./g, ''));
  if (!m) throw new GustError('GUST_COMMAND_PARSE', 'list reply is not "There are N of a max M players online"');
  return { playersOnline: Number(m[1]), playersMax: Number(m[2]) };
}
