/**
 * Issue 19 defects 6 and 7: only regular files are followed (a FIFO or a link to /dev/zero
 * matched by a glob is skipped, said once, counted, and neither stops discovery nor SIGTERM),
 * and the number of followed files is capped below the open-file limit so HTTP keeps working.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, seriesValue, tempDir } from '../support/agent.ts';
import { startDaemon, statusWithin, type Daemon } from './daemon.ts';

const scrape = async (d: Daemon) => (await fetch(`${d.url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
const peakRss = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

test('a FIFO and a link to /dev/zero matched by a glob are skipped once and counted; new files are still found; SIGTERM exits promptly', async () => {
  const dir = tempDir();
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  writeFileSync(path.join(logs, 'a.log'), 'one\ntwo\n');
  execFileSync('mkfifo', [path.join(logs, 'fifo.log')]);
  symlinkSync('/dev/zero', path.join(logs, 'zero.log'));
  const d = await startDaemon(`servers:\n  - id: s\n    logs: [{ path: "${logs}/*.log", start_at: beginning }]\n`, { dir });
  try {
    writeFileSync(path.join(logs, 'new.log'), 'three\nfour\nfive\n');
    await eventually(async () => seriesValue(await scrape(d), 'gust_log_lines_total{server="s"}') === 5 || undefined, 10_000, 'a.log and the later new.log counted');
    // A file found by a later rescan proves discovery ran again past the skipped paths.
    writeFileSync(path.join(logs, 'newer.log'), 'six\n');
    // The gauges follow at the end of the next 1 s poll; a file found by an event is read at once.
    const text = await eventually(async () => {
      const t = await scrape(d);
      return seriesValue(t, 'gust_log_lines_total{server="s"}') === 6 && seriesValue(t, 'gust_log_files_watched') === 3 ? t : undefined;
    }, 10_000, 'newer.log counted and followed');
    assert.equal(seriesValue(text, 'gust_log_files_skipped{reason="not_regular"}'), 2);
    assert.equal(seriesValue(text, 'gust_log_files_skipped{reason="limit"}'), 0);
    const skips = d.output.filter((l) => l.includes('log file skipped'));
    assert.equal(skips.filter((l) => l.includes('fifo.log') && l.includes('a FIFO')).length, 1, skips.join('\n'));
    assert.equal(skips.filter((l) => l.includes('zero.log') && l.includes('a character device')).length, 1, skips.join('\n'));
    assert.ok(peakRss(d.child.pid!) < 300 * 1024 * 1024, 'zero.log was not read');

    const started = Date.now();
    d.child.kill('SIGTERM');
    const [code] = (await once(d.child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 5_000, `SIGTERM took ${Date.now() - started} ms`);
  } finally {
    d.kill();
  }
});

test('10,000 matched files under a 4,096 descriptor limit: 3,840 followed, the rest counted, one warning, scrapes keep answering', async () => {
  const dir = tempDir();
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  for (let i = 0; i < 10_000; i++) writeFileSync(path.join(logs, `f${String(i).padStart(5, '0')}.log`), '');
  const d = await startDaemon(`servers:\n  - id: s\n    logs: [{ path: "${logs}/*.log" }]\n`, { dir, wrap: ['prlimit', '--nofile=4096:4096'] });
  try {
    const text = await eventually(async () => {
      const t = await scrape(d);
      return seriesValue(t, 'gust_log_files_skipped{reason="limit"}') === 10_000 - 3_840 ? t : undefined;
    }, 30_000, 'files over the limit counted');
    assert.equal(seriesValue(text, 'gust_log_files_watched'), 4_096 - 256);
    for (let i = 0; i < 20; i++) assert.equal(await statusWithin(`${d.url}/metrics`, 2_000), 200, `scrape ${i}`);
    // A followed file is still read.
    appendFileSync(path.join(logs, 'f00000.log'), 'hello\n');
    await eventually(async () => seriesValue(await scrape(d), 'gust_log_lines_total{server="s"}') === 1 || undefined, 10_000, 'line counted');
    assert.equal(d.output.filter((l) => l.includes('log file limit reached')).length, 1);
    const warnings = d.output.filter((l) => /"level":(40|50|60)/.test(l));
    assert.ok(warnings.length < 5, warnings.join('\n'));
  } finally {
    d.kill();
  }
});

test('the systemd unit raises the descriptor limit well above the default 1,024 soft limit', () => {
  const unit = readFileSync(path.join(import.meta.dirname, '../../systemd/gust-agent.service'), 'utf8');
  const limit = Number(/^LimitNOFILE=(\d+)$/m.exec(unit)?.[1]);
  assert.ok(limit >= 65_536, `LimitNOFILE=${limit}`);
});
