/**
 * Which built-in parser reads which reply: chosen by the command's `parser:` key, else by
 * the server's game and the command's name. Commands without a parser only feed user rules
 * and the cache.
 */
import type { Game } from '../../../config/schema.ts';
import { parseArkListPlayers } from './ark.ts';
import { parseMinecraftList } from './minecraft.ts';
import { parsePalworldShowPlayers } from './palworld.ts';
import { parseRustPlayerlist, parseRustServerinfo, parseRustStatus } from './rust.ts';
import { parseSourceStatus } from './source.ts';
import type { ReplyParser } from './types.ts';

export type { ReplyParser } from './types.ts';

export const PARSERS: Record<string, ReplyParser> = {
  rust_serverinfo: parseRustServerinfo,
  rust_status: parseRustStatus,
  rust_playerlist: parseRustPlayerlist,
  minecraft_list: parseMinecraftList,
  source_status: parseSourceStatus,
  palworld_showplayers: parsePalworldShowPlayers,
  ark_listplayers: parseArkListPlayers,
};

const BY_GAME: Partial<Record<Game, Record<string, string>>> = {
  rust: { serverinfo: 'rust_serverinfo', status: 'rust_status', playerlist: 'rust_playerlist' },
  minecraft: { list: 'minecraft_list' },
  source: { status: 'source_status' },
  palworld: { showplayers: 'palworld_showplayers' },
  ark: { listplayers: 'ark_listplayers' },
};

/** `explicit` is the command's `parser:` value; "none" turns built-in parsing off. */
export function selectParser(game: Game, command: string, explicit?: string): ReplyParser | undefined {
  if (explicit === 'none') return undefined;
  if (explicit) return PARSERS[explicit];
  const name = BY_GAME[game]?.[command.trim().toLowerCase()];
  return name ? PARSERS[name] : undefined;
}
