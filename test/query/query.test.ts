/** gamedig queries against the A2S fake: challenge handshake, Rust keyword counts, the agent's hard deadline. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent, seriesValue, eventually } from '../support/agent.ts';
import { startA2sFake } from '../fakes/a2s.ts';
import { startHungFake } from '../fakes/hung.ts';
import { queryFailureReason, queryWithDeadline } from '../../src/sources/query/index.ts';
import { configSchema } from '../../src/config/schema.ts';

describe('query source', () => {
  it('reads players, map and name through the A2S challenge handshake', async () => {
    const tf2 = await startA2sFake({ players: 5, maxPlayers: 24, name: 'Fake TF2', map: 'cp_badlands' });
    const rust = await startA2sFake({ players: 3, maxPlayers: 100, appId: 252490, folder: 'rust', game: 'Rust', map: 'Procedural Map', keywords: 'mp200,cp42,qp0,v2380' });
    const agent = await startAgent(`
servers:
  - id: tf2
    game: source
    query: { type: teamfortress2, host: 127.0.0.1, port: ${tf2.port}, interval: 200ms, timeout: 2s }
  - id: rust
    game: rust
    query: { type: rust, host: 127.0.0.1, port: ${rust.port}, interval: 200ms, timeout: 2s }
`);
    try {
      let text = await agent.scrape();
      assert.equal(seriesValue(text, 'gust_server_up{server="tf2"}'), 1);
      assert.equal(seriesValue(text, 'gust_server_probe_success{server="tf2",source="query"}'), 1);
      assert.equal(seriesValue(text, 'gust_players_online{server="tf2"}'), 5);
      assert.equal(seriesValue(text, 'gust_players_max{server="tf2"}'), 24);
      assert.match(text, /gust_server_info\{server="tf2",game="source",name="Fake TF2",map="cp_badlands",version="8835751"\} 1/);
      assert.equal(seriesValue(text, 'gust_players_online{server="rust"}'), 42, 'Rust counts come from the cp tag');
      assert.equal(seriesValue(text, 'gust_players_max{server="rust"}'), 200);
      assert.ok(tf2.stats.challenges >= 1, 'the challenge handshake was used');
      tf2.setPlayers(9);
      await eventually(async () => seriesValue(await agent.scrape(), 'gust_players_online{server="tf2"}') === 9, 5_000, 'new count');
      text = await agent.scrape();
      assert.ok((seriesValue(text, 'gust_server_last_success_timestamp_seconds{server="tf2",source="query"}') ?? 0) > Date.now() / 1000 - 5);
    } finally {
      await agent.stop();
      await Promise.all([tf2.close(), rust.close()]);
    }
  });

  it('a silent server fails with reason timeout by the agent deadline, and recovers', async () => {
    const fake = await startA2sFake({ players: 2 });
    fake.setSilent(true);
    const started = Date.now();
    const agent = await startAgent(`
servers:
  - id: hung
    game: source
    query: { type: teamfortress2, host: 127.0.0.1, port: ${fake.port}, interval: 200ms, timeout: 400ms }
`);
    try {
      // start() waited for the first query: it must have ended by the deadline, not gamedig's 10 s.
      assert.ok(Date.now() - started < 3_000, `first round took ${Date.now() - started} ms`);
      const state = agent.agent.ctx.state.get('hung')!;
      assert.equal(state.sources.query.ok, false);
      assert.equal(state.sources.query.lastErrorReason, 'timeout');
      assert.equal(seriesValue(await agent.scrape(), 'gust_server_up{server="hung"}'), 0);
      fake.setSilent(false);
      await eventually(async () => seriesValue(await agent.scrape(), 'gust_server_up{server="hung"}') === 1, 5_000, 'recovered');
    } finally {
      await agent.stop();
      await fake.close();
    }
  });

  it('a TCP query whose server accepts and never answers ends within its timeout, as reason timeout', async () => {
    const hung = await startHungFake();
    const [server] = configSchema.parse({ servers: [{ id: 'mc', game: 'minecraft', query: { type: 'minecraft', host: '127.0.0.1', port: hung.port, timeout: '300ms' } }] }).servers;
    await import('gamedig'); // loaded (seconds on a busy machine) before the clock starts
    const started = Date.now();
    try {
      // gamedig's attempt timeout or the agent's deadline, whichever comes first: both are timeouts.
      await assert.rejects(queryWithDeadline(server!), (err: unknown) => {
        assert.equal(queryFailureReason(err), 'timeout', String(err));
        return true;
      });
      assert.ok(Date.now() - started < 300 + 250, `query ended after ${Date.now() - started} ms`);
      assert.ok(hung.stats.connections >= 1, 'the query reached the server');
    } finally {
      await hung.close();
    }
  });
});
