import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { seriesValue, tempDir } from '../support/agent.ts';

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
async function daemon(configBody: string): Promise<{ child: ChildProcess; url: string; configPath: string }> {
  const dir = tempDir();
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${dir}/state\nhost: { enabled: false }\n${configBody}`);
  const child = spawn(BIN, ['--config', configPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg: string; url?: string };
    if (entry.msg === 'gust-agent listening') {
      const url = entry.url!.replace('0.0.0.0', '127.0.0.1');
      lines.on('line', () => {}); // keep draining
      return { child, url, configPath };
    }
  }
  throw new Error('agent exited before listening');
}

test('SIGHUP with an invalid config keeps serving; SIGTERM exits 0 within 10 s', async () => {
  const { child, url, configPath } = await daemon('servers: [{ id: a }]\n');
  try {
    assert.equal((await fetch(`${url}/-/healthy`)).status, 200);
    writeFileSync(configPath, 'servers: [{ id: a, game: tetris }]\n');
    child.kill('SIGHUP');
    let text = '';
    for (let i = 0; i < 200; i++) {
      text = await (await fetch(`${url}/metrics`)).text();
      if (seriesValue(text, 'gust_config_last_reload_successful') === 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(seriesValue(text, 'gust_config_last_reload_successful'), 0);
    assert.equal(seriesValue(text, 'gust_server_up{server="a"}'), 0, 'old config still served');

    const started = Date.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  } finally {
    child.kill('SIGKILL');
  }
});
