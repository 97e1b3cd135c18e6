/**
 * The in-agent checks read the same state and series as the Prometheus rules and apply the
 * configured thresholds: driven here on a real agent's context.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { Counter, Histogram } from 'prom-client';
import { AlertChecks, type Condition } from '../../src/alerts/checks.ts';
import { seriesValue, startAgent } from '../support/agent.ts';

const pick = (conditions: Condition[], alertname: string) =>
  conditions.filter((c) => c.alertname === alertname).map((c) => `${c.severity}:${c.server ?? ''}:${Math.round(c.value * 1000) / 1000}`).sort();

test('server, command and reload conditions follow the configured thresholds', async () => {
  const agent = await startAgent(
    [
      'auto_commands: { enabled: false }',
      'alerts: { command_error_ratio: { warning: 0.05, critical: 0.3 }, command_latency_seconds: { warning: 2, critical: 5 } }',
      'servers:',
      '  - id: s1',
      '    game: rust',
      '    rcon: { transport: webrcon, port: 1, password: x }',
      '    commands: [serverinfo]',
      '  - id: s2',
      '    maintenance: true',
    ].join('\n'),
  );
  try {
    const { ctx } = agent.agent;
    const checks = new AlertChecks(ctx);
    const t0 = Date.now();
    assert.deepEqual(pick(await checks.run(t0), 'GustCommandErrorRateHigh'), []);

    ctx.state.recordSuccess('s1', 'command', { playersOnline: 95, playersMax: 100 });
    const total = ctx.registry.getSingleMetric('gust_commands_total') as Counter<string>;
    const failures = ctx.registry.getSingleMetric('gust_command_failures_total') as Counter<string>;
    const duration = ctx.registry.getSingleMetric('gust_command_duration_seconds') as Histogram<string>;
    total.inc({ server: 's1', command: 'serverinfo' }, 100);
    failures.inc({ server: 's1', command: 'serverinfo', reason: 'timeout' }, 20);
    for (let i = 0; i < 10; i++) duration.observe({ server: 's1', command: 'serverinfo' }, 2.5);
    const conditions = await checks.run(t0 + 60_000);

    assert.deepEqual(pick(conditions, 'GustServerNearlyFull'), ['info:s1:0.95']);
    assert.deepEqual(pick(conditions, 'GustCommandErrorRateHigh'), ['warning:s1:0.2']);
    // All observations in the (2, 3] bucket: p95 interpolates to 2.95 s, above 2 s, below 5 s.
    assert.deepEqual(pick(conditions, 'GustCommandLatencyHigh'), ['warning:s1:2.95']);
    // s1 answered its last probe; s2 is in maintenance: neither is down.
    assert.deepEqual(pick(conditions, 'GustServerDown'), []);
    assert.deepEqual(pick(conditions, 'GustConfigReloadFailed'), []);

    ctx.state.recordFailure('s1', 'command', 'refused', 'connection refused');
    writeFileSync(agent.configPath, 'servers: [ {id: "NOT VALID"} ]\n');
    assert.equal((await agent.agent.reload()).ok, false);
    const after = await checks.run(t0 + 120_000);
    assert.deepEqual(pick(after, 'GustServerDown'), ['critical:s1:0']);
    assert.deepEqual(pick(after, 'GustConfigReloadFailed'), ['warning::0']);
  } finally {
    await agent.stop();
  }
});

test('cluster conditions: fewer members than expected, and a server whose newest result is too old', async () => {
  const agent = await startAgent(
    [
      // Redis unreachable: the member runs alone in fallback and has never seen the group.
      'cache: { redis: { url: "redis://127.0.0.1:1/0", operation_timeout: 50ms } }',
      'auto_commands: { enabled: false, interval: 10s }',
      'cluster: { mode: replicate, member_id: m1, expected_members: 2, heartbeat: 1s, member_ttl: 3s, lease_ttl: 5s }',
      'alerts: { cluster_result_stale_after: 1s }',
      'servers:',
      '  - { id: fresh, game: rust, rcon: { transport: webrcon, port: 1, password: x }, commands: [serverinfo] }',
      '  - { id: stale, game: rust, rcon: { transport: webrcon, port: 1, password: x }, commands: [serverinfo] }',
    ].join('\n'),
  );
  try {
    const { ctx } = agent.agent;
    const checks = new AlertChecks(ctx);
    ctx.state.recordSuccess('stale', 'command', {}, Date.now() - 5_000);
    ctx.state.recordSuccess('fresh', 'command', {});
    const conditions = await checks.run();
    assert.deepEqual(pick(conditions, 'GustClusterMembersMissing'), ['warning::0']);
    assert.deepEqual(pick(conditions, 'GustClusterServerUnpolled').map((c) => c.split(':').slice(0, 2).join(':')), ['warning:stale']);
  } finally {
    await agent.stop();
  }
});

test('shard mode: no server alerts for servers another member polls', async () => {
  const agent = await startAgent(
    [
      // Redis unreachable from the start: the last known share is empty, so this member exports nothing.
      'cache: { redis: { url: "redis://127.0.0.1:1/0", operation_timeout: 50ms } }',
      'auto_commands: { enabled: false, interval: 10s }',
      'cluster: { mode: shard, member_id: m1, heartbeat: 1s, member_ttl: 3s, lease_ttl: 5s }',
      'servers:',
      '  - { id: elsewhere, game: rust, rcon: { transport: webrcon, port: 1, password: x }, commands: [serverinfo] }',
    ].join('\n'),
  );
  try {
    const { ctx } = agent.agent;
    ctx.state.recordFailure('elsewhere', 'command', 'refused', 'connection refused');
    const conditions = await new AlertChecks(ctx).run();
    assert.deepEqual(pick(conditions, 'GustServerDown'), []);
    assert.equal(seriesValue(await agent.scrape(), 'gust_server_up{server="elsewhere"}'), undefined, 'not exported either');
  } finally {
    await agent.stop();
  }
});
