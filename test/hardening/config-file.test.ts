/**
 * Issue 19 defect 5: the config path (and secret files) are read only when they are regular
 * files, up to a size cap, without blocking the event loop: a FIFO in place of config.yaml
 * must not stop /-/healthy, a link to /dev/zero must not be read without end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/agent.ts';
import { BIN, startDaemon, statusWithin } from './daemon.ts';

const TOKEN = { authorization: 'Bearer t0ken' };

test('config.yaml replaced by a FIFO: health keeps answering and the reload is refused at once', async () => {
  const d = await startDaemon('api: { tokens: [t0ken] }\n');
  try {
    rmSync(d.configPath);
    execFileSync('mkfifo', [d.configPath]);
    const reload = fetch(`${d.url}/-/reload`, { method: 'POST', headers: TOKEN, signal: AbortSignal.timeout(3_000) });
    for (let i = 0; i < 5; i++) assert.equal(await statusWithin(`${d.url}/-/healthy`, 1_000), 200, `healthy answered (${i})`);
    const res = await reload;
    const body = await res.text();
    assert.equal(res.status, 400);
    assert.match(body, /not a regular file \(a FIFO\)/);
    assert.equal(await statusWithin(`${d.url}/-/healthy`, 1_000), 200);
  } finally {
    d.kill();
  }
});

test('config.yaml linked to /dev/zero, or larger than 4 MiB: refused without reading it all', async () => {
  const d = await startDaemon('api: { tokens: [t0ken] }\n');
  try {
    rmSync(d.configPath);
    symlinkSync('/dev/zero', d.configPath);
    const started = Date.now();
    const res = await fetch(`${d.url}/-/reload`, { method: 'POST', headers: TOKEN, signal: AbortSignal.timeout(5_000) });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /not a regular file \(a character device\)/);
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);

    rmSync(d.configPath);
    writeFileSync(d.configPath, `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
    const big = await fetch(`${d.url}/-/reload`, { method: 'POST', headers: TOKEN });
    assert.equal(big.status, 400);
    assert.match(await big.text(), /larger than the 4194304 bytes allowed/);
    const rss = Number(/VmHWM:\s+(\d+) kB/.exec(execFileSync('cat', [`/proc/${d.child.pid}/status`], { encoding: 'utf8' }))![1]) * 1024;
    assert.ok(rss < 300 * 1024 * 1024, `peak RSS ${rss} bytes`);
  } finally {
    d.kill();
  }
});

test('a password_file that is a FIFO is refused by check-config at once', async () => {
  const dir = tempDir();
  execFileSync('mkfifo', [path.join(dir, 'pw.fifo')]);
  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, 'servers:\n  - id: a\n    rcon: { transport: source, port: 1, password_file: pw.fifo }\n');
  const started = Date.now();
  assert.throws(() => execFileSync(BIN, ['check-config', '--config', config], { stdio: 'pipe', timeout: 5_000 }), (err: { status: number; stderr: Buffer }) => {
    assert.equal(err.status, 1);
    assert.match(String(err.stderr), /password_file: cannot read secret file ".*pw\.fifo" \(not a regular file \(a FIFO\)\)/);
    return true;
  });
  assert.ok(Date.now() - started < 4_000);
});
