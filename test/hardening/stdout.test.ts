/**
 * A log consumer that stops reading (a stalled journald or log shipper, a parent that no longer
 * reads the pipe): the agent's own logging must not stall it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, seriesValue, tempDir } from '../support/agent.ts';
import { startDaemon, statusWithin } from './daemon.ts';

const FILES = 3_000;

test('stdout nobody reads: scrapes and the API keep answering, SIGTERM still ends the agent', async () => {
  const logs = path.join(tempDir(), 'logs');
  mkdirSync(logs);
  const daemon = await startDaemon(`servers:\n  - id: s\n    logs: [{ path: "${logs}/*.log", start_at: beginning }]\n`);
  try {
    daemon.child.stdout!.pause(); // the pipe fills: 64 KiB in the kernel, as much again in this process
    // Each new file is a debug line of ~200 bytes ("following log file"): 3,000 of them are
    // about 600 KB, several times what the pipe holds. A logger that writes synchronously
    // freezes the agent at the first full pipe, and the count below stops.
    for (let i = 0; i < FILES; i++) writeFileSync(path.join(logs, `f${i}.log`), `line of file ${i}\n`);
    const scrape = async () => (await fetch(`${daemon.url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
    await eventually(async () => seriesValue(await scrape(), 'gust_log_lines_total{server="s"}') === FILES || undefined, 60_000, 'every file read while stdout is not read');
    assert.equal(await statusWithin(`${daemon.url}/-/healthy`, 1_000), 200);
    assert.equal(await statusWithin(`${daemon.url}/api/v1/servers/s`, 1_000), 200);
    const exited = once(daemon.child, 'exit');
    daemon.child.kill('SIGTERM');
    const timeout = AbortSignal.timeout(15_000);
    await Promise.race([exited, once(timeout, 'abort').then(() => assert.fail('still running 15 s after SIGTERM with stdout full'))]);
  } finally {
    daemon.kill();
  }
});
