import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, startAgent, seriesValue, type TestAgent } from '../support/agent.ts';

const run = promisify(execFile);
const TOKEN = 'reload-token-7f3a9c';

describe('HTTP endpoints of a running agent', () => {
  let a: TestAgent;
  before(async () => {
    a = await startAgent(`api: { tokens: ["${TOKEN}"] }
servers:
  - id: alpha
    name: Alpha <b>
    game: minecraft
    logs: [{ path: /nonexistent-gust-test/alpha.log }]
  - id: beta
    game: rust
    maintenance: true
`);
  });
  after(() => a.stop());

  test('landing page links /metrics and lists the servers, HTML-escaped', async () => {
    const res = await fetch(`${a.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/html/);
    const html = await res.text();
    assert.match(html, /href="\/metrics"/);
    assert.match(html, /alpha/);
    assert.match(html, /Alpha &#60;b&#62;/);
  });

  test('health and readiness, with aliases', async () => {
    for (const p of ['/-/healthy', '/health', '/-/ready', '/ready']) {
      const res = await fetch(`${a.url}${p}`);
      assert.equal(res.status, 200, p);
    }
  });

  test('/metrics carries build info, reload state, servers and request metrics', async () => {
    await fetch(`${a.url}/-/healthy`);
    const text = await a.scrape();
    assert.match(text, /^gust_build_info\{version="[^"]+",revision="[^"]+",nodejs_version="v\d+/m);
    assert.equal(seriesValue(text, 'gust_config_last_reload_successful'), 1);
    assert.equal(seriesValue(text, 'gust_servers_configured'), 2);
    assert.equal(seriesValue(text, 'gust_server_maintenance{server="beta"}'), 1);
    assert.equal(seriesValue(text, 'gust_server_up{server="alpha"}'), 0);
    assert.equal(seriesValue(text, 'gust_log_events_total{server="alpha",event="crash"}'), 0);
    assert.ok(seriesValue(text, 'gust_http_requests_total{method="GET",route="/-/healthy",status_code="200"}')! >= 1);
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    assert.match(text, /^gust_http_requests_in_flight 1$/m);
  });

  test('unknown routes get a JSON 404 and a bounded route label', async () => {
    const res = await fetch(`${a.url}/nope/${Date.now()}`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, "GUST_API_NOT_FOUND");
    const text = await a.scrape();
    assert.doesNotMatch(text, /route="\/nope/);
  });

  test('POST /-/reload needs a bearer token', async () => {
    const none = await fetch(`${a.url}/-/reload`, { method: 'POST' });
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { code: string }).code, 'GUST_API_UNAUTHORIZED');
    const wrong = await fetch(`${a.url}/-/reload`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    const ok = await fetch(`${a.url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: 'success' });
  });

  test('a bad reload keeps the running config and reports it; a good one applies', async () => {
    const good = readFileSync(a.configPath, 'utf8');
    const initial = seriesValue(await a.scrape(), 'gust_config_last_reload_success_timestamp_seconds');
    writeFileSync(a.configPath, `${good}\n  - id: gamma\n    game: tetris\n`);
    const res = await fetch(`${a.url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { message: string };
    assert.match(body.message, /config\.yaml:\d+: servers\[2\]\.game: expected one of/);
    let text = await a.scrape();
    assert.equal(seriesValue(text, 'gust_config_last_reload_successful'), 0);
    assert.equal(seriesValue(text, 'gust_servers_configured'), 2);
    assert.equal(seriesValue(text, 'gust_server_up{server="alpha"}'), 0, 'still serving the old servers');
    assert.equal(seriesValue(text, 'gust_server_up{server="gamma"}'), undefined, 'the rejected file\'s new server is not served');
    const before = seriesValue(text, 'gust_config_last_reload_success_timestamp_seconds')!;
    assert.equal(before, initial, 'a failed reload leaves the success timestamp alone');

    writeFileSync(a.configPath, `${good}\n  - id: gamma\n    game: valheim\n    logs: [{ path: /nonexistent-gust-test/gamma.log }]\n`);
    const ok = await a.agent.reload();
    assert.deepEqual(ok, { ok: true });
    text = await a.scrape();
    assert.equal(seriesValue(text, 'gust_config_last_reload_successful'), 1);
    assert.equal(seriesValue(text, 'gust_servers_configured'), 3);
    assert.equal(seriesValue(text, 'gust_server_up{server="gamma"}'), 0);
    assert.equal(seriesValue(text, 'gust_player_joins_total{server="gamma"}'), 0);
    assert.ok(seriesValue(text, 'gust_config_last_reload_success_timestamp_seconds')! > before, 'the successful reload moved the timestamp');
  });

  test('a throwing collector marks itself failed and never fails the scrape', async () => {
    a.agent.ctx.collectors.add({ name: 'broken', collect: () => { throw new Error('boom'); } });
    const res = await fetch(`${a.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(seriesValue(text, 'gust_collector_success{collector="broken"}'), 0);
    assert.equal(seriesValue(text, 'gust_collector_success{collector="game_state"}'), 1);
    a.agent.ctx.collectors.remove('broken');
  });
});

test('metrics_auth: /metrics needs a token when configured', async () => {
  const a = await startAgent('api: { tokens: ["m-token-1"], metrics_auth: true }\n');
  try {
    assert.equal((await fetch(`${a.url}/metrics`)).status, 401);
    const ok = await fetch(`${a.url}/metrics`, { headers: { authorization: 'Bearer m-token-1' } });
    assert.equal(ok.status, 200);
    assert.equal((await fetch(`${a.url}/-/healthy`)).status, 200, 'health stays open');
  } finally {
    await a.stop();
  }
});

test('ready means one scrape\'s work is done: the first scrape after a start finds warm collectors', async () => {
  const a = await startAgent('servers: [{ id: one }]\n');
  try {
    // No request yet: the collectors ran (and the exposition was rendered) during start().
    const success = await a.agent.ctx.registry.getSingleMetric('gust_collector_success')!.get();
    assert.equal(success.values.find((v) => v.labels.collector === 'game_state')?.value, 1);
  } finally {
    await a.stop();
  }
});

test('a config file change triggers a reload (watch)', async () => {
  const a = await startAgent('servers: [{ id: one }]\n', { watchConfig: true });
  try {
    const body = readFileSync(a.configPath, 'utf8').replace('servers: [{ id: one }]', 'servers: [{ id: one }, { id: two }]');
    writeFileSync(a.configPath, body);
    // The reload runs in the background after the watcher's event: poll the exposition for it.
    await eventually(async () => seriesValue(await a.scrape(), 'gust_servers_configured') === 2 || undefined, 10_000, 'reload after file change');
  } finally {
    await a.stop();
  }
});

test('a scrape with host metrics passes promtool check metrics without warnings', async () => {
  const a = await startAgent(`host: { enabled: true, interval: 1m }
servers:
  - id: self
    process: { pid_file: PIDFILE }
`.replace('PIDFILE', path.join('/proc/self/../', String(process.pid), 'nonexistent')));
  try {
    const text = await a.scrape();
    for (const name of ['gust_build_info', 'gust_host_memory_total_bytes', 'gust_host_cpu_usage_ratio', 'gust_host_load1', 'process_resident_memory_bytes', 'gust_config_last_reload_successful', 'gust_host_network_receive_bytes_total', 'gust_host_filesystem_size_bytes', 'gust_server_process_up']) {
      assert.match(text, new RegExp(`^${name}[{ ]`, 'm'), name);
    }
    const child = run('promtool', ['check', 'metrics']);
    child.child.stdin!.end(text);
    const { stdout, stderr } = await child;
    assert.equal(`${stdout}${stderr}`.trim(), '', 'promtool reported problems');
  } finally {
    await a.stop();
  }
});
