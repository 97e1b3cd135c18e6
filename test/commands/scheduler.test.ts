/** The scheduler: concurrency bound (asserted by the fakes), rotation fairness, backoff, adaptive interval, reload. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { configSchema } from '../../src/config/schema.ts';
import { effectiveIntervalMs, pickRound } from '../../src/sources/commands/scheduler.ts';
import { backoffMs } from '../../src/sources/commands/runner.ts';
import { startAgent, seriesValue, eventually } from '../support/agent.ts';
import { startSrcdsFake, type SrcdsFake } from '../fakes/srcds.ts';
import { startMinecraftFake, type MinecraftFake } from '../fakes/minecraft.ts';
import { InFlightTracker } from '../fakes/common.ts';
import { startHungFake } from '../fakes/hung.ts';

const settings = (o: Record<string, unknown>) => configSchema.parse({ auto_commands: o }).auto_commands;

function serversYaml(fakes: Array<{ port: number }>, game = 'source', commands = '[status]'): string {
  return fakes
    .map((f, i) => `  - id: s${i}\n    game: ${game}\n    rcon: { transport: source, port: ${f.port}, password: pw }\n    commands: ${commands}`)
    .join('\n');
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('round selection', () => {
  it('rotates the start and visits every server equally often', () => {
    const s = settings({ max_servers_per_round: 2 });
    const servers = ['a', 'b', 'c', 'd', 'e'];
    const visits = new Map<string, number>();
    let cursor = 0;
    for (let round = 0; round < 10; round++) {
      const { picked, nextCursor } = pickRound(servers, cursor, s);
      assert.equal(picked.length, 2);
      for (const p of picked) visits.set(p, (visits.get(p) ?? 0) + 1);
      cursor = nextCursor;
    }
    assert.deepEqual([...visits.values()], [4, 4, 4, 4, 4]);
    assert.deepEqual(pickRound(servers, 3, settings({})).picked, ['d', 'e', 'a', 'b', 'c']);
    assert.deepEqual(pickRound(servers, 3, settings({ rotate_servers: false, max_servers_per_round: 2 })).picked, ['a', 'b']);
  });

  it('adaptive interval follows the seed formula, capped at 2 minutes; backoff doubles to its cap', () => {
    const s = settings({ interval: '10s' });
    assert.equal(effectiveIntervalMs(s, 5), 10_000);
    assert.equal(effectiveIntervalMs(s, 35), 30_000);
    assert.equal(effectiveIntervalMs(s, 500), 120_000);
    assert.equal(effectiveIntervalMs(settings({ interval: '10s', adaptive_interval: false }), 500), 10_000);
    const config = configSchema.parse({ auto_commands: { error_backoff: '5s', max_backoff: '30s' } });
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffMs(config, n)), [5_000, 10_000, 20_000, 30_000, 30_000]);
  });
});

describe('scheduler against fakes', () => {
  it('never has more than max_concurrent commands in flight, and reaches the bound', async () => {
    const tracker = new InFlightTracker();
    const fakes: SrcdsFake[] = [];
    for (let i = 0; i < 10; i++) fakes.push(await startSrcdsFake({ password: 'pw', players: i, replyDelayMs: 60, tracker }));
    const agent = await startAgent(`
auto_commands: { interval: 150ms, timeout: 2s, max_concurrent: 3, adaptive_interval: false }
servers:
${serversYaml(fakes, 'source', '[status, "long 100"]')}
`);
    try {
      let sawQueue = false;
      await eventually(async () => {
        const text = await agent.scrape();
        assert.ok((seriesValue(text, 'gust_commands_in_flight') ?? 0) <= 3);
        if ((seriesValue(text, 'gust_command_queue_length') ?? 0) > 0) sawQueue = true;
        return tracker.total >= 60;
      }, 20_000, '60 commands');
      assert.ok(sawQueue, 'servers waited for a slot');
    } finally {
      await agent.stop();
      await Promise.all(fakes.map((f) => f.close()));
    }
    assert.equal(tracker.max, 3, `max in flight seen by the fakes: ${tracker.max}`);
  });

  it('rotation is fair across rounds with max_servers_per_round', async () => {
    const fakes: MinecraftFake[] = [];
    for (let i = 0; i < 5; i++) fakes.push(await startMinecraftFake({ password: 'pw', players: 1 }));
    const agent = await startAgent(`
auto_commands: { interval: 200ms, timeout: 2s, max_servers_per_round: 2, max_concurrent: 5, adaptive_interval: false }
servers:
${serversYaml(fakes, 'minecraft', '[list]')}
`);
    try {
      await eventually(() => fakes.reduce((n, f) => n + f.stats.commands.length, 0) >= 20, 15_000, '20 commands');
      const text = await agent.scrape();
      assert.ok((seriesValue(text, 'gust_autocommand_rounds_total') ?? 0) >= 10);
      assert.equal(seriesValue(text, 'gust_autocommand_interval_seconds'), 0.2);
    } finally {
      await agent.stop();
    }
    const counts = fakes.map((f) => f.stats.commands.length);
    await Promise.all(fakes.map((f) => f.close()));
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `visits per server: ${counts.join(', ')}`);
  });

  it('a dead server backs off exponentially up to max_backoff; per-command every is honoured', async () => {
    const deadPort = await freePort();
    const live = await startSrcdsFake({ password: 'pw', players: 2 });
    // Steps 0.2, 0.4, 0.8, 1.6 s: a linear backoff would show 0.6 or 1.0 and 1.2 on its way up.
    const agent = await startAgent(`
auto_commands: { interval: 50ms, timeout: 1s, retries: 1, error_backoff: 200ms, max_backoff: 1600ms, adaptive_interval: false }
servers:
  - id: dead
    game: source
    rcon: { transport: source, port: ${deadPort}, password: pw }
    commands: [status]
  - id: live
    game: source
    rcon: { transport: source, port: ${live.port}, password: pw }
    commands: [status, { command: "long 5", every: 1s }]
`);
    try {
      const seen: number[] = [];
      await eventually(async () => {
        const value = seriesValue(await agent.scrape(), 'gust_server_backoff_seconds{server="dead"}') ?? -1;
        if (seen.at(-1) !== value) seen.push(value);
        return value === 1.6;
      }, 15_000, 'backoff at its cap');
      // Each backoff lasts at least 200 ms while scrapes come every ~25 ms: every step is seen.
      assert.deepEqual(seen.filter((v) => v > 0), [0.2, 0.4, 0.8, 1.6], `backoff steps seen: ${seen.join(', ')}`);
      const text = await agent.scrape();
      assert.ok((seriesValue(text, 'gust_command_failures_total{server="dead",command="status",reason="refused"}') ?? 0) >= 4);
      assert.ok((seriesValue(text, 'gust_command_retries_total{server="dead",command="status"}') ?? 0) >= 1);
      assert.equal(seriesValue(text, 'gust_server_backoff_seconds{server="live"}'), 0);
      assert.equal(seriesValue(text, 'gust_server_up{server="dead"}'), 0);
      // About 3 s have passed: "long 5" ran on the first round and again each second, status on every 50 ms round.
      const status = live.stats.commands.filter((c) => c === 'status').length;
      const long = live.stats.commands.filter((c) => c === 'long 5').length;
      assert.ok(long >= 2, `every: 1s ran ${long} times`);
      assert.ok(status >= 5 * long, `every: 1s ran ${long} times against ${status} status commands`);
    } finally {
      await agent.stop();
      await live.close();
    }
  });

  it('a hung server (accepts, never answers) holds only its own slot; rounds do not wait for it; timeouts are not retried', async () => {
    const hung = await startHungFake();
    const live = await startSrcdsFake({ password: 'pw', players: 2 });
    const agent = await startAgent(`
auto_commands: { interval: 100ms, timeout: 2s, retries: 2, max_concurrent: 2, error_backoff: 100ms, max_backoff: 100ms, adaptive_interval: false }
servers:
  - id: hung
    game: source
    rcon: { transport: source, port: ${hung.port}, password: pw }
    commands: [status]
  - id: live
    game: source
    rcon: { transport: source, port: ${live.port}, password: pw }
    commands: [status]
`);
    try {
      // With a 100 ms backoff the hung server is queued again as soon as its 2 s timeout ends:
      // it is busy nearly all the time. Live must still be polled on every 100 ms round. If
      // rounds waited for the hung job, or later rounds queued more jobs for the busy server
      // until they filled both slots, live would be polled about once per 2 s.
      await eventually(async () => (seriesValue(await agent.scrape(), 'gust_command_failures_total{server="hung",command="status",reason="timeout"}') ?? 0) >= 1, 6_000, 'hung times out');
      const start = live.stats.commands.length;
      const startedAt = Date.now();
      await eventually(() => live.stats.commands.length - start >= 8 || undefined, 1_900, 'live polled on every round while hung holds its slot');
      assert.ok(Date.now() - startedAt < 1_900);
      const text = await agent.scrape();
      assert.equal(seriesValue(text, 'gust_command_retries_total{server="hung",command="status"}'), 0, 'a timeout is not retried');
      assert.equal(seriesValue(text, 'gust_server_up{server="live"}'), 1);
      assert.equal(seriesValue(text, 'gust_server_up{server="hung"}'), 0);
    } finally {
      await agent.stop();
      await Promise.all([hung.close(), live.close()]);
    }
  });

  it('reload keeps the connections of unchanged servers and applies new commands', async () => {
    const a = await startSrcdsFake({ password: 'pw', players: 1 });
    const b = await startSrcdsFake({ password: 'pw', players: 2 });
    const agent = await startAgent(`
auto_commands: { interval: 100ms, timeout: 1s, adaptive_interval: false }
servers:
${serversYaml([a, b])}
`);
    try {
      const yaml = readFileSync(agent.configPath, 'utf8');
      const at = yaml.lastIndexOf('commands: [status]');
      writeFileSync(agent.configPath, `${yaml.slice(0, at)}commands: [status, "long 3"]${yaml.slice(at + 'commands: [status]'.length)}`);
      assert.deepEqual(await agent.agent.reload(), { ok: true });
      await eventually(() => b.stats.commands.includes('long 3'), 5_000, 'new command runs');
      const text = await agent.scrape();
      assert.equal(seriesValue(text, 'gust_commands_total{server="s0",command="long 3"}'), undefined);
      assert.ok((seriesValue(text, 'gust_commands_total{server="s1",command="long 3"}') ?? 0) >= 1);
      assert.equal(a.stats.connections, 1);
      assert.equal(b.stats.connections, 1);
      // Removing a server closes its connection and removes its series.
      const at0 = readFileSync(agent.configPath, 'utf8').indexOf('  - id: s0');
      const at1 = readFileSync(agent.configPath, 'utf8').indexOf('  - id: s1');
      const current = readFileSync(agent.configPath, 'utf8');
      writeFileSync(agent.configPath, current.slice(0, at0) + current.slice(at1));
      assert.deepEqual(await agent.agent.reload(), { ok: true });
      const after = await agent.scrape();
      assert.equal(seriesValue(after, 'gust_commands_total{server="s0",command="status"}'), undefined);
      assert.equal(seriesValue(after, 'gust_rcon_connections{server="s0",transport="source"}'), undefined);
      assert.equal(seriesValue(after, 'gust_rcon_connections{server="s1",transport="source"}'), 1);
      await eventually(() => a.stats.connections === 1 && b.stats.commands.length > 3, 5_000, 'b keeps running');
    } finally {
      await agent.stop();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
