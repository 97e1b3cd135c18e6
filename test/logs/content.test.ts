/**
 * Failure modes of file content and state (TAILING.md behaviours 8, 11-13, 23), with a real
 * agent following real files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startAgent, tempDir, seriesValue, eventually, type TestAgent } from '../support/agent.ts';
import { expectExactly, logConfig, rewriteReadLines, SEQ_RULES, seqTotals, SeqWriter } from './helpers.ts';

const value = async (a: TestAgent, series: string) => seriesValue(await a.scrape(), series) ?? 0;

async function withAgent(yaml: string, fn: (a: TestAgent) => Promise<void>, options: { dir?: string } = {}): Promise<void> {
  const a = await startAgent(yaml, options);
  try {
    await fn(a);
  } finally {
    await a.stop();
  }
}

test('partial line: not counted until its newline arrives, then counted once', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  writeFileSync(log, 'seq=00000000\n');
  await withAgent(logConfig('s', [log]), async (a) => {
    await eventually(async () => (await value(a, 'gust_test_lines_total{server="s"}')) === 1 || undefined);
    appendFileSync(log, 'seq=000');
    await eventually(async () => (await value(a, 'gust_log_bytes_total{server="s"}')) === 20 || undefined);
    assert.equal(await value(a, 'gust_test_lines_total{server="s"}'), 1);
    assert.equal(await value(a, 'gust_log_lines_total{server="s"}'), 1);
    appendFileSync(log, '00001\n');
    await expectExactly(a.scrape, 's', { next: 2, sum: 1 });
  });
});

test('a 100 MB line without newline is skipped and counted; tailing continues; memory stays bounded', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  writeFileSync(log, '');
  await withAgent(logConfig('s', [log]), async (a) => {
    const rssBefore = process.memoryUsage().rss;
    const fd = openSync(log, 'a');
    const block = Buffer.alloc(1024 * 1024, 0x78);
    for (let i = 0; i < 100; i++) writeSync(fd, block);
    await eventually(async () => (await value(a, 'gust_log_lines_dropped_total{server="s",reason="too_long"}')) === 1 || undefined, 20_000);
    writeSync(fd, '\nseq=00000000\nseq=00000001\n');
    closeSync(fd);
    await expectExactly(a.scrape, 's', { next: 2, sum: 1 }, 30_000);
    assert.equal(await value(a, 'gust_log_lines_dropped_total{server="s",reason="too_long"}'), 1);
    const grownMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    assert.ok(grownMiB < 64, `RSS grew by ${grownMiB.toFixed(1)} MiB while reading a 100 MB line`);
  });
});

test('invalid UTF-8 and multi-byte characters split across reads: no stall, no loss, labels intact', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  writeFileSync(log, '');
  const yaml = `${logConfig('s', [log])}  - name: player_seen
    match: '^player=(?<name>\\S+)'
    metric: gust_test_player_seen_total
    labels: [name]
`;
  await withAgent(yaml, async (a) => {
    const line = Buffer.from('player=Zoë🎮\n');
    const cut = line.indexOf(0xc3) + 1; // inside ë
    appendFileSync(log, line.subarray(0, cut));
    await eventually(async () => (await value(a, 'gust_log_bytes_total{server="s"}')) === cut || undefined);
    appendFileSync(log, line.subarray(cut));
    appendFileSync(log, Buffer.concat([Buffer.from('seq=00000000 '), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from('\nseq=00000001\n')]));
    await expectExactly(a.scrape, 's', { next: 2, sum: 1 });
    assert.equal(await value(a, 'gust_test_player_seen_total{server="s",name="Zoë🎮"}'), 1);
    assert.equal(await value(a, 'gust_log_lines_invalid_encoding_total{server="s"}'), 1);
  });
});

test('a corrupt checkpoint is logged, counted and ignored: no crash loop', async () => {
  const dir = tempDir();
  const state = path.join(dir, 'state');
  mkdirSync(state, { recursive: true });
  writeFileSync(path.join(state, 'log-positions.json'), '{"version":1,"files":[{"path":');
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(5);
  await withAgent(
    `state_dir: ${state}\n${logConfig('s', [log])}`,
    async (a) => {
      assert.equal(await value(a, 'gust_log_checkpoint_failures_total{reason="corrupt"}'), 1);
      await expectExactly(a.scrape, 's', writer);
      assert.ok(a.logs.some((l) => l.includes('log checkpoint is corrupt')));
      // The next checkpoint replaces the corrupt one.
      await eventually(() => {
        try {
          return JSON.parse(readFileSync(path.join(state, 'log-positions.json'), 'utf8')).files.length === 1 || undefined;
        } catch {
          return undefined;
        }
      });
    },
    { dir },
  );
  writer.close();
});

test('graceful restart: counters continue from the snapshot, nothing re-read, lines written while down are read', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(200); // 2,600 bytes: most of it past the 1 KiB head the checkpoint fingerprints
  const yaml = logConfig('s', [log]);
  await withAgent(yaml, async (a) => expectExactly(a.scrape, 's', writer), { dir });
  // While the agent is down: lines it read are rewritten in place, and 25 lines are appended.
  // Resuming at the saved offset never sees the rewritten numbers; re-reading from byte 0
  // (checkpoint ignored: counters start at 0 and the file is replayed) counts them.
  assert.ok(rewriteReadLines(path.join(dir, 'state'), [log]) >= 100);
  writer.write(25);
  await withAgent(
    yaml,
    async (a) => {
      // Restored before the first scrape: the agent starts from the old totals, not from 0.
      assert.ok(seqTotals(await a.scrape(), 's').lines >= 200, 'counters restored at start');
      await expectExactly(a.scrape, 's', writer);
      // This process's read counters are not restored: they show it read only the new lines.
      assert.equal(await value(a, 'gust_log_lines_total{server="s"}'), 25);
      assert.equal(await value(a, 'gust_log_bytes_total{server="s"}'), 25 * 'seq=00000000\n'.length);
      writer.write(25);
      await expectExactly(a.scrape, 's', writer);
    },
    { dir },
  );
  writer.close();
});

test('truncated and regrown past the offset just before a graceful stop: the drain starts over at byte 0, no duplicate after the restart', async () => {
  // Found by the model test: stop() drained every file at its old offset without the
  // truncation check, counted the middle of the new content and saved it under the old head;
  // the restarted agent saw the head change and read the file again from 0.
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(10);
  const yaml = logConfig('s', [log]);
  await withAgent(yaml, async (a) => {
    await expectExactly(a.scrape, 's', writer, 15_000, 0);
    truncateSync(log, 0);
    writer.write(15); // longer than before; the stop comes before any check could see it
  }, { dir });
  await withAgent(yaml, async (a) => expectExactly(a.scrape, 's', writer), { dir });
  writer.close();
});

test('rule reload keeps offsets and counter values; a new rule counts only new lines', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(30);
  await withAgent(
    logConfig('s', [log]),
    async (a) => {
      await expectExactly(a.scrape, 's', writer);
      const extra = `  - name: seq_lines_again
    match: '^seq='
    metric: gust_test_new_rule_total
`;
      writeFileSync(a.configPath, `${readFileSync(a.configPath, 'utf8')}${extra}`);
      const result = await a.agent.reload();
      assert.deepEqual(result, { ok: true });
      writer.write(10);
      await expectExactly(a.scrape, 's', writer);
      assert.equal(await value(a, 'gust_test_new_rule_total{server="s"}'), 10);
      assert.equal(await value(a, 'gust_log_lines_total{server="s"}'), 40);
    },
    { dir },
  );
  writer.close();
});

test('joins, leaves and sessions from a game log reach section A series', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'latest.log');
  writeFileSync(log, '');
  const yaml = `servers:\n  - id: mc\n    game: minecraft\n    logs:\n      - path: ${log}\n        start_at: beginning\n${SEQ_RULES}`;
  await withAgent(yaml, async (a) => {
    appendFileSync(log, '[10:00:00] [Server thread/INFO]: Steve joined the game\n[10:00:01] [Server thread/INFO]: Steve left the game\n');
    await eventually(async () => (await value(a, 'gust_player_leaves_total{server="mc"}')) === 1 || undefined);
    const text = await a.scrape();
    assert.equal(seriesValue(text, 'gust_player_joins_total{server="mc"}'), 1);
    assert.equal(seriesValue(text, 'gust_player_session_duration_seconds_count{server="mc"}'), 1);
    assert.equal(seriesValue(text, 'gust_server_probe_success{server="mc",source="log"}'), 1);
  });
});

test('gauge warm start: a file read from its end still sets players online at once, counters untouched', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  writeFileSync(log, 'players: 3/20\nERROR old\nseq=00000000\nplayers: 7/20\nseq=00000001\n');
  const yaml = `servers:\n  - id: s\n    game: generic\n    logs:\n      - path: ${log}\n${SEQ_RULES}`;
  await withAgent(yaml, async (a) => {
    await eventually(async () => (await value(a, 'gust_players_online{server="s"}')) === 7 || undefined);
    const text = await a.scrape();
    assert.equal(seriesValue(text, 'gust_players_max{server="s"}'), 20);
    assert.equal(seriesValue(text, 'gust_log_events_total{server="s",event="error"}'), 0);
    assert.equal(seriesValue(text, 'gust_test_lines_total{server="s"}') ?? 0, 0);
    assert.equal(seriesValue(text, 'gust_log_lines_total{server="s"}'), 0);
  });
});
