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
});

describe('Palworld and ARK', () => {
  it('ShowPlayers CSV', () => {
    assert.deepEqual(parsePalworldShowPlayers('name,playeruid,steamid\nAlice,123,76561198000000001\nBob,456,76561198000000002\n'), { playersOnline: 2 });
    assert.deepEqual(parsePalworldShowPlayers('name,playeruid,steamid\n'), { playersOnline: 0 });
    assert.throws(() => parsePalworldShowPlayers('Unknown command'), parseError);
  });

  it('ListPlayers', () => {
    assert.deepEqual(parseArkListPlayers('0. Survivor42, 00020000abcdef\n1. Rex, 76561198000000001\n '), { playersOnline: 2 });
    assert.deepEqual(parseArkListPlayers('No Players Connected \n '), { playersOnline: 0 });
    assert.throws(() => parseArkListPlayers('Server received, But no response!! \n '), parseError);
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
