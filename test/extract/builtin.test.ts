/**
 * Edges of the built-in rule sets' shared parts (src/extract/rules.ts, builtin/generic.ts):
 * seed 000's player-count lines and their validation 0 <= current <= max <= 1000, the
 * `YYYY-MM-DD HH:MM:SS` and `MM/dd/yyyy HH:mm:ss: ` prefixes that give a line its own time, and
 * lines without a prefix. Lines written here in the formats of PROTOCOLS.md section 4, fed to
 * the real extraction engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Game } from '../../src/config/schema.ts';
import { validPlayers } from '../../src/extract/rules.ts';
import { engineHarness } from './helpers.ts';

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
  );
  const counters = await s.scrape();
  assert.doesNotMatch(counters, /^gust_(player_joins|player_leaves|server_restarts)_total\{server="s"\} [1-9]/m);
  assert.doesNotMatch(counters, /^gust_log_events_total\{server="s",event="(death|save)"\} [1-9]/m);
  assert.equal(s.fields().map, undefined);
  assert.equal(s.fields().playersOnline?.value, 12);
});
