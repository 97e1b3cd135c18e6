/** Which reply parser a command gets: by game and command name (case and space insensitive), an explicit `parser:`, or none. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectParser } from '../../src/sources/commands/parsers/index.ts';
import { parseRustServerinfo, parseRustStatus, parseRustPlayerlist } from '../../src/sources/commands/parsers/rust.ts';
import { parseMinecraftList } from '../../src/sources/commands/parsers/minecraft.ts';
import { parseSourceStatus } from '../../src/sources/commands/parsers/source.ts';
import { parsePalworldShowPlayers } from '../../src/sources/commands/parsers/palworld.ts';
import { parseArkListPlayers } from '../../src/sources/commands/parsers/ark.ts';

test('built-in parser per game and command', () => {
  assert.equal(selectParser('rust', 'serverinfo'), parseRustServerinfo);
  assert.equal(selectParser('rust', 'status'), parseRustStatus);
  assert.equal(selectParser('rust', 'playerlist'), parseRustPlayerlist);
  assert.equal(selectParser('minecraft', 'list'), parseMinecraftList);
  assert.equal(selectParser('source', 'status'), parseSourceStatus);
  assert.equal(selectParser('palworld', 'ShowPlayers'), parsePalworldShowPlayers);
  assert.equal(selectParser('ark', ' ListPlayers '), parseArkListPlayers);
  // Another game's command, an unknown command, a game without built-in parsers: none.
  assert.equal(selectParser('minecraft', 'status'), undefined);
  assert.equal(selectParser('rust', 'say hi'), undefined);
  assert.equal(selectParser('valheim', 'status'), undefined);
});

test('an explicit parser wins over the game; "none" turns parsing off', () => {
  assert.equal(selectParser('generic', 'players', 'minecraft_list'), parseMinecraftList);
  assert.equal(selectParser('rust', 'serverinfo', 'none'), undefined);
  assert.equal(selectParser('minecraft', 'list', 'none'), undefined);
});
