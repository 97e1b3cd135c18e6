/**
 * The in-agent evaluator: pending until `for:`, firing as gust_alert_active 1, cleared when
 * the condition is gone, repeats within the dedup window not announced twice; and in a real
 * agent, a game process that disappears raises GustServerDown in /metrics and /api/v1/alerts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Gauge, Registry } from 'prom-client';
import { parseConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { AlertEvaluator } from '../../src/alerts/evaluator.ts';
import { histogramQuantile, CounterWindow } from '../../src/alerts/window.ts';
import { eventually, seriesValue, startAgent } from '../support/agent.ts';

function evaluatorWithLogs(yaml = '') {
  const registry = new Registry();
  const gauge = new Gauge({ name: 'gust_alert_active', help: 'x', labelNames: ['alertname', 'severity', 'server'] as const, registers: [registry] });
  const logs: Array<{ msg: string; alertname?: string }> = [];
  const sink = new Writable({ write(chunk, _e, cb) { logs.push(JSON.parse(String(chunk))); cb(); } });
  const cfg = parseConfig(yaml || '{}', 'test.yaml').alerts;
  return { evaluator: new AlertEvaluator(gauge, createLogger({ level: 'debug', format: 'json' }, sink), cfg), registry, logs };
}

const down = { alertname: 'GustServerDown', severity: 'critical' as const, server: 'a', value: 0 };

test('an alert is pending until its for: has passed, then firing; it clears when resolved', async () => {
  const { evaluator, registry } = evaluatorWithLogs('alerts: { server_down_for: 2m }');
  evaluator.update([down], 0);
  assert.equal(evaluator.active()[0]?.state, 'pending');
  assert.doesNotMatch(await registry.metrics(), /gust_alert_active\{/);
  evaluator.update([down], 119_000);
  assert.equal(evaluator.active()[0]?.state, 'pending');
  evaluator.update([down], 120_000);
  assert.equal(evaluator.active()[0]?.state, 'firing');
  assert.equal(seriesValue(await registry.metrics(), 'gust_alert_active{alertname="GustServerDown",severity="critical",server="a"}'), 1);
  evaluator.update([], 130_000);
  assert.deepEqual(evaluator.active(), []);
  assert.doesNotMatch(await registry.metrics(), /gust_alert_active\{/);
});

test('an alert without a server label is exposed without it', async () => {
  const { evaluator, registry } = evaluatorWithLogs();
  evaluator.update([{ alertname: 'GustConfigReloadFailed', severity: 'warning', value: 0 }], 0);
  assert.equal(seriesValue(await registry.metrics(), 'gust_alert_active{alertname="GustConfigReloadFailed",severity="warning"}'), 1);
});

test('repeats within the dedup window are not announced again; after it they are', () => {
  const { evaluator, logs } = evaluatorWithLogs('alerts: { server_down_for: 0s, dedup_window: 5m }');
  const firing = () => logs.filter((l) => l.msg === 'alert firing').length;
  evaluator.update([down], 0);
  evaluator.update([down], 10_000);
  assert.equal(firing(), 1);
  evaluator.update([], 20_000);
  evaluator.update([down], 60_000); // flaps back within 5 minutes
  assert.equal(firing(), 1);
  assert.equal(evaluator.active()[0]?.state, 'firing');
  evaluator.update([], 70_000);
  evaluator.update([down], 70_000 + 5 * 60_000);
  assert.equal(firing(), 2);
});

test('histogram quantile and counter windows follow PromQL', () => {
  assert.equal(histogramQuantile(0.5, new Map([[1, 0], [3, 10], [Infinity, 10]])), 2);
  assert.equal(histogramQuantile(0.95, new Map([[1, 0], [Infinity, 0]])), undefined);
  const w = new CounterWindow(60_000);
  w.push(0, new Map([['a', 5]]));
  w.push(30_000, new Map([['a', 7]]));
  w.push(61_000, new Map([['a', 12]]));
  assert.deepEqual([...w.increases()], [['a', 7]]);
  w.push(90_000, new Map([['a', 15]])); // the snapshot at 0 left the window
  assert.deepEqual([...w.increases()], [['a', 8]]);
  w.push(95_000, new Map([['a', 2]])); // restarted from 0
  assert.deepEqual([...w.increases()], [['a', 2]]);
});

test('a real agent raises GustServerDown when the game process is gone and clears it when it is back', async () => {
  const { tempDir } = await import('../support/agent.ts');
  const dir = tempDir('gust-alerts-');
  const pidFile = path.join(dir, 'game.pid');
  writeFileSync(pidFile, String(process.pid));
  const agent = await startAgent(
    `host: { enabled: false, interval: 100ms }\nalerts: { server_down_for: 300ms }\nservers:\n  - id: game1\n    process: { pid_file: ${pidFile} }\n`,
    { dir },
  );
  const series = 'gust_alert_active{alertname="GustServerDown",severity="critical",server="game1"}';
  try {
    assert.equal(seriesValue(await agent.scrape(), 'gust_server_up{server="game1"}'), 1);
    // pid_max is at most 2^22: this pid never exists.
    writeFileSync(pidFile, '999999999');
    await eventually(async () => seriesValue(await agent.scrape(), series) === 1, 10_000, 'GustServerDown in gust_alert_active');
    const res = await fetch(`${agent.url}/api/v1/alerts`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { available: boolean; alerts: Array<{ alertname: string; server?: string; state: string }> };
    assert.equal(body.available, true);
    // Seen failing once (alerts: [] right after the scrape showed it firing, CI beside a soak): the
    // agent's alert and collector log lines go with the message so the next failure shows why.
    const trail = agent.logs.filter((l) => /alert|collector|process/.test(l)).slice(-20).join('');
    assert.ok(body.alerts.some((a) => a.alertname === 'GustServerDown' && a.server === 'game1' && a.state === 'firing'), `${JSON.stringify(body)}\n${trail}`);
    writeFileSync(pidFile, String(process.pid));
    await eventually(async () => seriesValue(await agent.scrape(), series) === undefined, 10_000, 'GustServerDown cleared');
  } finally {
    await agent.stop();
  }
});
