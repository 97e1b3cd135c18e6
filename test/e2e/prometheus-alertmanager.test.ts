/**
 * End to end with a real Prometheus and Alertmanager: the agent (one game server whose up
 * state follows a pid file we control, a game log, host metrics) is scraped every second,
 * the shipped rules are loaded (rendered with a 2 s GustServerDown `for:`), and
 *  - stopping the game server makes GustServerDown fire in Prometheus and reach Alertmanager;
 *  - every dashboard query is accepted by Prometheus and returns data (with the server up or
 *    while the alert fires): one that never does fails the test;
 *  - the alert resolves in both when the server is back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderRuleFiles } from '../../src/alerts/render-rules.ts';
import { eventually, startAgent, tempDir, type TestAgent } from '../support/agent.ts';
import { promQuery, startAlertmanager, startPrometheus, type Service } from '../support/prometheus.ts';
import { selectors } from '../dashboards/promql.ts';
import { startWebRconFake, type WebRconFake } from '../fakes/webrcon.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = tempDir('gust-e2e-');
const pidFile = path.join(dir, 'game.pid');
const logFile = path.join(dir, 'game.log');
let agent: TestAgent;
let alertmanager: Service;
let prometheus: Service;
let target: string;
let rust: WebRconFake;
let redis: TestRedis;

before(async () => {
  writeFileSync(pidFile, String(process.pid));
  writeFileSync(logFile, 'server started\n');
  // game2 feeds the player, performance and auto-command panels (a fake Rust WebRCON, 45/50 players).
  rust = await startWebRconFake({ password: 'e2e-secret', players: 45, maxPlayers: 50 });
  redis = await startRedis();
  agent = await startAgent(
    [
      `cache: { redis: { url: "${redis.url}" } }`,
      'host: { enabled: true, interval: 1s }',
      'alerts: { server_down_for: 2s }',
      'auto_commands: { interval: 1s, adaptive_interval: false }',
      'servers:',
      '  - id: game1',
      `    process: { pid_file: ${pidFile} }`,
      `    logs: [{ path: ${logFile}, start_at: beginning }]`,
      '  - id: game2',
      '    game: rust',
      `    rcon: { transport: webrcon, host: 127.0.0.1, port: ${rust.port}, password: e2e-secret }`,
      '    commands: [serverinfo]',
      `    process: { pid_file: ${pidFile} }`,
    ].join('\n'),
    { dir },
  );
  target = `${agent.agent.address.host}:${agent.agent.address.port}`;
  const rulesDir = path.join(dir, 'rules-out');
  for (const file of renderRuleFiles(agent.agent.ctx.config.alerts)) {
    mkdirSync(path.dirname(path.join(rulesDir, file.path)), { recursive: true });
    writeFileSync(path.join(rulesDir, file.path), file.text);
  }
  alertmanager = await startAlertmanager();
  prometheus = await startPrometheus({
    target,
    ruleFiles: [path.join(rulesDir, 'alerts/*.yml'), path.join(rulesDir, 'rules/*.yml')],
    alertmanager: new URL(alertmanager.url).host,
  });
});

after(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await agent?.stop();
  await rust?.close();
  await redis?.stop();
});

interface PromAlert { labels: Record<string, string>; state: string }
async function promAlerts(): Promise<PromAlert[]> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } };
  return body.data.alerts;
}
async function amAlerts(): Promise<Array<{ labels: Record<string, string>; status: { state: string } }>> {
  return (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as Array<{ labels: Record<string, string>; status: { state: string } }>;
}
const isServerDown = (labels: Record<string, string>) => labels.alertname === 'GustServerDown' && labels.server === 'game1' && labels.job === 'gust';

function dashboardQueries(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  for (const file of readdirSync(path.join(ROOT, 'dashboards')).filter((f) => f.endsWith('.json'))) {
    const d = JSON.parse(readFileSync(path.join(ROOT, 'dashboards', file), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string; refId: string }> }> };
    for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: `${file} "${p.title}" ${t.refId}`, expr: t.expr });
  }
  return out;
}

/**
 * Runs every dashboard query with the values Grafana would substitute. Prometheus must accept
 * each; a query whose selected series all exist must return data. Queries with data are `proven`.
 */
async function checkDashboards(proven: Set<string>): Promise<void> {
  for (const { where, expr } of dashboardQueries()) {
    const concrete = expr
      .replaceAll('$__rate_interval', '5s')
      .replaceAll('$job', 'gust')
      .replaceAll('$instance', target.replaceAll('.', '\\\\.'))
      .replaceAll('$server', '.+');
    const result = await promQuery(prometheus.url, concrete); // throws when Prometheus rejects it
    // "Exists" = present now (a series the agent just dropped, e.g. a stopped process's memory,
    // has a staleness marker) and at least two samples inside the rate window, so rate() has something to work on.
    const present = await Promise.all(
      selectors(concrete).map(async (s) => {
        const sel = `${s.name}{${s.matchers}}`;
        return (await promQuery(prometheus.url, `count(count_over_time(${sel}[5s]) > 1) and count(${sel})`)).length > 0;
      }),
    );
    if (present.every(Boolean)) assert.ok(result.length > 0, `${where}: no data although its series exist: ${concrete}`);
    if (result.length > 0) proven.add(where);
  }
}

test('GustServerDown fires in Prometheus, reaches Alertmanager, every dashboard query returns data, and it resolves', async () => {
  await eventually(async () => (await promQuery(prometheus.url, 'gust_server_up{job="gust",server="game1"} == 1')).length === 1, 20_000, 'game1 up in Prometheus');
  assert.ok(!(await promAlerts()).some((a) => isServerDown(a.labels)), 'no GustServerDown while the server runs');
  // Rates need two scrapes inside the window; the API fills the cache panels.
  for (let i = 0; i < 3; i++) await fetch(`${agent.url}/api/v1/servers`);
  await eventually(async () => (await promQuery(prometheus.url, 'gust:players_fill:ratio{server="game2"} == 0.9')).length === 1, 20_000, 'game2 fill in Prometheus');
  await eventually(async () => (await promQuery(prometheus.url, 'rate(gust_command_duration_seconds_count{job="gust"}[5s]) > 0')).length > 0, 20_000, 'command rate');
  const proven = new Set<string>();
  await checkDashboards(proven);

  // Stop the "game server": its pid file now names a process that cannot exist (pid_max <= 2^22).
  writeFileSync(pidFile, '999999999');
  await eventually(async () => (await promAlerts()).some((a) => isServerDown(a.labels) && a.state === 'firing'), 20_000, 'GustServerDown firing in Prometheus');
  const received = await eventually(async () => (await amAlerts()).find((a) => isServerDown(a.labels)), 20_000, 'GustServerDown in Alertmanager');
  assert.equal(received.labels.severity, 'critical');
  assert.equal(received.status.state, 'active');

  // The agent's own evaluator saw it too, and Prometheus scraped that.
  await eventually(
    async () => (await promQuery(prometheus.url, 'gust_alert_active{job="gust",alertname="GustServerDown",severity="critical",server="game1"} == 1')).length === 1,
    20_000,
    'in-agent GustServerDown scraped by Prometheus',
  );

  // Every dashboard query again while the alert fires (ALERTS, gust_alert_active have data now).
  await checkDashboards(proven);
  // This setup feeds every panel: a query that never returned data (a renamed series, a wrong
  // label, a panel for something the agent does not export) fails here.
  const unproven = dashboardQueries().filter((q) => !proven.has(q.where)).map((q) => `${q.where}: ${q.expr.replace(/\s+/g, ' ')}`);
  assert.deepEqual(unproven, [], `dashboard queries that returned no data in either check (${unproven.length} of ${dashboardQueries().length})`);

  // The server comes back: the alert resolves in Prometheus and leaves Alertmanager's active list.
  writeFileSync(pidFile, String(process.pid));
  await eventually(async () => !(await promAlerts()).some((a) => isServerDown(a.labels)), 20_000, 'GustServerDown resolved in Prometheus');
  await eventually(async () => !(await amAlerts()).some((a) => isServerDown(a.labels)), 20_000, 'GustServerDown resolved in Alertmanager');
});
