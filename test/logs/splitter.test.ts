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
  const { lines, splitter } = split([Buffer.from('ok\n'), big, big], options);
  assert.equal(splitter.pending, 0, 'skip mode keeps none of the skipped line');
  splitter.push(Buffer.from('x\nafter\n'), (l) => lines.push(l));
  assert.deepEqual(lines, ['ok', 'after']);
  assert.equal(splitter.stats.tooLong, 1);
  assert.equal(splitter.pending, 0);
  const truncated = split([Buffer.from(`${'y'.repeat(40)}\nz\n`)], { ...options, longLines: 'truncate' });
  assert.deepEqual(truncated.lines, ['y'.repeat(16), 'z']);
});

/** `bytes` cut at the given offsets (taken modulo its length + 1, deduplicated, in order). */
function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

test('property: any chunking of any byte content yields the same lines as splitting the whole', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 10 }), (content, cuts) => {
      const bytes = Buffer.from(content);
      const chunks = cutAt(bytes, cuts);
      const whole = split([bytes]);
      const pieces = split(chunks);
      assert.deepEqual(pieces.lines, whole.lines);
      assert.equal(pieces.splitter.committed, whole.splitter.committed);
      assert.equal(pieces.splitter.committed, bytes.lastIndexOf(0x0a) + 1);
    }),
  );
});

/**
 * What the splitter must produce for ASCII content: complete lines without their `\r\n` or
 * `\n`, each capped after the CR is removed. A partial line is held up to the cap plus one byte
 * (room for a CR that may end it); past that it counts as too long at once (a line that never
 * ends is still seen); a flush ends the partial line.
 */
function reference(content: string, max: number, longLines: 'skip' | 'truncate', flush: boolean) {
  const complete = content.split('\n');
  const partial = complete.pop()!;
  const lines: string[] = [];
  let tooLong = 0;
  const end = (line: string, counted = false) => {
    if (line.length <= max) lines.push(line);
    else {
      if (!counted) tooLong++;
      if (longLines === 'truncate') lines.push(line.slice(0, max));
    }
  };
  const noCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
  for (const line of complete) end(noCr(line));
  const partialTooLong = partial.length > max + 1;
  if (partialTooLong) tooLong++;
  if (flush && partial.length > 0) end(partialTooLong ? partial : noCr(partial), partialTooLong);
  return { lines, stats: { lines: lines.length, bytes: content.length, tooLong, invalidEncoding: 0 }, committed: flush ? content.length : content.lastIndexOf('\n') + 1 };
}

test('property: with a small cap, any chunking gives the reference lines, counts and offsets, in both long-line modes', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', 'b', '\r', '\n'), maxLength: 80 }),
      fc.array(fc.nat(80), { maxLength: 8 }),
      fc.integer({ min: 1, max: 8 }),
      fc.constantFrom('skip' as const, 'truncate' as const),
      fc.boolean(),
      (content, cuts, max, longLines, flush) => {
        const bytes = Buffer.from(content);
        const chunks = cutAt(bytes, cuts);
        const { lines, splitter } = split(chunks, { maxLineLength: max, longLines, encoding: 'utf8' });
        if (flush) splitter.flush((l) => lines.push(l));
        const expected = reference(content, max, longLines, flush);
        assert.deepEqual({ lines, stats: { ...splitter.stats }, committed: splitter.committed }, expected);
        assert.equal(splitter.position, bytes.length);
        assert.ok(splitter.pending <= max + 1);
      },
    ),
    { numRuns: 500 },
  );
});

test('a line of exactly the cap ending in CR LF is kept however the reads cut it', () => {
  const bytes = Buffer.from('12345678\r\nnext\r\n');
  for (const longLines of ['skip', 'truncate'] as const) {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { lines, splitter } = split(cutAt(bytes, [cut]), { maxLineLength: 8, longLines, encoding: 'utf8' });
      assert.deepEqual(lines, ['12345678', 'next'], `${longLines}, cut at ${cut}`);
      assert.equal(splitter.stats.tooLong, 0, `${longLines}, cut at ${cut}`);
    }
  }
});

test('edge cases of the carried partial line', () => {
  // An empty line right after a carried one is a line.
  const empty = split([Buffer.from('a'), Buffer.from('b\n\nc\n')]);
  assert.deepEqual(empty.lines, ['ab', '', 'c']);
  // An empty read before the first bytes of a line changes nothing.
  const afterEmpty = split([Buffer.alloc(0), Buffer.from('x'), Buffer.from('\n')]);
  assert.deepEqual(afterEmpty.lines, ['x']);
  // CR LF split between reads, and in one read: the CR goes either way.
  assert.deepEqual(split([Buffer.from('ab\r'), Buffer.from('\ncd\r\n')]).lines, ['ab', 'cd']);
  // A line of exactly the cap is not too long (carried or whole).
  const exact = split([Buffer.from('abcd'), Buffer.from('efgh\nijklmnop\n')], { ...OPTIONS, maxLineLength: 8 });
  assert.deepEqual(exact.lines, ['abcdefgh', 'ijklmnop']);
  assert.equal(exact.splitter.stats.tooLong, 0);
  // Flushing with nothing pending emits nothing.
  const { lines, splitter } = split([Buffer.from('one\n')]);
  splitter.flush((l) => lines.push(l));
  assert.deepEqual(lines, ['one']);
  assert.equal(splitter.stats.lines, 1);
});

test('reset drops the partial line and the long-line state and starts counting at the new offset', () => {
  const { lines, splitter } = split([Buffer.from('done\npart')], { ...OPTIONS, maxLineLength: 6 });
  splitter.push(Buffer.from('ial-and-too-long'), (l) => lines.push(l));
  assert.equal(splitter.stats.tooLong, 1);
  splitter.reset(100);
  assert.equal(splitter.pending, 0);
  assert.equal(splitter.position, 100);
  assert.equal(splitter.committed, 100);
  splitter.push(Buffer.from('new\n'), (l) => lines.push(l));
  assert.deepEqual(lines, ['done', 'new']);
  assert.equal(splitter.committed, 104);
  splitter.push(Buffer.from('xy'), (l) => lines.push(l));
  splitter.reset(0);
  splitter.push(Buffer.from('z\n'), (l) => lines.push(l));
  // A line carried across reads after a reset holds only its own bytes.
  splitter.reset(0);
  splitter.push(Buffer.from('q'), (l) => lines.push(l));
  splitter.push(Buffer.from('\n'), (l) => lines.push(l));
  assert.deepEqual(lines, ['done', 'new', 'z', 'q']);
});
