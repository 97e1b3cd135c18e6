/** Reply parsers on replies in the recorded formats of PROTOCOLS.md. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRustPlayerlist, parseRustServerinfo, parseRustStatus } from '../../src/sources/commands/parsers/rust.ts';
import { parseMinecraftList } from '../../src/sources/commands/parsers/minecraft.ts';
import { parseSourceStatus } from '../../src/sources/commands/parsers/source.ts';
import { parsePalworldShowPlayers } from '../../src/sources/commands/parsers/palworld.ts';
import { parseArkListPlayers } from '../../src/sources/commands/parsers/ark.ts';
import { selectParser } from '../../src/sources/commands/parsers/index.ts';
import { minecraftList } from '../fakes/minecraft.ts';

const parseError = { code: 'GUST_COMMAND_PARSE' };

describe('Rust parsers', () => {
  const serverinfo = `{"Hostname":"My Cool Server","MaxPlayers":50,"Players":0,"Queued":0,"Joining":0,"EntityCount":114685,
 "GameTime":"05/22/2024 11:30:14","Uptime":363,"Map":"Procedural Map","Framerate":204.0,"Memory":1638,
 "MemoryUsageSystem":7766,"Collections":151,"NetworkIn":0,"NetworkOut":0,"Restarting":false,
 "SaveCreatedTime":"04/17/2023 06:00:42","Version":2380,"Protocol":"2380.236.1"}`;

  it('serverinfo: every field of the documented example', () => {
    const now = 1_700_000_000_000;
    assert.deepEqual(parseRustServerinfo(serverinfo, now), {
      playersOnline: 0, playersMax: 50, playersQueued: 0, playersJoining: 0, tickRateHz: 204, entities: 114685,
      memoryBytes: 1638 * 1024 * 1024, networkReceiveBytesPerSecond: 0, networkTransmitBytesPerSecond: 0,
      startTimeSeconds: 1_700_000_000 - 363, restarting: false, name: 'My Cool Server', map: 'Procedural Map', version: '2380.236.1',
    });
  });

  it('serverinfo: older builds without newer fields; garbage is a parse error', () => {
    const old = parseRustServerinfo('{"Hostname":"x","MaxPlayers":10,"Players":3,"Version":2100}', 0);
    assert.equal(old.playersOnline, 3);
    assert.equal(old.version, '2100');
    assert.equal(old.playersQueued, undefined);
    assert.throws(() => parseRustServerinfo('Command not found', 0), parseError);
    assert.throws(() => parseRustServerinfo('{"Hostname":"x"}', 0), parseError);
  });

  it('status and playerlist', () => {
    const status = parseRustStatus('hostname: EU Main\nversion : 2380/236 secure\nmap     : Procedural Map\nplayers : 3 (100 max) (4 queued) (1 joining)\n\nid name ping');
    assert.deepEqual(status, { playersOnline: 3, playersMax: 100, playersQueued: 4, playersJoining: 1, name: 'EU Main', map: 'Procedural Map', version: '2380/236 secure' });
    assert.deepEqual(parseRustPlayerlist('[{"SteamID":"1","DisplayName":"a"},{"SteamID":"2","DisplayName":"b"}]'), { playersOnline: 2 });
    assert.throws(() => parseRustStatus('nothing here'), parseError);
  });

  it('serverinfo: an older build without the newer fields leaves them undefined (never NaN)', () => {
    assert.deepEqual(parseRustServerinfo('{"Hostname":"Old","MaxPlayers":10,"Players":3,"Map":"Barren","Version":2100}', 0), {
      playersOnline: 3, playersMax: 10, playersQueued: undefined, playersJoining: undefined, tickRateHz: undefined, entities: undefined,
      memoryBytes: undefined, networkReceiveBytesPerSecond: undefined, networkTransmitBytesPerSecond: undefined,
      startTimeSeconds: undefined, restarting: undefined, name: 'Old', map: 'Barren', version: '2100',
    });
  });

  it('serverinfo: a field of the wrong type or out of range is left out, not passed on', () => {
    // 1e400 is valid JSON and parses to Infinity; a quoted number or flag is not a number or flag.
    const odd = parseRustServerinfo('{"MaxPlayers":100,"Players":7,"Framerate":1e400,"Queued":"2","Restarting":"false","Hostname":42}', 0);
    assert.equal(odd.tickRateHz, undefined);
    assert.equal(odd.playersQueued, undefined);
    assert.equal(odd.restarting, undefined);
    assert.equal(odd.name, '42');
    assert.equal(parseRustServerinfo('{"MaxPlayers":100,"Players":7,"Restarting":true}', 0).restarting, true);
  });

  it('serverinfo: a reply without both counts, or not an object, is a parse error that says why', () => {
    const noCounts = { code: 'GUST_COMMAND_PARSE', message: 'serverinfo reply has no Players/MaxPlayers' };
    assert.throws(() => parseRustServerinfo('{"Players":3}', 0), noCounts);
    assert.throws(() => parseRustServerinfo('{"MaxPlayers":50}', 0), noCounts);
    assert.throws(() => parseRustServerinfo('{"Players":"3","MaxPlayers":50}', 0), noCounts);
    for (const value of ['null', '42', '"serverinfo"', '[]']) assert.throws(() => parseRustServerinfo(value, 0), noCounts, value);
    assert.throws(() => parseRustServerinfo('Unknown command: serverinfo', 0), { code: 'GUST_COMMAND_PARSE', message: 'serverinfo reply is not JSON' });
  });

  it('playerlist: an empty array is 0; anything but a JSON array is a parse error that says why', () => {
    assert.deepEqual(parseRustPlayerlist('[]'), { playersOnline: 0 });
    assert.throws(() => parseRustPlayerlist('{"SteamID":"1"}'), { code: 'GUST_COMMAND_PARSE', message: 'playerlist reply is not a JSON array' });
    assert.throws(() => parseRustPlayerlist('[{"SteamID":'), { code: 'GUST_COMMAND_PARSE', message: 'playerlist reply is not JSON' });
  });

  it('status: queued and joining are optional; spacing around the tokens may be none or several', () => {
    // Older builds print only "(M max)"; no hostname/map/version lines: those fields stay undefined.
    assert.deepEqual(parseRustStatus('players : 123 (200 max)\n'), {
      playersOnline: 123, playersMax: 200, playersQueued: undefined, playersJoining: undefined, name: undefined, map: undefined, version: undefined,
    });
    assert.deepEqual(parseRustStatus('players : 5 (50 max) (2 queued)\n'), {
      playersOnline: 5, playersMax: 50, playersQueued: 2, playersJoining: undefined, name: undefined, map: undefined, version: undefined,
    });
    const compact = parseRustStatus('hostname:Tight\r\nplayers:12(100max)(14queued)(10joining)\r\n');
    assert.deepEqual([compact.name, compact.playersOnline, compact.playersMax, compact.playersQueued, compact.playersJoining], ['Tight', 12, 100, 14, 10]);
    const wide = parseRustStatus('hostname :  Wide Server  \nplayers  :  12  (100  max)  (14  queued)  (10  joining)\n');
    assert.deepEqual([wide.name, wide.playersOnline, wide.playersMax, wide.playersQueued, wide.playersJoining], ['Wide Server', 12, 100, 14, 10]);
    assert.throws(() => parseRustStatus('Unknown command: status'), { code: 'GUST_COMMAND_PARSE', message: 'status reply has no "players : N (M max)" line' });
  });
});

describe('Minecraft list', () => {
  it('every version format, with and without players, colour codes stripped', () => {
    for (const format of ['vanilla112', 'bukkit112', 'v113', 'v116'] as const) {
      assert.deepEqual(parseMinecraftList(minecraftList(2, 20, format)), { playersOnline: 2, playersMax: 20 }, format);
      assert.deepEqual(parseMinecraftList(minecraftList(0, 20, format)), { playersOnline: 0, playersMax: 20 }, `${format} empty`);
    }
    assert.deepEqual(parseMinecraftList('§6There are §c5§6 of a max of §c100§6 players online: a'), { playersOnline: 5, playersMax: 100 });
    assert.throws(() => parseMinecraftList('Unknown command'), parseError);
  });

  it('counts of several digits; a reply in another wording is a parse error that says why', () => {
    assert.deepEqual(parseMinecraftList('There are 12 of a max of 100 players online: a, b, c, d, e, f, g, h, i, j, k, l'), { playersOnline: 12, playersMax: 100 });
    assert.deepEqual(parseMinecraftList('There are 12/100 players online:a, b'), { playersOnline: 12, playersMax: 100 });
    assert.throws(() => parseMinecraftList('Unknown or incomplete command, see below for error'), {
      code: 'GUST_COMMAND_PARSE',
      message: 'list reply is not "There are N of a max M players online"',
    });
  });
});

describe('Source status', () => {
  it('TF2, CS:GO and CS2 formats', () => {
    const tf2 = parseSourceStatus('hostname: My TF2\nversion : 8835751/24 8835751 secure\nmap     : ctf_2fort at: 0 x, 0 y, 0 z\nplayers : 3 humans, 0 bots (24 max)\n');
    assert.deepEqual(tf2, { playersOnline: 3, playersMax: 24, name: 'My TF2', map: 'ctf_2fort', version: '8835751/24' });
    const csgo = parseSourceStatus('hostname: CSGO\nplayers : 17 humans, 7 bots (16/0 max) (not hibernating)\n');
    assert.equal(csgo.playersOnline, 17);
    assert.equal(csgo.playersMax, 16);
    const cs2 = parseSourceStatus('Server:  Running [0.0.0.0:27015]\nhostname  : CS2 box\nplayers  : 0 humans, 2 bots (0 max) (not hibernating) (unreserved)\nloaded spawngroup(  1)  : SV:  [1: de_mirage | main lump | mapload]\n');
    assert.deepEqual({ ...cs2, version: undefined }, { playersOnline: 0, playersMax: 0, name: 'CS2 box', map: 'de_mirage', version: undefined });
    assert.throws(() => parseSourceStatus('Unknown command "status"'), parseError);
  });

  it('singular human and bot, counts of several digits, padded columns, a second max figure', () => {
    const one = parseSourceStatus('hostname: Duel\nmap     : cp_badlands  at: 0 x, 0 y, 0 z\nplayers : 1 human, 1 bot (2 max)\n');
    assert.deepEqual(one, { playersOnline: 1, playersMax: 2, name: 'Duel', map: 'cp_badlands', version: undefined });
    const padded = parseSourceStatus('version : 1.38.8.1/13881  1575 secure\nmap     : de_dust2\nplayers :  12  humans,  13  bots  (64/10  max)\n');
    assert.deepEqual(padded, { playersOnline: 12, playersMax: 64, name: undefined, map: 'de_dust2', version: '1.38.8.1/13881' });
    // CS2 without a `map :` line: the map comes from spawngroup 1, however its columns are padded.
    assert.equal(parseSourceStatus('players  : 0 humans, 0 bots (10 max)\nloaded spawngroup(  1)  :  SV:  [1:de_nuke | main lump | mapload]\n').map, 'de_nuke');
  });

  it('only a line that starts with "players" is the count (a hostname may say anything)', () => {
    const tricky = parseSourceStatus('hostname: best players : 99 humans, 0 bots (99 max)\nplayers : 4 humans, 0 bots (24 max)\n');
    assert.equal(tricky.playersOnline, 4);
    assert.equal(tricky.playersMax, 24);
    assert.throws(() => parseSourceStatus('Unknown command "status"'), {
      code: 'GUST_COMMAND_PARSE',
      message: 'status reply has no "players : N humans, B bots (M max)" line',
    });
  });
});

describe('Palworld and ARK', () => {
  it('ShowPlayers CSV', () => {
    assert.deepEqual(parsePalworldShowPlayers('name,playeruid,steamid\nAlice,123,76561198000000001\nBob,456,76561198000000002\n'), { playersOnline: 2 });
    assert.deepEqual(parsePalworldShowPlayers('name,playeruid,steamid\n'), { playersOnline: 0 });
    assert.throws(() => parsePalworldShowPlayers('Unknown command'), parseError);
  });

  it('ShowPlayers: blank or space-only lines and padded header are not players; an empty reply is a parse error', () => {
    assert.deepEqual(parsePalworldShowPlayers('name,playeruid,steamid \r\nAlice,123,76561198000000001\r\n  \r\n'), { playersOnline: 1 });
    assert.deepEqual(parsePalworldShowPlayers('NAME,PlayerUID,SteamID\n'), { playersOnline: 0 });
    assert.throws(() => parsePalworldShowPlayers(''), { code: 'GUST_COMMAND_PARSE', message: 'ShowPlayers reply has no CSV header' });
  });

  it('ListPlayers', () => {
    assert.deepEqual(parseArkListPlayers('0. Survivor42, 00020000abcdef\n1. Rex, 76561198000000001\n '), { playersOnline: 2 });
    assert.deepEqual(parseArkListPlayers('No Players Connected \n '), { playersOnline: 0 });
    assert.throws(() => parseArkListPlayers('Server received, But no response!! \n '), parseError);
  });

  it('ListPlayers: indexes of several digits, padded or unpadded separators; only lines starting with an index count', () => {
    const many = Array.from({ length: 12 }, (_, i) => `${i}. Survivor${i}, 7656119800000000${i}`).join('\n');
    assert.deepEqual(parseArkListPlayers(`\n${many}\n `), { playersOnline: 12 });
    assert.deepEqual(parseArkListPlayers('  0.  Rex,76561198000000001\n'), { playersOnline: 1 });
    assert.throws(() => parseArkListPlayers('Unknown command: step 1. retry later, please\n'), {
      code: 'GUST_COMMAND_PARSE',
      message: 'ListPlayers reply lists no players and does not say "No Players Connected"',
    });
  });
});

describe('parser selection', () => {
  it('by game and command, overridable, "none" turns it off', () => {
    assert.equal(selectParser('rust', 'serverinfo'), parseRustServerinfo);
    assert.equal(selectParser('minecraft', 'list'), parseMinecraftList);
    assert.equal(selectParser('palworld', 'ShowPlayers'), parsePalworldShowPlayers);
    assert.equal(selectParser('generic', 'list'), undefined);
    assert.equal(selectParser('generic', 'players', 'minecraft_list'), parseMinecraftList);
    assert.equal(selectParser('rust', 'serverinfo', 'none'), undefined);
  });
});
