/** The byte-level line splitter (TAILING.md behaviours 11-13), including a property test. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter, type SplitterOptions } from '../../src/sources/logs/splitter.ts';

const OPTIONS: SplitterOptions = { maxLineLength: 64 * 1024, longLines: 'skip', encoding: 'utf8' };

function split(chunks: Buffer[], options = OPTIONS): { lines: string[]; splitter: LineSplitter } {
  const lines: string[] = [];
  const splitter = new LineSplitter(options);
  for (const chunk of chunks) splitter.push(chunk, (l) => lines.push(l));
  return { lines, splitter };
}

test('a partial line is not emitted and the checkpoint stops before it', () => {
  const { lines, splitter } = split([Buffer.from('one\ntw')]);
  assert.deepEqual(lines, ['one']);
  assert.equal(splitter.committed, 4);
  splitter.push(Buffer.from('o\n'), (l) => lines.push(l));
  assert.deepEqual(lines, ['one', 'two']);
  assert.equal(splitter.committed, 8);
});

test('CR LF line ends lose the CR; a finished file flushes its last partial line', () => {
  const { lines, splitter } = split([Buffer.from('a\r\nb\r\nc')]);
  assert.deepEqual(lines, ['a', 'b']);
  splitter.flush((l) => lines.push(l));
  assert.deepEqual(lines, ['a', 'b', 'c']);
  assert.equal(splitter.committed, 7);
});

test('multi-byte characters split across reads at every byte boundary decode intact', () => {
  const text = 'Zoë joined 🎮 ß\n';
  const bytes = Buffer.from(text);
  for (let cut = 1; cut < bytes.length; cut++) {
    const { lines } = split([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(lines, [text.slice(0, -1)], `cut at ${cut}`);
  }
});

test('invalid bytes and NULs become U+FFFD / stay, are counted, and never stall the next lines', () => {
  const { lines, splitter } = split([Buffer.from([0x61, 0xff, 0x62, 0x0a, 0x00, 0x63, 0x0a, 0x64, 0x0a])]);
  assert.deepEqual(lines, ['a\uFFFDb', '\u0000c', 'd']);
  assert.equal(splitter.stats.invalidEncoding, 1);
});

test('a line over the cap is skipped (or truncated) and counted; memory stays bounded', () => {
  const options = { ...OPTIONS, maxLineLength: 16 };
  const big = Buffer.alloc(1024 * 1024, 0x78);
  const { lines, splitter } = split([Buffer.from('ok\n'), big, big, Buffer.from('x\nafter\n')], options);
  assert.deepEqual(lines, ['ok', 'after']);
  assert.equal(splitter.stats.tooLong, 1);
  assert.ok(splitter.pending <= 16);
  const truncated = split([Buffer.from(`${'y'.repeat(40)}\nz\n`)], { ...options, longLines: 'truncate' });
  assert.deepEqual(truncated.lines, ['y'.repeat(16), 'z']);
});

test('property: any chunking of any byte content yields the same lines as splitting the whole', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 10 }), (content, cuts) => {
      const bytes = Buffer.from(content);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let from = 0;
      for (const p of points) {
        chunks.push(bytes.subarray(from, p));
        from = p;
      }
      chunks.push(bytes.subarray(from));
      const whole = split([bytes]);
      const pieces = split(chunks);
      assert.deepEqual(pieces.lines, whole.lines);
      assert.equal(pieces.splitter.committed, whole.splitter.committed);
      assert.equal(pieces.splitter.committed, bytes.lastIndexOf(0x0a) + 1);
    }),
  );
});
