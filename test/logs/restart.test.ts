/**
 * SIGKILL at random points while a writer appends sequence-numbered lines (TAILING.md
 * behaviour 9): after every restart the counters continue from the snapshot and, in the end,
 * every line is counted exactly once (no gap, no duplicate). A multi-line record open at the
 * kill continues after the restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir, seriesValue, eventually } from '../support/agent.ts';
import { expectExactly, logConfig, rewriteReadLines, seqTotals, SeqWriter } from './helpers.ts';
import { spawnAgent } from './child.ts';
import { seededRandom } from '../../bench/logs/generate.ts';

test('SIGKILL restarts (5 kills, with a rename rotation among them): no gap, no duplicate, counters never reset', async () => {
  const seed = Number(process.env.GUST_TEST_SEED ?? 20261123);
  const random = seededRandom(seed);
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const configPath = path.join(dir, 'config.yaml');
  const state = path.join(dir, 'state');
  writeFileSync(configPath, `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${state}\nhost: { enabled: false }\nlog: { level: info }\n${logConfig('s', [log])}`);
  const writer = new SeqWriter(log);
  writer.write(100);
  let rewritten = 0;
  // The writer: 20 lines every 5 ms (about 4k lines/s) for the whole test.
  const timer = setInterval(() => writer.write(20), 5);
  let lastSeen = 0;
  try {
    for (let round = 0; round < 5; round++) {
      const agent = await spawnAgent(configPath);
      // Progress beyond the last snapshot proves the counters continued instead of resetting.
      const progressed = await eventually(async () => {
        const { lines } = seqTotals(await agent.scrape(), 's');
        return lines > lastSeen ? lines : undefined;
      }, 30_000, `round ${round}: counting resumes`);
      lastSeen = progressed;
      if (round === 2) {
        renameSync(log, `${log}.1`);
        writer.reopen();
      }
      await new Promise((r) => setTimeout(r, Math.floor(random() * 1_500))); // the kill lands at a random point (seed ${seed})
      await agent.kill('SIGKILL');
      // Lines the checkpoint says were read get other numbers: a restart that replays the file
      // from byte 0 with counters reset (checkpoint lost or ignored) counts those numbers and
      // fails the final sum, even though it would count every line exactly once.
      rewritten += rewriteReadLines(state, [log, `${log}.1`]);
    }
  } finally {
    clearInterval(timer);
  }
  writer.write(10);
  assert.ok(rewritten > 0, 'some read lines were rewritten');
  const agent = await spawnAgent(configPath);
  try {
    await expectExactly(agent.scrape, 's', writer, 30_000);
  } finally {
    await agent.kill('SIGTERM');
    writer.close();
  }
});

test('permission denied during rotation: retried with a doubling delay, then read from byte 0 once readable', async () => {
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const log = path.join(dir, 'game.log');
  const state = path.join(dir, 'state');
  mkdirSync(state);
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${state}\nhost: { enabled: false }\nlog: { level: info }\n${logConfig('s', [log])}`);
  const writer = new SeqWriter(log);
  writer.write(10);
  chmodSync(log, 0o644);
  // Root reads everything: run the agent without the file-permission override so the mode bits count.
  const asRoot = process.getuid?.() === 0;
  const nobody = 65534;
  const agent = await spawnAgent(configPath, { withoutFileOverride: asRoot });
  try {
    await expectExactly(agent.scrape, 's', writer);
    // logrotate `create 0600 <other user>`: the new file exists but neither the agent's user nor
    // (without the override) root may read it. It appears at the path already so: created in
    // place and then chowned, the agent could open it in between (seen once under load).
    renameSync(log, `${log}.1`);
    const creating = `${log}.creating`;
    writeFileSync(creating, '', { mode: 0o600 });
    if (asRoot) chownSync(creating, nobody, nobody);
    chmodSync(creating, 0o600);
    renameSync(creating, log);
    writer.reopen();
    writer.write(10);
    // Retried with a doubling delay (1 s poll, then 2, 4, 8 s): the times of the failed attempts.
    const attempts = () => agent.logs.filter((l) => l.includes('cannot read log file') && l.includes('"reason":"permission"')).map((l) => (JSON.parse(l) as { time: number }).time);
    await eventually(() => attempts().length >= 5 || undefined, 40_000, 'five failed attempts');
    assert.equal(seriesValue(await agent.scrape(), 'gust_log_read_errors_total{server="s",reason="permission"}'), attempts().length);
    const times = attempts();
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Polls land on 1 s ticks, so each gap is its delay plus up to a tick: 8-9 s at the 4th, where a linear backoff gives 4-5 s.
    assert.ok(gaps[3]! >= 7_000 && gaps[3]! >= 1.6 * gaps[2]! && gaps[2]! >= 1.3 * gaps[1]!, `gaps between attempts: ${gaps.join(', ')} ms`);
    assert.equal(seqTotals(await agent.scrape(), 's').lines, 10);
    chmodSync(log, 0o644); // the postrotate fix-up
    await expectExactly(agent.scrape, 's', writer, 20_000);
  } finally {
    await agent.kill('SIGTERM');
    writer.close();
  }
});

test('SIGKILL while a multi-line record is open: the record continues after the restart and counts once', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const state = path.join(dir, 'state');
  const configPath = path.join(dir, 'config.yaml');
  const rule = `  - name: report
    match: '^BEGIN id=(?<id>\\d+)\\npart 1\\npart 2\\nEND$'
    metric: gust_test_reports_total
    labels: [id]
    multiline: { first_line: '^BEGIN', max_lines: 10, max_wait: 60s }
`;
  writeFileSync(configPath, `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${state}\nhost: { enabled: false }\nlog: { level: info }\n${logConfig('s', [log])}${rule}`);
  const writer = new SeqWriter(log);
  const reports = 'gust_test_reports_total{server="s",id="1"}';
  let agent = await spawnAgent(configPath);
  try {
    appendFileSync(log, 'BEGIN id=1\npart 1\n');
    // The kill lands once the checkpoint holds the open record (saved with the offset past it).
    await eventually(() => {
      try {
        const saved = JSON.parse(readFileSync(path.join(state, 'log-positions.json'), 'utf8')) as { extraction?: { multiline?: Array<{ lines: string[] }> } };
        return saved.extraction?.multiline?.[0]?.lines.length === 2 || undefined;
      } catch {
        return undefined; // not written yet
      }
    }, 15_000, 'checkpoint with the open record');
    await agent.kill('SIGKILL');
    agent = await spawnAgent(configPath);
    appendFileSync(log, 'part 2\nEND\nBEGIN id=2\n');
    writer.write(3); // read after the record: once they count, the record was read too
    await expectExactly(agent.scrape, 's', writer);
    assert.equal(seriesValue(await agent.scrape(), reports), 1);
  } finally {
    await agent.kill('SIGTERM');
    writer.close();
  }
});
