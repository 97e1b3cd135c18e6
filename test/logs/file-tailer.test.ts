/**
 * The tailer's own truncation evidence, without the source's timing around it: the head
 * fingerprint must cover what was read, whichever path did the reading.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FileTailer, type TailerSink } from '../../src/sources/logs/file-tailer.ts';
import { tempDir } from '../support/agent.ts';

function lines(from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++) text += `seq=${String(i).padStart(8, '0')}\n`;
  return text;
}

async function openEmpty(): Promise<{ file: string; tailer: FileTailer; read: string[] }> {
  const file = path.join(tempDir(), 'game.log');
  writeFileSync(file, '');
  const read: string[] = [];
  const sink: TailerSink = { line: (_t, text) => read.push(text), chunk: () => {} };
  const options = { server: 's', pattern: file, game: undefined, encoding: 'utf8' as const, maxLineLength: 65_536, longLines: 'skip' as const };
  const { tailer } = await FileTailer.open(file, options, sink, { offset: 0 });
  return { file, tailer, read };
}

// The race the model test hit under load: the agent opened an empty file at start, the first
// read (no check before it) found 136 lines, and a copytruncate plus 147 new lines landed before
// any check looked at the file: the size alone says "grew", only the head can say "not the same".
test('opened empty, read without a check, then truncated and regrown past the offset: seen as truncated', async () => {
  const { file, tailer, read } = await openEmpty();
  try {
    appendFileSync(file, lines(26, 136));
    await tailer.read();
    assert.equal(read.length, 136);
    truncateSync(file, 0);
    appendFileSync(file, lines(162, 147));
    assert.ok(statSync(file).size > tailer.position, 'regrown past the offset');
    assert.equal(tailer.truncated(statSync(file)), true);
  } finally {
    await tailer.close();
  }
});

test('a file that only grew is not truncated, also once its head is complete', async () => {
  const { file, tailer } = await openEmpty();
  try {
    for (let i = 0; i < 200; i += 20) {
      appendFileSync(file, lines(i, 20));
      await tailer.read();
      assert.equal(tailer.truncated(statSync(file)), false, `after ${i + 20} lines`);
    }
  } finally {
    await tailer.close();
  }
});
