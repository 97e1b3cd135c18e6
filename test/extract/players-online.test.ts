/**
 * Players online derived from a log's joins and leaves (issue 14): a bounded set of player
 * identities per server, emptied at each server start; a leave or kick of a joined player
 * removes them; the figure competes with counts from commands and queries by freshness.
 * The real extraction engine and state store, fed lines the way the log source feeds them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { parseFiles } from '../../src/cli/parse.ts';
import type { Game } from '../../src/config/schema.ts';
import { createGameStateCollector } from '../../src/metrics/game.ts';
import { seriesValue } from '../support/agent.ts';
import { engineHarness } from './helpers.ts';

process.env.TZ = 'UTC';
const T0 = Date.UTC(2026, 2, 14, 18, 0, 0);

/** Server `s` with `game`'s built-in rules; `at` is when a line is read (default: an hour after T0). */
function server(game: Game) {
  const h = engineHarness('');
  const feed = (lines: string[], at = T0 + 3_600_000) => {
    for (const line of lines) h.engine.line('s', line, 'log', at, game);
    h.engine.commit();
  };
  const online = () => h.ctx.state.get('s')!.fields.playersOnline;
  return { ...h, feed, online };
}

const rustJoin = (id: number, name: string) => `10.1.2.3:5000/765611900000${id}/${name} joined [linux/765611900000${id}]`;
const rustLeave = (id: number, name: string) => `10.1.2.3:5000/765611900000${id}/${name} disconnecting: closing`;

test('joins add, leaves and kicks of a joined player remove; a leave of someone never joined changes nothing', () => {
  const s = server('rust');
  s.feed([rustJoin(10001, 'Ana'), rustJoin(10002, 'Bo'), rustJoin(10003, 'Cy')]);
  assert.equal(s.online()?.value, 3);
  s.feed([rustLeave(10001, 'Ana'), `10.1.2.3:5000/76561190000010002/Bo kicked: AFK`]);
  assert.equal(s.online()?.value, 1);
  s.feed([rustLeave(19999, 'Zed')]);
  assert.equal(s.online()?.value, 1);
  assert.equal(s.online()?.source, 'log');
});

test('a server start empties the set: players from before it are not counted after it', () => {
  const s = server('minecraft');
  s.feed([
    '[18:00:00] [Server thread/INFO]: Ana[/10.0.0.1:1] logged in with entity id 1 at (0, 64, 0)',
    '[18:00:01] [Server thread/INFO]: Bo[/10.0.0.2:1] logged in with entity id 2 at (0, 64, 0)',
  ]);
  assert.equal(s.online()?.value, 2);
  s.feed(['[18:10:00] [Server thread/INFO]: Starting minecraft server version 1.21.1']);
  assert.equal(s.online()?.value, 0);
  // Ana's leave from before the start (a late line) must not go below zero or count her twice.
  s.feed(['[18:11:00] [Server thread/INFO]: Cy[/10.0.0.3:1] logged in with entity id 3 at (0, 64, 0)', '[18:11:05] [Server thread/INFO]: Ana left the game']);
  assert.equal(s.online()?.value, 1);
});

test('the set is bounded: past 10,000 open sessions the oldest is forgotten', () => {
  const s = server('rust');
  const lines: string[] = [];
  for (let i = 0; i < 10_005; i++) lines.push(rustJoin(10_000 + i, `p${i}`));
  s.feed(lines);
  assert.equal(s.online()?.value, 10_000);
  assert.equal(s.engine.state().sessions.s!.length, 10_000);
  s.feed([rustLeave(10_000, 'p0')]); // forgotten already: no change
  assert.equal(s.online()?.value, 10_000);
  s.feed([rustLeave(10_000 + 10_004, 'p10004')]);
  assert.equal(s.online()?.value, 9_999);
});

test('freshest wins: a later command count replaces the derived figure, a later join replaces the command count', () => {
  const s = server('rust');
  // Lines carry their own time ([MM/DD/YYYY HH:MM:SS]): the observation is as old as the line.
  s.feed(['[03/14/2026 18:00:00] ' + rustJoin(10001, 'Ana')]);
  assert.deepEqual([s.online()?.value, s.online()?.atMs], [1, T0]);
  s.ctx.state.recordSuccess('s', 'command', { playersOnline: 7 }, T0 + 60_000);
  assert.deepEqual([s.online()?.value, s.online()?.source], [7, 'command']);
  // An older line read later does not overwrite the fresher command count.
  s.feed(['[03/14/2026 18:00:30] ' + rustJoin(10002, 'Bo')]);
  assert.deepEqual([s.online()?.value, s.online()?.source], [7, 'command']);
  s.feed(['[03/14/2026 18:02:00] ' + rustJoin(10003, 'Cy')]);
  assert.deepEqual([s.online()?.value, s.online()?.source], [3, 'log']);
});

test('warm start: lines already in the file set the derived figure without counting joins', async () => {
  const s = server('rust');
  s.engine.warm('s', [rustJoin(10001, 'Ana'), rustJoin(10002, 'Bo'), rustLeave(10001, 'Ana')], T0, 'rust');
  assert.equal(s.online()?.value, 1);
  assert.equal(await s.value('gust_player_joins_total{server="s"}'), undefined);
  s.feed([rustLeave(10002, 'Bo')]);
  assert.equal(s.online()?.value, 0);
});

test('gust-agent parse prints the figure at the end of an old file; the running agent drops it after its stale window', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gust-online-'));
  const file = path.join(dir, 'old.log');
  // A 2019 file: its lines' own timestamps are years old.
  writeFileSync(file, ['[05/01/2019 10:00:00] Server startup complete', '[05/01/2019 10:05:00] ' + rustJoin(10001, 'Ana'), '[05/01/2019 10:06:00] ' + rustJoin(10002, 'Bo')].join('\n') + '\n');
  const out = await parseFiles({ game: 'rust', server: 'local', rules: [], files: [file] });
  assert.equal(seriesValue(out, 'gust_players_online{server="local"}'), 2);

  // The agent's collector keeps its window: the same observation, 7 years old, is not exported.
  const s = server('rust');
  s.feed(['[05/01/2019 10:05:00] ' + rustJoin(10001, 'Ana')]);
  const registry = new Registry();
  const collector = createGameStateCollector(registry, s.ctx.state, { staleAfterMs: () => 300_000 });
  await collector.collect();
  assert.equal(seriesValue(await registry.metrics(), 'gust_players_online{server="s"}'), undefined);
});
