import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createGameStateCollector } from '../../src/metrics/game.ts';
import { ServerStateStore } from '../../src/state/servers.ts';
import { configSchema } from '../../src/config/schema.ts';
import { seriesValue } from '../support/agent.ts';

const servers = (ids: string[]) =>
  configSchema.parse({ servers: ids.map((id) => ({ id, game: 'rust', rcon: { transport: 'webrcon', port: 1 }, commands: ['serverinfo'] })) }).servers;

async function expose(registry: Registry, collector: { collect(): void | Promise<void> }) {
  await collector.collect();
  return registry.metrics();
}

test('values update in place, stale ones drop out, identity changes replace the info series, removed servers vanish', async () => {
  const registry = new Registry();
  const state = new ServerStateStore();
  state.configure(servers(['a', 'b']));
  let staleMs = 60_000;
  const collector = createGameStateCollector(registry, state, { staleAfterMs: () => staleMs });

  state.recordSuccess('a', 'command', { playersOnline: 12, playersMax: 50, map: 'Procedural Map', startTimeSeconds: 1000 });
  let text = await expose(registry, collector);
  assert.equal(seriesValue(text, 'gust_players_online{server="a"}'), 12);
  assert.equal(seriesValue(text, 'gust_server_up{server="a"}'), 1);
  assert.equal(seriesValue(text, 'gust_server_up{server="b"}'), 0);
  assert.equal(seriesValue(text, 'gust_server_info{server="a",game="rust",name="a",map="Procedural Map",version=""}'), 1);

  state.recordSuccess('a', 'command', { playersOnline: 13, map: 'Barren' });
  text = await expose(registry, collector);
  assert.equal(seriesValue(text, 'gust_players_online{server="a"}'), 13);
  assert.equal(seriesValue(text, 'gust_server_info{server="a",game="rust",name="a",map="Barren",version=""}'), 1);
  assert.doesNotMatch(text, /map="Procedural Map"/, 'the old identity is gone, not duplicated');

  state.recordFailure('a', 'command', 'timeout', 'no reply');
  staleMs = -1; // every observation is now older than the window
  text = await expose(registry, collector);
  assert.equal(seriesValue(text, 'gust_server_up{server="a"}'), 0);
  assert.equal(seriesValue(text, 'gust_players_online{server="a"}'), undefined, 'a stale player count is not presented as current');
  assert.equal(seriesValue(text, 'gust_server_start_time_seconds{server="a"}'), 1000, 'timestamps never go stale');
  assert.ok(seriesValue(text, 'gust_server_last_success_timestamp_seconds{server="a",source="command"}')! > 0);

  state.configure(servers(['b']));
  text = await expose(registry, collector);
  assert.doesNotMatch(text, /server="a"/);
  assert.equal(seriesValue(text, 'gust_server_up{server="b"}'), 0);
});

test('an uptime that goes back counts as a restart', () => {
  const state = new ServerStateStore();
  state.configure(servers(['a']));
  const restarts: string[] = [];
  state.on('restart', (id) => restarts.push(id));
  state.recordSuccess('a', 'command', { startTimeSeconds: 1000 });
  state.recordSuccess('a', 'command', { startTimeSeconds: 1010 }); // jitter of the reported uptime
  assert.deepEqual(restarts, []);
  state.recordSuccess('a', 'command', { startTimeSeconds: 5000 });
  assert.deepEqual(restarts, ['a']);
});
