/**
 * Failure modes of rotation (TAILING.md behaviours 2-6), each with a real writer and real
 * rotations on disk: no line may be lost or counted twice.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, symlinkSync, truncateSync, unlinkSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startAgent, tempDir, seriesValue, eventually } from '../support/agent.ts';
import { expectExactly, logConfig, SeqWriter } from './helpers.ts';
import { QUIET_AFTER_MS, RETIRE_IDLE_MS } from '../../src/sources/logs/index.ts';

async function withAgent(yaml: string, fn: (a: Awaited<ReturnType<typeof startAgent>>) => Promise<void>): Promise<void> {
  const a = await startAgent(yaml);
  try {
    await fn(a);
  } finally {
    await a.stop();
  }
}

const value = async (a: { scrape(): Promise<string> }, series: string) => seriesValue(await a.scrape(), series) ?? 0;

describe('rename rotation: the old file is drained, the new one read from 0', () => {
  for (const delayMs of [0, 50, 5_000]) {
    test(`recreate delay ${delayMs} ms, writer keeps writing to the renamed file until it reopens`, async () => {
      const dir = tempDir();
      const log = path.join(dir, 'game.log');
      const writer = new SeqWriter(log);
      writer.write(100);
      await withAgent(logConfig('s', [log]), async (a) => {
        writer.write(100);
        await eventually(async () => (await value(a, 'gust_test_lines_total{server="s"}')) >= 150 || undefined);
        renameSync(log, `${log}.1`);
        writer.write(50); // still the old descriptor: lands in game.log.1
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs)); // the writer's own reopen delay (the scenario, not a wait on the agent)
        writer.reopen();
        writer.write(100);
        await expectExactly(a.scrape, 's', writer);
        assert.equal(await value(a, 'gust_log_rotations_total{server="s",kind="rotate"}'), 1);
      });
      writer.close();
    });
  }
});

test('copytruncate with the writer holding the file open (O_APPEND)', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(200);
  await withAgent(logConfig('s', [log]), async (a) => {
    await expectExactly(a.scrape, 's', writer);
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    writer.write(50);
    await expectExactly(a.scrape, 's', writer);
    assert.equal(await value(a, 'gust_log_rotations_total{server="s",kind="truncate"}'), 1);
  });
  writer.close();
});

test('truncate then regrow past the old offset is caught by the head fingerprint', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(10);
  await withAgent(logConfig('s', [log]), async (a) => {
    await expectExactly(a.scrape, 's', writer);
    const before = statSync(log).size;
    truncateSync(log, 0);
    writer.write(40, ' padding-that-makes-the-file-longer-than-before');
    assert.ok(statSync(log).size > before);
    await expectExactly(a.scrape, 's', writer);
    assert.equal(await value(a, 'gust_log_rotations_total{server="s",kind="truncate"}'), 1);
  });
  writer.close();
});

test('delete and recreate: the new file is read from byte 0', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(30);
  await withAgent(logConfig('s', [log]), async (a) => {
    await expectExactly(a.scrape, 's', writer);
    writer.write(5);
    unlinkSync(log); // the writer's descriptor still points at the deleted file
    writer.write(5);
    writer.reopen('w');
    writer.write(30);
    await expectExactly(a.scrape, 's', writer);
  });
  writer.close();
});

test('delete and recreate while the agent is down (inode may be reused): new file read from 0', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const state = path.join(dir, 'state');
  const writer = new SeqWriter(log);
  writer.write(20);
  const yaml = `state_dir: ${state}\n${logConfig('s', [log])}`;
  let a = await startAgent(yaml, { dir });
  await expectExactly(a.scrape, 's', writer);
  await a.stop();
  writer.close();
  unlinkSync(log);
  const second = new SeqWriter(log);
  second.next = writer.next;
  second.sum = writer.sum;
  second.write(25);
  a = await startAgent(yaml, { dir });
  try {
    await expectExactly(a.scrape, 's', second);
  } finally {
    await a.stop();
    second.close();
  }
});

test('symlink swap: the link is followed to its new target', async () => {
  const dir = tempDir();
  const link = path.join(dir, 'current.log');
  const first = new SeqWriter(path.join(dir, 'a.txt'));
  first.write(20);
  symlinkSync(path.join(dir, 'a.txt'), link);
  await withAgent(logConfig('s', [link]), async (a) => {
    await expectExactly(a.scrape, 's', first);
    const second = new SeqWriter(path.join(dir, 'b.txt'));
    second.next = first.next;
    second.sum = first.sum;
    second.write(20);
    symlinkSync(path.join(dir, 'b.txt'), `${link}.tmp`);
    renameSync(`${link}.tmp`, link); // atomic swap, as deploy tools do
    second.write(10);
    await expectExactly(a.scrape, 's', second);
    second.close();
  });
  first.close();
});

test('rotated siblings matching the glob are never re-read (game.log.1, renamed game-old.log), even once idle', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(40);
  await withAgent(logConfig('s', [`${dir}/*.log*`]), async (a) => {
    await expectExactly(a.scrape, 's', writer);
    renameSync(log, `${log}.1`);
    writer.reopen();
    writer.write(40);
    await expectExactly(a.scrape, 's', writer);
    // A rotation scheme whose old name still matches the glob: recognised by identity, and
    // followed under that name from where it was.
    const old = path.join(dir, 'game-old.log');
    renameSync(log, old);
    writer.write(10); // the writer's old descriptor: lands in game-old.log
    writer.reopen();
    writer.write(40);
    await expectExactly(a.scrape, 's', writer);
    writeFileSync(`${log}.2.gz`, 'seq=99999999\n');
    // Past the time a rotated-away file is given to go idle: it was once taken for a new file then.
    await new Promise((r) => setTimeout(r, RETIRE_IDLE_MS + 2_000));
    const late = new SeqWriter(old);
    late.next = writer.next;
    late.sum = writer.sum;
    late.write(5); // still followed under its new name
    late.close();
    await expectExactly(a.scrape, 's', late);
  });
  writer.close();
});

test('late file: created after start with lines in it, read from byte 0 within about a second', async () => {
  const dir = tempDir();
  await withAgent(logConfig('s', [`${dir}/*.log`]), async (a) => {
    const writer = new SeqWriter(path.join(dir, 'late.log'));
    writer.write(10);
    // The glob is listed again on every 1 s poll (sooner on a directory event): 2 s leaves a
    // loaded machine one missed tick, where a file found only by a slower path would fail.
    await expectExactly(a.scrape, 's', writer, 2_000);
    writer.write(10);
    await expectExactly(a.scrape, 's', writer);
    writer.close();
  });
});

test('start policy: a file present at first start is read from its end unless start_at says otherwise', async () => {
  const dir = tempDir();
  const log = path.join(dir, 'game.log');
  const writer = new SeqWriter(log);
  writer.write(10);
  const yaml = `servers:\n  - id: s\n    game: generic\n    logs:\n      - path: ${log}\n${(await import('./helpers.ts')).SEQ_RULES}`;
  await withAgent(yaml, async (a) => {
    await eventually(async () => seriesValue(await a.scrape(), 'gust_log_files_watched') === 1 || undefined);
    const old = { next: writer.next, sum: writer.sum };
    writer.write(5);
    await expectExactly(a.scrape, 's', { next: writer.next - old.next, sum: writer.sum - old.sum });
  });
  writer.close();
});

test('quiet files (stat only every 5th poll once idle): appends, copytruncate, rename rotation and a symlink swap are each read exactly once', async () => {
  const dir = tempDir();
  const [appended, truncated, renamed] = ['appended', 'truncated', 'renamed'].map((name) => new SeqWriter(path.join(dir, `${name}.log`)));
  // A link matching the glob; its targets do not (*.txt). A swap sends no event to the old target.
  const linked = new SeqWriter(path.join(dir, 'day1.txt'));
  symlinkSync(linked.file, path.join(dir, 'current.log'));
  const all = [appended!, truncated!, renamed!, linked];
  const written = () => ({ next: all.reduce((n, w) => n + w.next, 0), sum: all.reduce((n, w) => n + w.sum, 0) });
  for (const w of all) w.write(20);
  await withAgent(logConfig('s', [path.join(dir, '*.log')]), async (a) => {
    await expectExactly(a.scrape, 's', written());
    // The scenario is a file that has been idle this long, not a wait on the agent.
    await new Promise((r) => setTimeout(r, QUIET_AFTER_MS + 1_000));
    appended!.write(10);
    copyFileSync(truncated!.file, `${truncated!.file}.1`);
    truncateSync(truncated!.file, 0);
    truncated!.write(10);
    renameSync(renamed!.file, `${renamed!.file}.1`);
    renamed!.write(5); // lands in renamed.log.1
    renamed!.reopen();
    renamed!.write(10);
    symlinkSync(path.join(dir, 'day2.txt'), path.join(dir, 'next.lnk'));
    linked.file = path.join(dir, 'day2.txt');
    linked.reopen(); // creates day2.txt
    linked.write(10);
    renameSync(path.join(dir, 'next.lnk'), path.join(dir, 'current.log'));
    linked.write(10);
    await expectExactly(a.scrape, 's', written());
    assert.equal(await value(a, 'gust_log_rotations_total{server="s",kind="truncate"}'), 1);
    assert.equal(await value(a, 'gust_log_rotations_total{server="s",kind="rotate"}'), 2);
  });
  for (const w of all) w.close();
});
