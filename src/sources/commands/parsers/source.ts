/** Source engine `status` (TF2, CS:GO, CS2; PROTOCOLS.md section 4). Bots are not players. */
import { GustError } from '../../../errors.ts';
import type { GameObservation } from '../../../state/servers.ts';

const PLAYERS = /^players\s*:\s*(\d+)\s+humans?,\s*(\d+)\s+bots?\s*\((\d+)(?:\/\d+)?\s+max\)/m;
const CS2_MAP = /loaded spawngroup\(\s*1\)\s*:\s*SV:\s*\[1:\s*([^\s|\]]+)/;

export function parseSourceStatus(text: string): GameObservation {
  const m = PLAYERS.exec(text);
  if (!m) throw new GustError('GUST_COMMAND_PARSE', 'status reply has no "players : N humans, B bots (M max)" line');
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+?)\\s*$`, 'm').exec(text)?.[1];
  // `map : ctf_2fort at: 0 x, 0 y, 0 z` (TF2, CS:GO); field() already trimmed the value's ends.
  const map = field('map')?.split(/\s+at:/)[0] ?? CS2_MAP.exec(text)?.[1];
  return {
    playersOnline: Number(m[1]),
    playersMax: Number(m[3]),
    name: field('hostname'),
    map,
    version: field('version')?.split(/\s/)[0],
  };
}
