/**
 * Edges of the built-in rule sets' shared parts (src/extract/rules.ts, builtin/generic.ts):
 * seed 000's player-count lines and their validation 0 <= current <= max <= 1000, the
 * `YYYY-MM-DD HH:MM:SS` and `MM/dd/yyyy HH:mm:ss: ` prefixes that give a line its own time, and
 * lines without a prefix. Lines written here in the formats of PROTOCOLS.md section 4, fed to
 * the real extraction engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseFiles } from '../../src/cli/parse.ts';
import { GAMES, type Game } from '../../src/config/schema.ts';
import { validPlayers } from '../../src/extract/rules.ts';
import { engineHarness } from './helpers.ts';
import { assertLines, type LineEffects } from './line-table.ts';

process.env.TZ = 'UTC';
const READ_AT = Date.UTC(2026, 2, 14, 19, 0, 0);

function server(game: Game) {
  const h = engineHarness('');
  const feed = (...lines: string[]) => {
    for (const line of lines) h.engine.line('s', line, 'log', READ_AT, game);
    h.engine.commit();
  };
  const fields = () => h.ctx.state.get('s')!.fields;
  const counts = () => [fields().playersOnline?.value, fields().playersMax?.value];
  return { ...h, feed, fields, counts };
}

/** Each line in turn, with the counts the state holds after it. */
function countsAfter(game: Game, steps: Array<[string | string[], Array<number | undefined>, string?]>): void {
  const s = server(game);
  for (const [lines, expected, why] of steps) {
    s.feed(...(Array.isArray(lines) ? lines : [lines]));
    assert.deepEqual(s.counts(), expected, why ?? String(lines));
  }
}

test('generic player counts: the four wordings, any case, spaces or tabs after the colon', () => {
  countsAfter('generic', [
    ['players: 12/50', [12, 50]],
    ['Online: 7 of 9', [7, 9]],
    ['CONNECTED:\t 3/40', [3, 40]],
    ['population:  21/64', [21, 64]],
  ]);
});

test('generic player counts: 0 <= current <= max <= 1000, anything else is ignored', () => {
  countsAfter('generic', [
    ['players: 0/0', [0, 0]],
    ['players: 1000/1000', [1000, 1000]],
    [['players: 51/50', 'players: 5/1001', 'online: 1001 of 1001'], [1000, 1000], 'more players than slots, or more than 1000 slots: not a count'],
    ['players: 50/50', [50, 50]],
  ]);
});

test('generic: a colon after a digit (a time) or before a non-digit is not a count', async () => {
  const s = server('generic');
  s.feed('2026-03-14 18:00:00 started', 'players: none yet', 'Score:12/50 in round: 3');
  assert.equal(s.fields().playersOnline, undefined);
  assert.equal(await s.value('gust_log_rule_matches_total{server="s",rule="generic_player_count"}'), undefined);
});

test('generic timestamps: a line\'s own time, date and time apart by a space or T, in brackets or not; none without a prefix', () => {
  const s = server('generic');
  s.feed('2026-03-14 18:30:15 players: 1/10');
  assert.equal(s.fields().playersOnline?.atMs, Date.UTC(2026, 2, 14, 18, 30, 15));
  s.feed('[2026-03-14T18:40:00] players: 2/10');
  assert.equal(s.fields().playersOnline?.atMs, Date.UTC(2026, 2, 14, 18, 40, 0));
  // The same second again (the memo's shortcut) and then another second.
  s.feed('[2026-03-14T18:40:00] players: 3/10', '[2026-03-14T18:41:00] players: 4/10');
  assert.equal(s.fields().playersOnline?.atMs, Date.UTC(2026, 2, 14, 18, 41, 0));
  s.feed('players: 5/10');
  assert.equal(s.fields().playersOnline?.atMs, READ_AT, 'no prefix: the time it was read');
  // A line stamped after it was read (clock skew) counts as read now.
  s.feed('2026-03-14 20:00:00 players: 6/10');
  assert.equal(s.fields().playersOnline?.atMs, READ_AT);
});

test('Valheim\'s MM/dd/yyyy prefix: the line\'s own time, and the rules see the message after it', () => {
  const s = server('valheim');
  s.feed('03/14/2026 18:05:09: Connections 4 ZDOS:10000  sent:0 recv:0');
  assert.deepEqual([s.fields().playersOnline?.value, s.fields().playersOnline?.atMs], [4, Date.UTC(2026, 2, 14, 18, 5, 9)]);
  // Without the prefix the line is taken as it is, read now.
  s.feed('Connections 2 ZDOS:10000  sent:0 recv:0');
  assert.deepEqual([s.fields().playersOnline?.value, s.fields().playersOnline?.atMs], [2, READ_AT]);
  s.feed('03/14/2026 18:06:00: Load world: Midgard01');
  assert.equal(s.fields().map?.value, 'Midgard01');
});

test('validPlayers (also what command and query counts pass): whole numbers, 0 <= current <= max <= 1000', () => {
  for (const [online, max] of [[0, 0], [0, 1000], [1000, 1000], [12, 50]]) assert.equal(validPlayers(online!, max!), true, `${online}/${max}`);
  for (const [online, max] of [[-1, 5], [6, 5], [5, 1001], [1.5, 5], [1, 2.5], [Number.NaN, 5], [1, Number.NaN]]) assert.equal(validPlayers(online!, max!), false, `${online}/${max}`);
});

test('Valheim: counts of several digits; a phrase inside another message is not an event', async () => {
  const s = server('valheim');
  s.feed('03/14/2026 18:10:00: Connections 12 ZDOS:10000  sent:0 recv:0');
  assert.equal(s.fields().playersOnline?.value, 12);
  // The rules are anchored at the message start (and the whole message, for the start line).
  s.feed(
    '03/14/2026 18:11:00: Console: Bjorn: Got connection SteamID 76561198000000001',
    '03/14/2026 18:11:01: Console: Closing socket 76561198000000001',
    '03/14/2026 18:11:02: Console: Got character ZDOID from Bjorn : 0:0',
    '03/14/2026 18:11:03: Console: World saved ( 12.5ms )',
    '03/14/2026 18:11:04: Console: Game server connected',
    '03/14/2026 18:11:05: Game server connected failed',
    '03/14/2026 18:11:06: Got character ZDOID from Bjorn : 0:0 again',
    '03/14/2026 18:11:07: Console: Load world: Fake',
    '03/14/2026 18:11:08: Console: Connections 9 ZDOS:10000  sent:0 recv:0',
    // A date inside a line is not its prefix.
    'Bjorn: 03/14/2026 18:11:09: Connections 8 ZDOS:10000  sent:0 recv:0',
    '#03/14/2026 18:11:10: Connections 7 ZDOS:10000  sent:0 recv:0',
  );
  const counters = await s.scrape();
  assert.doesNotMatch(counters, /^gust_(player_joins|player_leaves|server_restarts)_total\{server="s"\} [1-9]/m);
  assert.doesNotMatch(counters, /^gust_log_events_total\{server="s",event="(death|save)"\} [1-9]/m);
  assert.equal(s.fields().map, undefined);
  assert.equal(s.fields().playersOnline?.value, 12);
});

test('ARK\'s [yyyy.MM.dd-HH.mm.ss:mmm] prefix: the line\'s own time to the millisecond, with or without the second stamp', () => {
  const s = server('ark');
  s.feed('[2026.03.14-18.48.40:782][696]2026.03.14_18.48.40: Saving world...');
  assert.equal(s.fields().lastSaveTimestampSeconds?.value, Date.UTC(2026, 2, 14, 18, 48, 40, 782) / 1000);
  // ARK: Survival Ascended writes no second stamp; the frame counter may be padded.
  s.feed('[2026.03.14-18.52.07:015][ 12]World Save Complete');
  assert.equal(s.fields().lastSaveTimestampSeconds?.value, Date.UTC(2026, 2, 14, 18, 52, 7, 15) / 1000);
  // A stamp inside a line is not the line's time.
  s.feed('Echo [2026.03.14-18.53.00:000][1]Bob [UniqueNetId:76561198000000001 Platform:Steam] joined this ARK!');
  assert.deepEqual([s.fields().playersOnline?.value, s.fields().playersOnline?.atMs], [1, READ_AT]);
});

test('ARK: a start is the whole message; saves and crashes start the message; quoted in chat they are not events', async () => {
  const s = server('ark');
  const at = '[2026.03.14-18.00.00:000][1]2026.03.14_18.00.00: ';
  s.feed(`${at}Server: "Gust Island" has successfully started!`);
  s.feed(
    `${at}Bob (Bob): Server: "Fake" has successfully started!`,
    `${at}Server: "Gust Island" has successfully started! (said Bob)`,
    `${at}Bob (Bob): Saving world soon`,
    `${at}Bob (Bob): Fatal error! lol`,
    `${at}Bob (Bob): CRASH: not really`,
    `${at}Bob (Bob): Unhandled Exception, he said`,
  );
  assert.equal(await s.value('gust_log_rule_matches_total{server="s",rule="ark_start"}'), 1);
  assert.equal((await s.value('gust_log_events_total{server="s",event="save"}')) ?? 0, 0);
  assert.equal((await s.value('gust_log_events_total{server="s",event="crash"}')) ?? 0, 0);
  assert.equal(s.fields().lastSaveTimestampSeconds, undefined);
});

// CONVENTIONS: a label set that can occur starts at 0, and only those. What a game's log can
// count is its rule set's `counts`; this table is what an operator finds on /metrics for a
// server of that game before its first line.
const SERIES_AT_ZERO: Record<Game, { events: string[]; players: boolean }> = {
  rust: { events: ['chat', 'death', 'kick', 'ban', 'save', 'warning', 'error', 'crash'], players: true },
  minecraft: { events: ['chat', 'death', 'kick', 'ban', 'save', 'warning', 'error', 'crash'], players: true },
  source: { events: ['chat', 'death', 'kick', 'ban'], players: true },
  valheim: { events: ['death', 'save'], players: true },
  ark: { events: ['death', 'kick', 'ban', 'save', 'crash'], players: true },
  palworld: { events: ['chat', 'death', 'save'], players: true },
  generic: { events: ['warning', 'error', 'crash'], players: false },
};

test('before any line, a server has at 0 exactly the event, join and leave series its game\'s log can count', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gust-counts-'));
  const empty = path.join(dir, 'empty.log');
  writeFileSync(empty, '');
  for (const game of GAMES) {
    const out = await parseFiles({ game, server: 'z', rules: [], files: [empty], nowMs: READ_AT });
    const events = [...out.matchAll(/^gust_log_events_total\{server="z",event="(\w+)"\} 0$/gm)].map((m) => m[1]);
    assert.deepEqual(events, SERIES_AT_ZERO[game].events, `${game}: events`);
    const players = SERIES_AT_ZERO[game].players;
    for (const name of ['gust_player_joins_total', 'gust_player_leaves_total']) {
      assert.equal(new RegExp(`^${name}\\{server="z"\\} 0$`, 'm').test(out), players, `${game}: ${name}`);
    }
  }
});

test('generic: `online: N of M` with no space or several around the numbers; slots of several digits', () => {
  countsAfter('generic', [
    ['online:3 of 4', [3, 4]],
    ['ONLINE:  12  of  100', [12, 100]],
  ]);
});

test('generic levels: crash words in each case the rule names, alone or as a word, are crashes', async () => {
  const s = server('generic');
  s.feed('panic: runtime error: index out of range', 'Panic in thread main', 'CRASH in module physics', 'Crash detected', 'FATAL: out of memory', 'Server CRASHED');
  assert.equal(await s.value('gust_log_events_total{server="s",event="crash"}'), 6);
  assert.equal(await s.value('gust_log_rule_matches_total{server="s",rule="generic_level"}'), 6);
});

test('generic timestamps: a date later in the line is not the line\'s time, even the previous line\'s stamp', () => {
  const s = server('generic');
  s.feed('2026-03-14 18:30:15 players: 1/10');
  assert.equal(s.fields().playersOnline?.atMs, Date.UTC(2026, 2, 14, 18, 30, 15));
  s.feed('players: 2/10 since 2026-03-14 18:30:15');
  assert.deepEqual([s.fields().playersOnline?.value, s.fields().playersOnline?.atMs], [2, READ_AT]);
});

const MC = (message: string, prefix = '[18:00:00] [Server thread/INFO]: ') => `${prefix}${message}`;

test('Minecraft line times: NeoForge\'s dated prefix to the millisecond; a time alone is today\'s, or yesterday\'s when later than now; no prefix is read now', () => {
  const s = server('minecraft');
  const saved = () => s.fields().lastSaveTimestampSeconds?.value;
  s.feed(MC('Saved the game', '[13Mar2026 12:17:04.451] [Server thread/INFO] [minecraft/MinecraftServer]: '));
  assert.equal(saved(), Date.UTC(2026, 2, 13, 12, 17, 4, 451) / 1000);
  s.feed(MC('Saved the game', '[19:30:00] [Server thread/INFO]: '));
  assert.equal(saved(), Date.UTC(2026, 2, 13, 19, 30, 0) / 1000, 'later than the read time: yesterday');
  s.feed(MC('Saved the game', '[18:30:15.250] [Server thread/INFO]: '));
  assert.equal(saved(), Date.UTC(2026, 2, 14, 18, 30, 15, 250) / 1000);
  s.feed(MC('Saved the game', '[19:00:00] [Server thread/INFO]: '));
  assert.equal(saved(), READ_AT / 1000, 'the read time itself: today');
  s.feed('Saved the game');
  assert.equal(saved(), READ_AT / 1000);
});

test('Minecraft levels: WARN, ERROR and FATAL lines no rule matched are events (vanilla and Paper prefixes); a prefix not at the line start is not one', async () => {
  const s = server('minecraft');
  s.feed(MC('boom', '[18:00:00] [Server thread/FATAL]: '), MC('disk slow', '[18:00:01] [Server thread/WARN]: '), MC('oops', '[18:00:02 ERROR]: '), MC('oops', 'x[18:00:03] [Server thread/ERROR]: '));
  assert.equal(await s.value('gust_log_events_total{server="s",event="error"}'), 2);
  assert.equal(await s.value('gust_log_events_total{server="s",event="warning"}'), 1);
});

test('Minecraft: each kick line alone is a kick; a command or chat line quoting a rule\'s phrase is not an event', async () => {
  await assertLines('minecraft', [
    ...['Kicked Carol: Flying is not enabled', 'Carol was kicked for spamming', 'Carol lost connection: Kicked by an operator'].map((line): [string, LineEffects] => [MC(line), { rule: 'minecraft_kick', counts: { kick: 1 } }]),
    [MC('Banned Mallory: cheating'), { rule: 'minecraft_ban', counts: { ban: 1 } }],
  ]);
  const s = server('minecraft');
  const quoted = ['Banned Mallory', 'Starting minecraft server version 9.9', 'Preparing level "fake"', 'Saved the game', "Can't keep up! Is the server overloaded?", 'This crash report has been saved to: x.txt', 'A single server tick took 60.00 seconds', 'Alice was kicked for spam', 'Kicked Alice', 'Alice left the game', '<Alice> hi'];
  s.feed(...quoted.map((q) => MC(`Bob issued server command: /say ${q}`)));
  assert.doesNotMatch(await s.scrape(), /^gust_log_(events|rule_matches)_total\{[^}]*\} [1-9]/m);
  assert.deepEqual([s.fields().map, s.fields().version, s.fields().lastSaveTimestampSeconds], [undefined, undefined, undefined]);
});

test('Rust: each rule on a line of its own, and its phrase quoted inside another line', async () => {
  const P = '10.0.0.1:5000/76561198000000001/Bob';
  await assertLines('rust', [
    [`${P} joined [windows/76561198000000001]`, { rule: 'rust_join', counts: { join: 1 } }],
    [`${P} disconnecting: closing`, { rule: 'rust_leave', counts: { leave: 1 } }],
    [`${P} disconnecting: Kicked: AFK`, { rule: 'rust_leave', counts: { kick: 1, leave: 1 } }],
    [`${P} disconnecting: Banned: cheating`, { rule: 'rust_leave', counts: { ban: 1, leave: 1 } }],
    [`${P} disconnecting: Steam auth failed (not Kicked, not Banned)`, { rule: 'rust_leave', counts: { leave: 1 } }],
    [`${P} kicked: AFK`, { rule: 'rust_kick', counts: { kick: 1, leave: 1 } }],
    ['[TEAM CHAT] Bob : hi', { rule: 'rust_chat', counts: { chat: 1 } }],
    ['Saved 41,234 ents, cache(0.12), write(0.01), disk(0.02).', { rule: 'rust_save', counts: { save: 1 } }],
    ['Server startup complete', { rule: 'rust_start' }],
    ['RCon Started on 28016', { rule: 'rust_start' }],
    ['Connected to Steam', { rule: 'rust_start' }],
    ['Connected to Steam servers: retrying', {}],
    ['Kickbanned User: 76561198000000001 - Bob', { rule: 'rust_ban', counts: { ban: 1 } }],
    ['Bob was banned by an admin', { rule: 'rust_ban', counts: { ban: 1 } }],
    ['players : 12 (100 max) (3 queued) (1 joining)', { rule: 'rust_status_players' }],
    ['[Oxide] 16:21 [Error] Failed to call hook', { rule: 'rust_oxide_level', counts: { error: 1 } }],
    ['4:21 PM [Warning] Calling hook took 120ms', { rule: 'rust_oxide_level', counts: { warning: 1 } }],
    ['Crash!!!', { rule: 'rust_crash', counts: { crash: 1 } }],
    ['Unhandled exception in thread main', { rule: 'rust_crash', counts: { crash: 1 } }],
    ['NullReferenceException: Object reference not set', { rule: 'rust_error', counts: { error: 1 } }],
    ['(Filename: ./Runtime/Export/Debug/Debug.bindings.h Line: 35)', {}],
    // Quoted inside console output that no rule owns.
    ...['[CHAT] Bob : hi', 'joined [windows/1]', 'Saved 1 ents', 'Server startup complete now', 'RCon Started on 28016', 'Connected to Steam', 'Kickbanned User: x', 'players : 12 (100 max)', '[Oxide] 16:21 [Error] x', 'Crash!!!', 'Fatal error', 'NullReferenceException: x'].map(
      (q): [string, LineEffects] => [`Echo: ${q}`, {}],
    ),
    ...[`${P} joined [windows/1]`, `${P} disconnecting: closing`, `${P} kicked: AFK`].map((q): [string, LineEffects] => [`Echo: ${q}`, {}]),
  ]);
});

test('Rust status counts: spacing around the colon, several digits, more players than slots ignored; a date inside a line is not its time', () => {
  countsAfter('rust', [
    ['players:12 (100 max)', [12, 100]],
    ['players  :  34 (100 max)', [34, 100]],
    ['players : 101 (100 max)', [34, 100], 'more players than slots'],
  ]);
  const s = server('rust');
  s.feed('Saved 1 ents [03/14/2026 18:00:00] ');
  assert.equal(s.fields().lastSaveTimestampSeconds?.value, READ_AT / 1000);
  const prefixed = server('rust');
  prefixed.feed('[03/14/2026 18:30:00] Saved 2 ents');
  assert.equal(prefixed.fields().lastSaveTimestampSeconds?.value, Date.UTC(2026, 2, 14, 18, 30, 0) / 1000);
});

test('Palworld: each rule on a line of its own, in the wordings builds print, and quoted inside another line', async () => {
  const at = '[2024-01-25 12:34:56] [LOG] ';
  await assertLines('palworld', [
    [`${at}Bob joined the server. (User id: steam_76561198000000001)`, { rule: 'palworld_join', counts: { join: 1 } }],
    ['Bob connected to the server (UserId: steam_1)', { rule: 'palworld_join', counts: { join: 1 } }],
    [`${at}Bob left the server. (User id: steam_1)`, { rule: 'palworld_leave', counts: { leave: 1 } }],
    ['[2024-01-25 12:34:56] Bob disconnected from the server (UserId: steam_1)', { rule: 'palworld_leave', counts: { leave: 1 } }],
    [`${at}[CHAT] <Bob> hi`, { rule: 'palworld_chat', counts: { chat: 1 } }],
    [`${at}[chat] <Bob> I was killed twice`, { rule: 'palworld_chat', counts: { chat: 1 } }],
    [`${at}Bob was killed by Lamball`, { rule: 'palworld_death', counts: { death: 1 } }],
    [`${at}Alice was Defeated by Chillet`, { rule: 'palworld_death', counts: { death: 1 } }],
    [`${at}World saved`, { rule: 'palworld_save', counts: { save: 1 } }],
    ['[2024-01-25 12:34:56] World saved', { rule: 'palworld_save', counts: { save: 1 } }],
    [`${at}Saved the world`, { rule: 'palworld_save', counts: { save: 1 } }],
    [`${at}Save game`, { rule: 'palworld_save', counts: { save: 1 } }],
    [`${at}saved game`, { rule: 'palworld_save', counts: { save: 1 } }],
    ...['[CHAT] <Bob> hi', 'World saved', 'Saved the world', 'Saved game'].map((q): [string, LineEffects] => [`${at}Echo: ${q}`, {}]),
    [`Echo: ${at}World saved`, {}],
  ]);
});

test('Source: each rule on a line of its own (HL log and console), bots and the server itself apart, and phrases quoted inside another line', async () => {
  const L = 'L 03/14/2026 - 18:00:00: ';
  const A = '"Alice<12><[U:1:68745073]><CT>"';
  const B = '"Bob<2><STEAM_1:0:1111111><TERRORIST>"';
  await assertLines('source', [
    [`${L}"Alice<12><[U:1:68745073]><>" entered the game`, { rule: 'source_join', counts: { join: 1 } }],
    [`${L}"Bot Joe<3><BOT><>" entered the game`, { rule: 'source_join' }],
    [`${L}${A} disconnected (reason "Disconnect by user.")`, { rule: 'source_leave', counts: { leave: 1 } }],
    [`${L}${A} disconnected`, { rule: 'source_leave', counts: { leave: 1 } }],
    [`${L}${B} disconnected (reason "Kicked by Console")`, { rule: 'source_leave', counts: { kick: 1, leave: 1 } }],
    [`${L}${B} disconnected (reason "NETWORK_DISCONNECT_KICKED")`, { rule: 'source_leave', counts: { kick: 1, leave: 1 } }],
    [`${L}${B} disconnected (reason "Player was Kicked")`, { rule: 'source_leave', counts: { leave: 1 } }],
    [`${L}${B} disconnected (reason "kicked from server")`, { rule: 'source_leave', counts: { kick: 1, leave: 1 } }],
    [`${L}"Bot Joe<3><BOT><CT>" disconnected (reason "Kicked by Console")`, { rule: 'source_leave' }],
    [`${L}${A} say "hello all"`, { rule: 'source_chat', counts: { chat: 1 } }],
    [`${L}${A} say_team "rush b"`, { rule: 'source_chat', counts: { chat: 1 } }],
    [`${L}"Console<0><Console><Console>" say "restarting"`, {}],
    [`${L}${A} killed ${B} with "ak47"`, { rule: 'source_death', counts: { death: 1 } }],
    [`${L}${A} [-10 20 -30] killed ${B} [1 2 3] with "ak47"`, { rule: 'source_death', counts: { death: 1 } }],
    [`${L}${A} committed suicide with "world"`, { rule: 'source_death', counts: { death: 1 } }],
    [`${L}Banid: 0:30 min "Bob<2><STEAM_1:0:1111111><>" was banned by "Console"`, { rule: 'source_ban', counts: { ban: 1 } }],
    [`${L}"Bob<2><STEAM_1:0:1111111><>" was banned "for 30 minutes"`, { rule: 'source_ban', counts: { ban: 1 } }],
    [`${L}Loading map "de_dust2"`, { rule: 'source_map' }],
    [`${L}Started map "cp_badlands" (CRC "1234")`, { rule: 'source_map' }],
    ['players : 17 humans, 7 bots (16/0 max) (not hibernating)', { rule: 'source_status_players' }],
    ['loaded spawngroup(  1)  : SV:  [1: de_mirage | main lump | mapload]', { rule: 'source_cs2_map' }],
    ...[`${A} entered the game`, `${A} disconnected`, `${A} killed ${B} with "ak47"`, 'Banid: 0:30 min x', `${B} was banned`, 'Loading map "x"', 'players : 1 humans, 0 bots (2 max)'].map(
      (q): [string, LineEffects] => [`${L}"Eve<5><[U:1:5]><CT>" say_team "${q}"`, { rule: 'source_chat', counts: { chat: 1 } }],
    ),
    ...[`${A} entered the game`, `${A} disconnected`, `${A} say "hi"`, `${A} killed ${B} with "ak47"`, 'Banid: 0:30 min x', 'Loading map "x"', 'players : 1 humans, 0 bots (2 max)'].map(
      (q): [string, LineEffects] => [`${L}rcon from "1.2.3.4:5": command "echo ${q}"`, {}],
    ),
  ]);
});

test('Source status counts and maps reach the state: slots of several digits, a count without valid slots keeps the count', () => {
  countsAfter('source', [
    ['players : 12 humans, 3 bots (32 max)', [12, 32]],
    ['players  :  7 humans, 0 bots (16/0 max) (not hibernating)', [7, 16]],
    ['players : 40 humans, 0 bots (32 max)', [40, 16], 'more humans than slots: the count, not the slots'],
    ['players : 3 humans, 12 bots (32/64 max)', [3, 32]],
  ]);
  const s = server('source');
  s.feed('L 03/14/2026 - 18:00:00: Loading map "de_dust2"');
  assert.deepEqual([s.fields().map?.value, s.fields().map?.atMs], ['de_dust2', Date.UTC(2026, 2, 14, 18, 0, 0)]);
  s.feed('loaded spawngroup(  1)  : SV:  [1: de_mirage | main lump | mapload]');
  assert.deepEqual([s.fields().map?.value, s.fields().map?.atMs], ['de_mirage', READ_AT]);
  const quoted = server('source');
  quoted.feed('echo L 03/14/2026 - 18:00:00: loaded spawngroup(  1)  : SV:  [1: de_inferno | main lump | mapload]');
  assert.deepEqual([quoted.fields().map?.value, quoted.fields().map?.atMs], ['de_inferno', READ_AT], 'a date inside the line is not its time');
});
