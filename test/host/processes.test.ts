import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sampleProcess } from '../../src/sources/host/processes.ts';
import { eventually, startAgent, seriesValue, tempDir } from '../support/agent.ts';

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

/** utime + stime of a pid from /proc, in seconds (the kernel's own numbers, USER_HZ = 100). */
function kernelCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

test('a process found by name: by its comm or its argv[0], only processes of that name', async () => {
  const dir = tempDir();
  // Names nothing else on the machine has: one matches by comm (the executable's file name),
  // the other only by argv[0] (its comm stays "sleep").
  const byComm = path.join(dir, 'gustcommsleep');
  symlinkSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), byComm);
  const children = [spawn(byComm, ['30'], { argv0: 'x' }), spawn('sleep', ['31'], { argv0: 'gust-argv0-sleep' })];
  try {
    await Promise.all(children.map((c) => once(c, 'spawn')));
    for (const [name, child] of [['gustcommsleep', children[0]!], ['gust-argv0-sleep', children[1]!]] as const) {
      const pidFile = path.join(dir, `${name}.pid`);
      writeFileSync(pidFile, `${child.pid}\n`);
      const byName = await sampleProcess({ name });
      const byPid = await sampleProcess({ pid_file: pidFile });
      assert.ok(byName && byName.rssBytes > 0, name);
      // The same single process (a second match would add its memory).
      assert.deepEqual(byName, byPid, name);
    }
    assert.equal(await sampleProcess({ name: 'gust-no-such-process' }), undefined);
  } finally {
    for (const c of children) c.kill();
  }
});

test('process CPU seconds follow the kernel total and never decrease when the process is replaced', async () => {
  const dir = tempDir();
  const pidFile = path.join(dir, 'game.pid');
  const burn = () => spawn(process.execPath, ['-e', 'for (;;) {}']);
  let child = burn();
  await once(child, 'spawn');
  writeFileSync(pidFile, `${child.pid}\n`);
  const a = await startAgent(`host: { enabled: false, interval: 200ms }
servers:
  - id: game
    process: { pid_file: ${pidFile} }
`, { dir });
  const series = 'gust_server_process_cpu_seconds_total{server="game"}';
  const seen: number[] = [];
  const watch = async (until: (v: number) => boolean, what: string) =>
    eventually(async () => {
      const v = seriesValue(await a.scrape(), series)!;
      seen.push(v);
      return until(v) || undefined;
    }, 15_000, what);
  try {
    await watch((v) => v >= 0.5, 'half a CPU second counted');
    // Counted from the first sample on: never more than the kernel's total for the process.
    assert.ok(seen.at(-1)! <= kernelCpuSeconds(child.pid!) + 0.01, `${seen.at(-1)} > kernel ${kernelCpuSeconds(child.pid!)}`);
    const atSwap = seen.at(-1)!;
    // A restarted game process starts from 0 CPU seconds: the counter keeps going up from where it was.
    child.kill();
    child = burn();
    await once(child, 'spawn');
    writeFileSync(pidFile, `${child.pid}\n`);
    await watch((v) => v >= atSwap + 0.5, 'counting on after the restart');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, `decreased: ${seen.join(', ')}`);
  } finally {
    child.kill();
    await a.stop();
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
    assert.equal(seriesValue(text, 'gust_server_process_cpu_seconds_total{server="live"}'), 0, 'counted from the first sample on');
    assert.equal(seriesValue(text, 'gust_server_up{server="live"}'), 1, 'a server without probes is up when its process runs');
    assert.equal(seriesValue(text, 'gust_server_process_up{server="boxed"}'), 0);
    assert.equal(seriesValue(text, 'gust_server_up{server="boxed"}'), 0);
    assert.equal(seriesValue(text, 'gust_collector_success{collector="processes"}'), 1);
    assert.ok(a.logs.some((l) => l.includes('cannot sample game process') && l.includes('docker.sock')));
  } finally {
    await a.stop();
  }
});
