import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { promisify } from 'node:util';
import { seriesValue, tempDir } from '../support/agent.ts';
import { logConfig, seqTotals } from '../logs/helpers.ts';
import type { Checkpoint } from '../../src/sources/logs/checkpoint.ts';

const BIN = path.join(import.meta.dirname, '../../bin/gust-agent');
const FIXTURES = path.join(import.meta.dirname, '../fixtures/config');
const run = promisify(execFile);

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(BIN, args, { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('--version prints the version', async () => {
  const r = await cli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^gust-agent \d+\.\d+\.\d+ \(revision \S+, node v\d+/);
});

test('check-config: exit 0 on a good file, 1 with file, line and key path on a bad one', async () => {
  const good = await cli(['check-config', '--config', path.join(FIXTURES, 'good/full.yaml')]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /full\.yaml: OK \(3 servers, 1 rules\)/);
  const bad = await cli(['check-config', '--config', path.join(FIXTURES, 'bad/wrong-type.yaml')]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.trim(), 'wrong-type.yaml:9: servers[0].rcon.port: expected an integer from 1 to 65535, got "abc"');
});

test('check-config honours GUST_CONFIG; unknown commands exit 2', async () => {
  const r = await cli(['check-config'], { GUST_CONFIG: path.join(FIXTURES, 'good/minimal.yaml') });
  assert.equal(r.code, 0, r.stderr);
  const unknown = await cli(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

/** Spawns the real daemon on a free port and resolves with its URL from the "listening" log line. */
async function daemon(configBody: string, dir = tempDir()): Promise<{ child: ChildProcess; url: string; configPath: string; messages: string[]; logLines: Interface }> {
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${dir}/state\nhost: { enabled: false }\n${configBody}`);
  const child = spawn(BIN, ['--config', configPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg: string; url?: string };
    if (entry.msg === 'gust-agent listening') {
      const url = entry.url!.replace('0.0.0.0', '127.0.0.1');
      const messages: string[] = [];
      lines.on('line', (l) => messages.push((JSON.parse(l) as { msg: string }).msg)); // keeps draining too
      return { child, url, configPath, messages, logLines: lines };
    }
  }
  throw new Error('agent exited before listening');
}

/** Scrapes until `done` holds (at most 10 s); returns the last exposition either way. */
async function scrapeUntil(url: string, done: (text: string) => boolean): Promise<string> {
  let text = '';
  for (let i = 0; i < 400; i++) {
    text = await (await fetch(`${url}/metrics`)).text();
    if (done(text)) return text;
    await new Promise((r) => setTimeout(r, 25));
  }
  return text;
}

test('SIGHUP with an invalid config keeps serving the old one; SIGTERM exits 0 within 10 s', async () => {
  const { child, url, configPath } = await daemon('servers: [{ id: a }]\n');
  try {
    assert.equal((await fetch(`${url}/-/healthy`)).status, 200);
    const before = await (await fetch(`${url}/metrics`)).text();
    writeFileSync(configPath, 'servers: [{ id: a }, { id: b, game: tetris }]\n');
    child.kill('SIGHUP');
    const text = await scrapeUntil(url, (t) => seriesValue(t, 'gust_config_last_reload_successful') === 0);
    assert.equal(seriesValue(text, 'gust_config_last_reload_successful'), 0);
    // The new file names server b: the old config (a only) is what is served.
    assert.equal(seriesValue(text, 'gust_servers_configured'), 1, 'old config still served');
    assert.equal(seriesValue(text, 'gust_server_up{server="b"}'), undefined);
    assert.equal(seriesValue(text, 'gust_config_last_reload_success_timestamp_seconds'), seriesValue(before, 'gust_config_last_reload_success_timestamp_seconds'));

    const started = Date.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  } finally {
    child.kill('SIGKILL');
  }
});

test('SIGHUP with a valid config applies it: a token added to tokens_file works, the removed one is revoked', async () => {
  // tokens_file is read on load only: unlike the config file itself, nothing watches it, so
  // only the SIGHUP can bring the change in.
  const dir = tempDir();
  const tokens = path.join(dir, 'tokens');
  writeFileSync(tokens, 'first-token-0c1d\n');
  const { child, url, messages, logLines } = await daemon(`api: { tokens_file: ${tokens} }\nservers: [{ id: a }]\n`, dir);
  const clear = (token: string) => fetch(`${url}/api/v1/cache`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  try {
    assert.equal(await clear('first-token-0c1d'), 200);
    assert.equal(await clear('second-token-7e2a'), 401);
    const before = seriesValue(await (await fetch(`${url}/metrics`)).text(), 'gust_config_last_reload_success_timestamp_seconds')!;
    writeFileSync(tokens, 'second-token-7e2a\n');
    child.kill('SIGHUP');
    const text = await scrapeUntil(url, (t) => seriesValue(t, 'gust_config_last_reload_success_timestamp_seconds')! > before);
    assert.ok(seriesValue(text, 'gust_config_last_reload_success_timestamp_seconds')! > before, 'reload time advanced');
    assert.equal(seriesValue(text, 'gust_config_last_reload_successful'), 1);
    assert.equal(await clear('second-token-7e2a'), 200);
    assert.equal(await clear('first-token-0c1d'), 401);
    // The reload parsed on its worker thread (dist/config-worker.js was built and found).
    while (!messages.includes('config reloaded')) await once(logLines, 'line');
    assert.ok(!messages.includes('config reload parses on the main thread'), messages.join('\n'));
  } finally {
    child.kill('SIGKILL');
  }
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: exits 0 within 10 s and writes the log checkpoint on the way out`, async () => {
    const dir = tempDir();
    const log = path.join(dir, 'game.log');
    writeFileSync(log, 'seq=00000000\nseq=00000001\n');
    const { child, url } = await daemon(logConfig('s', [log]), dir);
    try {
      await scrapeUntil(url, (t) => seqTotals(t, 's').lines === 2);
      appendFileSync(log, 'seq=00000002\nseq=00000003\nseq=00000004\n');
      assert.equal(seqTotals(await scrapeUntil(url, (t) => seqTotals(t, 's').lines === 5), 's').lines, 5);
      const signalledAt = Date.now();
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
      assert.ok(Date.now() - signalledAt < 10_000);
      const saved = JSON.parse(readFileSync(path.join(dir, 'state/log-positions.json'), 'utf8')) as Checkpoint;
      assert.ok(saved.savedAtMs >= signalledAt, 'saved after the signal, not by the periodic save before it');
      assert.equal(saved.files[0]?.offset, statSync(log).size);
      const lines = saved.metrics.find((m) => m.name === 'gust_test_lines_total')?.series.find((x) => x.labels.server === 's');
      assert.equal(lines?.value, 5);
    } finally {
      child.kill('SIGKILL');
    }
  });
}

test('parse --server ID labels the series with that id; a bad id is a usage error', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'latest.log');
  writeFileSync(log, '[10:00:00] [Server thread/INFO]: Steve joined the game\n');
  const ok = await cli(['parse', '--game', 'minecraft', '--server', 'mc-east-1', log]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(seriesValue(ok.stdout, 'gust_player_joins_total{server="mc-east-1"}'), 1);
  assert.doesNotMatch(ok.stdout, /server="local"/);
  const bad = await cli(['parse', '--game', 'minecraft', '--server', 'Bad.Id', log]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--server: expected an id matching \[a-z0-9_-\]\{1,32\}, got "Bad\.Id"/);
});
