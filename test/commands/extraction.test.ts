/**
 * Replies and console streams through the extraction engine: user rules on a command reply,
 * Rust WebRCON chat broadcasts counted like log lines; the cache holds each reply; the API's
 * refresh hook runs a server's commands now.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent, seriesValue, eventually, type TestAgent } from '../support/agent.ts';
import { startWebRconFake, type WebRconFake } from '../fakes/webrcon.ts';
import { startSrcdsFake, type SrcdsFake } from '../fakes/srcds.ts';
import type { CachedReply } from '../../src/sources/commands/runner.ts';

describe('command replies, console streams, cache and refresh', () => {
  let rust: WebRconFake;
  let tf2: SrcdsFake;
  let agent: TestAgent;

  before(async () => {
    rust = await startWebRconFake({ password: 'rpw', players: 4 });
    tf2 = await startSrcdsFake({ password: 'spw', players: 6 });
    agent = await startAgent(`
auto_commands: { interval: 1h, timeout: 1s, adaptive_interval: false }
servers:
  - id: rust
    game: rust
    rcon: { transport: webrcon, port: ${rust.port}, password: rpw }
    commands: [serverinfo]
  - id: tf2
    game: source
    rcon: { transport: source, port: ${tf2.port}, password: spw }
    commands:
      - command: status
        rules: [status_edicts]
rules:
  - name: status_edicts
    match: 'edicts\\s*:\\s*(?<value>\\d+) used'
    metric: gust_custom_edicts
    type: gauge
    value: value
    sources: [command]
`);
  });

  after(async () => {
    await agent?.stop();
    await Promise.all([rust?.close(), tf2?.close()]);
  });

  it('applies the user rules named by the command to its reply', async () => {
    const text = await agent.scrape();
    assert.match(text, /gust_custom_edicts\{[^}]*server="tf2"[^}]*\} 521/);
  });

  it('counts WebRCON chat broadcasts like log lines', async () => {
    const count = async () => seriesValue(await agent.scrape(), 'gust_log_events_total{server="rust",event="chat"}') ?? 0;
    const before = await count();
    rust.chat('Bob', 'hello');
    await eventually(async () => (await count()) > before, 5_000, 'chat counted');
  });

  it('caches each reply and runs the commands on demand', async () => {
    const hit = await agent.agent.ctx.cache.get<CachedReply>('commands', 'tf2:status');
    assert.match(hit?.value.reply ?? '', /players : 6 humans/);
    assert.equal(hit?.value.observation.playersOnline, 6);
    tf2.setPlayers(8);
    const result = await agent.agent.ctx.providers.refresh!('tf2');
    assert.deepEqual(result, { ok: true, results: [{ command: 'status', ok: true }] });
    assert.equal(seriesValue(await agent.scrape(), 'gust_players_online{server="tf2"}'), 8);
    assert.equal(await agent.agent.ctx.providers.refresh!('nope'), undefined);
  });
});
