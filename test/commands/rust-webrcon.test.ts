/**
 * Issue 13's "Done when" for Rust, through a real agent: a wrong password answered the way
 * Rust answers it (a bare close frame, no HTTP 101) costs at most 4 connections, each counted
 * as reason="auth" on the command and connection series, never retried; a serverinfo reply
 * preceded and followed by log frames with its Identifier still gives the player counts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent, seriesValue, eventually } from '../support/agent.ts';
import { startWebRconFake } from '../fakes/webrcon.ts';

describe('Rust WebRCON through the agent', () => {
  it('a wrong password: auth on both series, no retry, at most 4 connections (Rust bans at 5)', async () => {
    const fake = await startWebRconFake({ password: 'the-right-one' });
    const agent = await startAgent(`
auto_commands: { interval: 200ms, timeout: 3s, retries: 2, error_backoff: 100ms, max_backoff: 200ms, adaptive_interval: false }
servers:
  - id: rust
    game: rust
    rcon: { transport: webrcon, host: 127.0.0.1, port: ${fake.port}, password: wrong-secret-pw }
    commands: [serverinfo]
`);
    try {
      const failures = 'gust_command_failures_total{server="rust",command="serverinfo",reason="auth"}';
      // 4 refused connections (1 s apart: Rust's cooldown), then withheld attempts, also auth.
      await eventually(async () => (seriesValue(await agent.scrape(), failures) ?? 0) >= 6, 15_000, 'withheld attempts');
      const text = await agent.scrape();
      assert.equal(fake.stats.connections, 4);
      assert.equal(fake.stats.authFailures, 4);
      assert.equal(fake.stats.banned, 0);
      assert.equal(seriesValue(text, 'gust_rcon_connection_failures_total{server="rust",transport="webrcon",reason="auth"}'), 4);
      assert.equal(seriesValue(text, 'gust_rcon_connection_failures_total{server="rust",transport="webrcon",reason="error"}'), 0);
      assert.equal(seriesValue(text, 'gust_command_failures_total{server="rust",command="serverinfo",reason="error"}'), 0);
      assert.equal(seriesValue(text, 'gust_command_retries_total{server="rust",command="serverinfo"}'), 0);
      assert.equal(seriesValue(text, 'gust_server_up{server="rust"}'), 0);
      assert.ok(!agent.logs.join('').includes('wrong-secret-pw'));
    } finally {
      await agent.stop();
      await fake.close();
    }
  });

  it('serverinfo preceded by a log frame with its Identifier gives players online/max/queued, no parse failure', async () => {
    const fake = await startWebRconFake({
      password: 'pw',
      players: 17,
      maxPlayers: 150,
      queued: 4,
      commandLogs: (c) => (c === 'serverinfo' ? { before: ['[Debug] [Oxide] serverinfo called'], after: ['[Debug] serverinfo done'] } : undefined),
    });
    const agent = await startAgent(`
auto_commands: { interval: 200ms, timeout: 2s, adaptive_interval: false }
servers:
  - id: rust
    game: rust
    rcon: { transport: webrcon, host: 127.0.0.1, port: ${fake.port}, password: pw }
    commands: [serverinfo]
`);
    try {
      // start() waited for the first round.
      await eventually(async () => fake.stats.commands.length >= 3, 10_000, 'three rounds');
      const text = await agent.scrape();
      assert.equal(seriesValue(text, 'gust_players_online{server="rust"}'), 17);
      assert.equal(seriesValue(text, 'gust_players_max{server="rust"}'), 150);
      assert.equal(seriesValue(text, 'gust_players_queued{server="rust"}'), 4);
      assert.equal(seriesValue(text, 'gust_command_failures_total{server="rust",command="serverinfo",reason="parse"}'), 0);
      assert.equal(seriesValue(text, 'gust_server_up{server="rust"}'), 1);
    } finally {
      await agent.stop();
      await fake.close();
    }
  });
});
