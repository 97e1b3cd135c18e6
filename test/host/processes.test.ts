import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sampleProcess } from '../../src/sources/host/processes.ts';
import { startAgent, seriesValue, tempDir } from '../support/agent.ts';

test('a pid file of a live process gives CPU seconds and RSS; a dead pid gives undefined', async () => {
  const dir = tempDir();
  const pidFile = path.join(dir, 'game.pid');
  writeFileSync(pidFile, `${process.pid}\n`);
  const s = await sampleProcess({ pid_file: pidFile });
  assert.ok(s && s.rssBytes > 10_000_000 && s.cpuSeconds > 0, JSON.stringify(s));
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  writeFileSync(pidFile, `${child.pid}\n`);
  assert.equal(await sampleProcess({ pid_file: pidFile }), undefined);
  assert.equal(await sampleProcess({ pid_file: path.join(dir, 'missing.pid') }), undefined);
});

test('a process found by name', async () => {
  const child = spawn('sleep', ['30']);
  try {
    const s = await sampleProcess({ name: 'sleep' });
    assert.ok(s && s.rssBytes > 0);
  } finally {
    child.kill();
  }
});

test('a process found by name and working directory (several servers of one game on a host)', async () => {
  const [a, b, none] = [tempDir(), tempDir(), tempDir()];
  const children = [spawn('sleep', ['30'], { cwd: a }), spawn('sleep', ['30'], { cwd: b })];
  try {
    await Promise.all(children.map((c) => once(c, 'spawn')));
    const inA = await sampleProcess({ name: 'sleep', cwd: a });
    const all = await sampleProcess({ name: 'sleep' });
    assert.ok(inA && all && inA.rssBytes > 0 && inA.rssBytes < all.rssBytes, JSON.stringify({ inA, all }));
    assert.equal(await sampleProcess({ name: 'sleep', cwd: none }), undefined);
  } finally {
    for (const c of children) c.kill();
  }
});

test('process series per server; a missing Docker socket is reported, not fatal', async () => {
  const dir = tempDir();
  const pidFile = path.join(dir, 'game.pid');
  writeFileSync(pidFile, `${process.pid}\n`);
  const a = await startAgent(`host: { enabled: false, interval: 1m }
servers:
  - id: live
    process: { pid_file: ${pidFile} }
  - id: boxed
    process: { container: no-such-container }
`, { dir });
  try {
    const text = await a.scrape();
    assert.equal(seriesValue(text, 'gust_server_process_up{server="live"}'), 1);
    assert.ok(seriesValue(text, 'gust_server_process_resident_memory_bytes{server="live"}')! > 0);
    assert.ok(seriesValue(text, 'gust_server_process_cpu_seconds_total{server="live"}')! >= 0);
    assert.equal(seriesValue(text, 'gust_server_up{server="live"}'), 1, 'a server without probes is up when its process runs');
    assert.equal(seriesValue(text, 'gust_server_process_up{server="boxed"}'), 0);
    assert.equal(seriesValue(text, 'gust_server_up{server="boxed"}'), 0);
    assert.equal(seriesValue(text, 'gust_collector_success{collector="processes"}'), 1);
    assert.ok(a.logs.some((l) => l.includes('cannot sample game process') && l.includes('docker.sock')));
  } finally {
    await a.stop();
  }
});
