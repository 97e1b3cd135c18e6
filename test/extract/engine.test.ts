/**
 * The extraction engine's own bookkeeping (src/extract/engine.ts), fed lines in the games'
 * formats (PROTOCOLS.md section 4, written here): warm start, sessions and kicks, two-line
 * starts, how one chunk's observations merge, console lines, unknown servers, reloads, and
 * the state saved in the log checkpoint read back from bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.ts';
import type { Game } from '../../src/config/schema.ts';
import { engineHarness } from './helpers.ts';

process.env.TZ = 'UTC';
const READ_AT = Date.UTC(2026, 2, 14, 19, 0, 0);
const VALHEIM = (time: string, message: string) => `03/14/2026 ${time}: ${message}`;
const MINECRAFT = (message: string) => `[18:00:00] [Server thread/INFO]: ${message}`;

function server(game: Game, rulesYaml = '') {
  const h = engineHarness(rulesYaml, game);
  const restarts: string[] = [];
  let changes = 0;
  h.ctx.state.on('restart', (id, source) => restarts.push(`${id}:${source}`));
  h.ctx.state.on('change', () => changes++);
  /** One read chunk: the lines, then the commit the log source makes after it. */
  const chunk = (...lines: Array<string | [string, Game]>) => {
    for (const line of lines) {
      const [text, as] = Array.isArray(line) ? line : [line, undefined];
      h.engine.line('s', text, 'log', READ_AT, as);
    }
    h.engine.commit();
  };
  const fields = () => h.ctx.state.get('s')!.fields;
  const counter = async (series: string) => (await h.value(series)) ?? 0;
  return { ...h, chunk, fields, counter, restarts, changes: () => changes };
}

test('warm start: lines already in the file set the gauges, never a counter, a rule match, a session or a restart; lines after it count', async () => {
  const s = server('valheim');
  s.engine.warm(
    's',
    [
      VALHEIM('18:00:00', 'Got connection SteamID 76561198000000001'),
      VALHEIM('18:00:05', 'Got character ZDOID from Bjorn : 0:0'),
      VALHEIM('18:00:10', 'World saved ( 12.5ms )'),
      VALHEIM('18:00:20', 'Closing socket 76561198000000001'),
      VALHEIM('18:00:30', 'Game server connected'),
      VALHEIM('18:00:40', 'Connections 3 ZDOS:10000  sent:0 recv:0'),
    ],
    READ_AT,
  );
  assert.equal(s.fields().playersOnline?.value, 3);
  assert.equal(s.fields().lastSaveTimestampSeconds?.value, Date.UTC(2026, 2, 14, 18, 0, 10) / 1000);
  for (const series of [
    'gust_player_joins_total{server="s"}',
    'gust_player_leaves_total{server="s"}',
    'gust_log_events_total{server="s",event="death"}',
    'gust_log_events_total{server="s",event="save"}',
    'gust_player_session_duration_seconds_count{server="s"}',
    'gust_log_rule_matches_total{server="s",rule="valheim_join"}',
    'gust_log_rule_matches_total{server="s",rule="valheim_players"}',
  ]) {
    assert.equal(await s.counter(series), 0, series);
  }
  assert.deepEqual(s.restarts, []);
  s.chunk(VALHEIM('18:01:00', 'Got connection SteamID 76561198000000002'));
  assert.equal(await s.counter('gust_player_joins_total{server="s"}'), 1, 'a line read after the warm start counts');
  assert.equal(await s.counter('gust_log_rule_matches_total{server="s",rule="valheim_join"}'), 1);
});

test('a leave of a player the log never showed joining is counted, and leaves the players-online figure alone', async () => {
  const s = server('valheim');
  s.chunk(VALHEIM('18:00:00', 'Connections 4 ZDOS:10000  sent:0 recv:0'));
  s.chunk(VALHEIM('18:00:10', 'Closing socket 76561198000000009'));
  assert.equal(await s.counter('gust_player_leaves_total{server="s"}'), 1);
  assert.equal(s.fields().playersOnline?.value, 4);
});

test('a session is observed from its join to its leave, and not when the leave is stamped before the join', async () => {
  const s = server('valheim');
  s.chunk(VALHEIM('18:00:00', 'Got connection SteamID 76561198000000001'), VALHEIM('18:10:00', 'Closing socket 76561198000000001'));
  assert.equal(await s.counter('gust_player_session_duration_seconds_count{server="s"}'), 1);
  assert.equal(await s.counter('gust_player_session_duration_seconds_sum{server="s"}'), 600);
  // The host's clock stepped back between the two lines.
  s.chunk(VALHEIM('18:20:00', 'Got connection SteamID 76561198000000002'), VALHEIM('18:19:00', 'Closing socket 76561198000000002'));
  assert.equal(await s.counter('gust_player_session_duration_seconds_count{server="s"}'), 1);
  assert.equal(s.engine.state().sessions.s, undefined, 'both sessions closed');
});

test('a kick counts once per player until that player leaves, and the memory of kicks is bounded', async () => {
  const s = server('minecraft');
  const kicks = () => s.counter('gust_log_events_total{server="s",event="kick"}');
  // Minecraft logs one kick in up to three lines.
  s.chunk(MINECRAFT('Kicked Bob: AFK'), MINECRAFT('Alice was kicked for AFK'), MINECRAFT('Bob lost connection: Kicked by an operator'), MINECRAFT('Bob was kicked for AFK'));
  assert.equal(await kicks(), 2, 'Bob and Alice, once each');
  s.chunk(MINECRAFT('Bob left the game'), MINECRAFT('Bob was kicked for AFK'));
  assert.equal(await kicks(), 3, 'a kick after the leave is another kick');
  // 10,000 kicked players are remembered: the 10,001st makes the agent forget the oldest.
  const s2 = server('minecraft');
  s2.chunk(...Array.from({ length: 10_001 }, (_, i) => MINECRAFT(`P${i} was kicked for AFK`)));
  s2.chunk(MINECRAFT('P0 was kicked for AFK'), MINECRAFT('P10000 was kicked for AFK'));
  assert.equal(await s2.counter('gust_log_events_total{server="s",event="kick"}'), 10_002, 'the oldest was forgotten, the newest not');
});

test('Rust\'s two-line start counts once, a second line alone counts, and each start reaches the state as a log restart', () => {
  const s = server('rust');
  s.chunk('RCon Started on 28016', 'Server startup complete');
  assert.equal(s.restarts.length, 1);
  s.chunk('Connected to Steam');
  assert.equal(s.restarts.length, 2, 'no first line before it: a start of its own');
  s.chunk('RCon Started on 28016', 'RCon Started on 28016', 'Connected to Steam');
  assert.equal(s.restarts.length, 4, 'two first lines are two starts; the second line completes the last');
  assert.deepEqual(new Set(s.restarts), new Set(['s:log']));
  s.engine.warm('s', ['RCon Started on 28016'], READ_AT);
  assert.equal(s.restarts.length, 4, 'a start already in the file is not a restart now');
});

test('one chunk\'s observations: the last count wins and keeps the slots it had, a join after a count sets the players online, the time is the newest line\'s', () => {
  const source = server('source');
  // 2000 slots fail the 0 <= current <= max <= 1000 check: the count is kept, the slots not.
  source.chunk('players : 5 humans, 0 bots (20 max)', 'players : 7 humans, 0 bots (2000 max)');
  assert.deepEqual([source.fields().playersOnline?.value, source.fields().playersMax?.value], [7, 20]);

  const generic = server('generic');
  generic.chunk('players: 5/50', [VALHEIM('18:00:00', 'Got connection SteamID 76561198000000001'), 'valheim']);
  assert.deepEqual([generic.fields().playersOnline?.value, generic.fields().playersMax?.value], [1, 50]);

  const stamped = server('generic');
  stamped.chunk('2026-03-14 18:30:00 players: 1/10', '2026-03-14 18:20:00 players: 2/10');
  assert.deepEqual([stamped.fields().playersOnline?.value, stamped.fields().playersOnline?.atMs], [2, Date.UTC(2026, 2, 14, 18, 30, 0)]);

  const valheim = server('valheim');
  valheim.chunk(VALHEIM('18:30:00', 'Load world: Midgard'), VALHEIM('18:20:00', 'Load world: Asgard'));
  assert.deepEqual([valheim.fields().map?.value, valheim.fields().map?.atMs], ['Asgard', Date.UTC(2026, 2, 14, 18, 30, 0)]);
});

test('console lines apply at once, log lines when their chunk is committed; a chunk that observed nothing changes nothing', () => {
  const s = server('generic');
  s.engine.line('s', 'players: 3/10', 'console', READ_AT);
  assert.equal(s.fields().playersOnline?.value, 3);
  s.engine.line('s', 'players: 4/10', 'log', READ_AT);
  assert.equal(s.fields().playersOnline?.value, 3, 'not before the commit');
  s.engine.commit();
  assert.equal(s.fields().playersOnline?.value, 4);
  const before = s.changes();
  s.chunk('ERROR: disk full', 'nothing to see');
  assert.equal(s.changes(), before);
});

test('lines and warm lines of a server the config does not have are ignored', async () => {
  const s = server('generic');
  s.engine.line('ghost', 'players: 3/10', 'log', READ_AT);
  s.engine.warm('ghost', ['players: 3/10'], READ_AT);
  s.engine.commit();
  assert.equal(s.ctx.state.get('ghost'), undefined);
  assert.doesNotMatch(await s.scrape(), /ghost/);
});

const ANY_RECORD = `rules:
  - name: record
    match: '^BEGIN'
    metric: gust_test_records_total
    multiline: { first_line: '^BEGIN', max_lines: 10, max_wait: 1s }
`;

test('a reload keeps an open record once (the replaced rule\'s timer is cancelled); one that drops the server forgets it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const s = server('generic', ANY_RECORD);
  const records = () => s.counter('gust_test_records_total{server="s"}');
  s.chunk('BEGIN 1', 'part');
  s.reload(ANY_RECORD);
  t.mock.timers.tick(1_000);
  assert.equal(await records(), 1, 'applied once, by the record that continued');

  s.chunk('BEGIN 2', 'part');
  s.ctx.config = parseConfig(`servers:\n  - id: t\n    game: generic\n${ANY_RECORD}`, 'config.yaml');
  s.engine.reload();
  t.mock.timers.tick(1_000);
  s.chunk('BEGIN 3', 'part');
  s.engine.flush();
  assert.equal(await records(), 1, 'the dropped server\'s open record and later lines are not applied');
  assert.equal(await s.counter('gust_log_rule_matches_total{server="s",rule="generic_player_count"}'), 0);
});

test('the saved state: only servers with open sessions; read back, entries of the wrong shape or of unknown servers are skipped', () => {
  const s = server('valheim', ANY_RECORD.replace('generic', 'valheim'));
  s.chunk('Got connection SteamID 1', 'Closing socket 1');
  assert.deepEqual(s.engine.state(), { sessions: {} });

  const after = server('valheim', ANY_RECORD);
  after.engine.restoreState({
    sessions: { s: [['7', 1_000], [8, 2_000] as unknown as [string, number], ['9', '3000' as unknown as number]], ghost: [['1', 1]], t: 'x' as unknown as [] },
    multiline: [
      { server: 's', rule: 'record', lines: ['BEGIN saved'], openedAtMs: 5 },
      { server: 's', rule: 'record', lines: [7 as unknown as string], openedAtMs: 5 },
      { server: 's', rule: 'record', lines: ['BEGIN x'], openedAtMs: '5' as unknown as number },
      { server: 's', rule: 7 as unknown as string, lines: ['BEGIN x'], openedAtMs: 5 },
      { server: 1 as unknown as string, rule: 'record', lines: ['BEGIN x'], openedAtMs: 5 },
      { server: 's', rule: 'record', lines: 'BEGIN x' as unknown as string[], openedAtMs: 5 },
      { server: 's', rule: 'record', lines: ['BEGIN mixed', 7 as unknown as string], openedAtMs: 5 },
      null as never,
    ],
  });
  assert.deepEqual(after.engine.state(), {
    sessions: { s: [['7', 1_000]] },
    multiline: [{ server: 's', rule: 'record', lines: ['BEGIN saved'], openedAtMs: 5 }],
  });
  after.engine.restoreState({ sessions: { s: {} as never }, multiline: 'x' as never });
  after.engine.restoreState(undefined);
  assert.equal(after.engine.state().sessions.s?.length, 1);
});

