/**
 * Issue 4 "Done when": a real agent against fakes for Rust (WebRCON), Minecraft (RCON) and a
 * Source server shows their player counts and gust_server_up 1; a wrong password shows
 * reason="auth" failures and gust_server_up 0; a fake killed mid-run goes down within one
 * interval plus timeout while the others keep updating and scrapes stay fast.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startAgent, seriesValue, eventually, type TestAgent } from '../support/agent.ts';
import { startWebRconFake, type WebRconFake } from '../fakes/webrcon.ts';
import { startMinecraftFake, type MinecraftFake } from '../fakes/minecraft.ts';
import { startSrcdsFake, type SrcdsFake } from '../fakes/srcds.ts';
import { startHungFake } from '../fakes/hung.ts';

const INTERVAL_MS = 300;
const TIMEOUT_MS = 500;

describe('auto commands end to end', () => {
  let rust: WebRconFake;
  let mc: MinecraftFake;
  let tf2: SrcdsFake;
  let badMc: MinecraftFake;
  let agent: TestAgent;

  before(async () => {
    rust = await startWebRconFake({ password: 'rust-secret-pw', players: 7, maxPlayers: 50, queued: 2, joining: 1 });
    mc = await startMinecraftFake({ password: 'mc-secret-pw', players: 3, maxPlayers: 20 });
    tf2 = await startSrcdsFake({ password: 'tf2-secret-pw', players: 5, maxPlayers: 24 });
    badMc = await startMinecraftFake({ password: 'the-right-one', players: 1 });
    agent = await startAgent(`
auto_commands: { interval: ${INTERVAL_MS}ms, timeout: ${TIMEOUT_MS}ms, retries: 1, error_backoff: 100ms, max_backoff: 200ms, adaptive_interval: false, max_concurrent: 3 }
servers:
  - id: rust
    game: rust
    rcon: { transport: webrcon, host: 127.0.0.1, port: ${rust.port}, password: rust-secret-pw }
    commands: [serverinfo]
  - id: mc
    game: minecraft
    rcon: { transport: source, host: 127.0.0.1, port: ${mc.port}, password: mc-secret-pw }
    commands: [list]
  - id: tf2
    game: source
    rcon: { transport: source, host: 127.0.0.1, port: ${tf2.port}, password: tf2-secret-pw }
    commands: [status]
  - id: badpw
    game: minecraft
    rcon: { transport: source, host: 127.0.0.1, port: ${badMc.port}, password: wrong-secret-pw }
    commands: [list]
`);
  });

  after(async () => {
    await agent?.stop();
    await Promise.all([rust?.close(), mc?.close(), tf2?.close(), badMc?.close()]);
  });

  it('shows players online/max and up 1 for each game after the first round', async () => {
    // start() resolved after the first round: no waiting needed.
    const text = await agent.scrape();
    const expect: Array<[string, number, number]> = [['rust', 7, 50], ['mc', 3, 20], ['tf2', 5, 24]];
    for (const [server, online, max] of expect) {
      assert.equal(seriesValue(text, `gust_server_up{server="${server}"}`), 1, `${server} up`);
      assert.equal(seriesValue(text, `gust_players_online{server="${server}"}`), online, `${server} online`);
      assert.equal(seriesValue(text, `gust_players_max{server="${server}"}`), max, `${server} max`);
    }
    assert.equal(seriesValue(text, 'gust_players_queued{server="rust"}'), 2);
    assert.equal(seriesValue(text, 'gust_players_joining{server="rust"}'), 1);
    assert.equal(seriesValue(text, 'gust_server_tick_rate_hertz{server="rust"}'), 204);
    assert.equal(seriesValue(text, 'gust_server_memory_bytes{server="rust"}'), 1638 * 1024 * 1024);
    assert.equal(seriesValue(text, 'gust_rcon_connections{server="rust",transport="webrcon"}'), 1);
    assert.equal(seriesValue(text, 'gust_rcon_connections{server="mc",transport="source"}'), 1);
    assert.ok((seriesValue(text, 'gust_commands_total{server="tf2",command="status"}') ?? 0) >= 1);
    assert.match(text, /gust_server_info\{server="rust",game="rust",name="Fake Rust Server",map="Procedural Map",version="2380.236.1"\} 1/);
  });

  it('exports every B and C series, and the exposition passes promtool check metrics', async () => {
    const text = await agent.scrape();
    for (const name of ['gust_command_duration_seconds_bucket', 'gust_commands_total', 'gust_command_failures_total', 'gust_command_retries_total', 'gust_commands_in_flight', 'gust_command_queue_length', 'gust_server_backoff_seconds', 'gust_autocommand_interval_seconds', 'gust_autocommand_rounds_total', 'gust_rcon_connections', 'gust_rcon_connects_total', 'gust_rcon_connection_failures_total', 'gust_rcon_messages_total']) {
      assert.match(text, new RegExp(`^${name}[{ ]`, 'm'), name);
    }
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.error, undefined, 'promtool runs (test/setup/install-deps.sh installs it)');
    assert.equal(`${lint.stdout}${lint.stderr}`.trim(), '', 'promtool reported problems');
  });

  it('follows player changes on later rounds, and counts an uptime reset as a restart', async () => {
    mc.setPlayers(11);
    rust.setPlayers(9);
    rust.setUptime(5);
    await eventually(async () => {
      const text = await agent.scrape();
      return seriesValue(text, 'gust_players_online{server="mc"}') === 11 && seriesValue(text, 'gust_players_online{server="rust"}') === 9;
    }, 5_000, 'new player counts');
    const text = await agent.scrape();
    assert.equal(seriesValue(text, 'gust_server_restarts_total{server="rust"}'), 1);
    const start = seriesValue(text, 'gust_server_start_time_seconds{server="rust"}')!;
    assert.ok(Math.abs(start - (Date.now() / 1000 - 5)) < 3, `start time ${start}`);
  });

  it('a wrong password counts reason="auth" and keeps the server down', async () => {
    const first = await agent.scrape();
    assert.equal(seriesValue(first, 'gust_server_up{server="badpw"}'), 0);
    const before = seriesValue(first, 'gust_command_failures_total{server="badpw",command="list",reason="auth"}') ?? 0;
    assert.ok(before >= 1);
    await eventually(async () => (seriesValue(await agent.scrape(), 'gust_command_failures_total{server="badpw",command="list",reason="auth"}') ?? 0) > before, 5_000, 'more auth failures');
    const text = await agent.scrape();
    assert.equal(seriesValue(text, 'gust_server_up{server="badpw"}'), 0);
    assert.equal(seriesValue(text, 'gust_players_online{server="badpw"}'), undefined, 'no player count without a reply');
    assert.ok((seriesValue(text, 'gust_rcon_connection_failures_total{server="badpw",transport="source",reason="auth"}') ?? 0) >= 1);
    assert.ok(badMc.stats.authFailures >= 2);
    assert.equal(seriesValue(text, 'gust_command_retries_total{server="badpw",command="list"}'), 0, 'an auth failure is not retried');
    // No secret anywhere.
    for (const secret of ['wrong-secret-pw', 'rust-secret-pw', 'mc-secret-pw', 'tf2-secret-pw']) {
      assert.ok(!text.includes(secret));
      assert.ok(!agent.logs.some((l) => l.includes(secret)), `${secret} in logs`);
    }
  });

  // Detection within one interval plus timeout, with room for a loaded machine's scheduling.
  const DOWN_WITHIN_MS = INTERVAL_MS + TIMEOUT_MS + 250;

  it('a hung server (accepts, never answers) goes down within one interval plus timeout, through the timeout path', async () => {
    const port = tf2.port;
    const count = (text: string, reason: string) => seriesValue(text, `gust_command_failures_total{server="tf2",command="status",reason="${reason}"}`) ?? 0;
    const before = await agent.scrape();
    // tf2 restarts and hangs: the agent's connection drops, the next one is accepted and never answered.
    await tf2.close();
    const hung = await startHungFake({ port });
    const hungAt = Date.now();
    try {
      await eventually(async () => seriesValue(await agent.scrape(), 'gust_server_up{server="tf2"}') === 0, DOWN_WITHIN_MS, 'tf2 down');
      assert.ok(Date.now() - hungAt <= DOWN_WITHIN_MS);
      const text = await agent.scrape();
      assert.equal(count(text, 'timeout'), count(before, 'timeout') + 1, 'one timeout');
      assert.equal(count(text, 'refused'), count(before, 'refused'), 'not refused');
      assert.equal(seriesValue(text, 'gust_command_retries_total{server="tf2",command="status"}'), seriesValue(before, 'gust_command_retries_total{server="tf2",command="status"}'), 'a timeout is not retried');
      assert.ok(hung.stats.connections >= 1);
    } finally {
      await hung.close();
    }
    tf2 = await startSrcdsFake({ password: 'tf2-secret-pw', players: 5, maxPlayers: 24, port });
    await eventually(async () => seriesValue(await agent.scrape(), 'gust_server_up{server="tf2"}') === 1, 5_000, 'tf2 back up');
  });

  it('a killed server goes down within one interval plus timeout; the others keep updating; scrapes stay fast', async () => {
    const killedAt = Date.now();
    tf2.kill();
    await eventually(async () => seriesValue(await agent.scrape(), 'gust_server_up{server="tf2"}') === 0, DOWN_WITHIN_MS, 'tf2 down');
    assert.ok(Date.now() - killedAt <= DOWN_WITHIN_MS);
    const lastSuccess = () => agent.scrape().then((t) => seriesValue(t, 'gust_server_last_success_timestamp_seconds{server="mc",source="command"}') ?? 0);
    const before = await lastSuccess();
    await eventually(async () => (await lastSuccess()) > before, 3_000, 'mc still updating');
    mc.setPlayers(4);
    await eventually(async () => seriesValue(await agent.scrape(), 'gust_players_online{server="mc"}') === 4, 3_000, 'mc players update');
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const text = await agent.scrape();
      latencies.push(performance.now() - started);
      assert.equal(seriesValue(text, 'gust_server_up{server="tf2"}'), 0);
      assert.equal(seriesValue(text, 'gust_server_up{server="rust"}'), 1);
      assert.ok(seriesValue(text, 'gust_command_failures_total{server="tf2",command="status",reason="timeout"}') !== undefined, 'series stay stable');
    }
    // The median, so one scheduling hiccup of a loaded CI machine does not fail the suite.
    const median = latencies.sort((a, b) => a - b)[2]!;
    assert.ok(median < 100, `scrape latencies ${latencies.map((l) => l.toFixed(1)).join(', ')} ms`);
  });
});
