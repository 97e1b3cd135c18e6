/** Durations, sizes and secrets as the config parser reads and prints them (CONFIG.md). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import pino from 'pino';
import { Writable } from 'node:stream';
import { formatDuration, parseDuration, parseSize } from '../../src/config/units.ts';
import { Secret } from '../../src/config/secret.ts';

test('durations: units, sums, fractions, surrounding space, 0; anything else is not a duration', () => {
  const ok: Array<[string, number]> = [
    ['500ms', 500], ['10s', 10_000], ['5m', 300_000], ['1h', 3_600_000], ['2d', 172_800_000],
    ['1h30m', 5_400_000], ['1m30s250ms', 90_250], ['1.5s', 1_500], ['0.25s', 250], ['1.25m', 75_000],
    [' 10s ', 10_000], ['0', 0], [' 0 ', 0], ['0s', 0],
  ];
  for (const [text, ms] of ok) assert.equal(parseDuration(text), ms, text);
  for (const text of ['', '10', 's', 'x10s', '10sx', '10 s', '-1s', '1.s', '.5s', '1w', '00']) assert.equal(parseDuration(text), undefined, text);
});

test('sizes: decimal and binary units, bytes without a unit, fractions rounded, surrounding space', () => {
  const ok: Array<[string, number]> = [
    ['100', 100], ['100B', 100], ['64KiB', 65_536], ['10MiB', 10_485_760], ['1GiB', 1_073_741_824],
    ['1KB', 1_000], ['2MB', 2_000_000], ['3GB', 3e9], ['1.5KB', 1_500], ['2.25KiB', 2_304], ['0.5B', 1],
    ['10 MB', 10_000_000], [' 64KiB ', 65_536],
  ];
  for (const [text, bytes] of ok) assert.equal(parseSize(text), bytes, text);
  for (const text of ['', 'KiB', 'x1KB', '1KBx', '1TB', '1kib', '-1KB', '1.KB']) assert.equal(parseSize(text), undefined, text);
});

test('durations print in the largest whole unit', () => {
  const cases: Array<[number, string]> = [
    [3_600_000, '1h'], [7_200_000, '2h'], [5_400_000, '90m'], [60_000, '1m'], [90_000, '90s'],
    [1_000, '1s'], [1_500, '1500ms'], [250, '250ms'], [0, '0s'],
  ];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text, String(ms));
    assert.equal(parseDuration(text), ms, `${text} reads back`);
  }
});

test('a secret shows its value only through reveal(): string, JSON, inspect and pino print <secret>', () => {
  const s = new Secret('hunter2');
  assert.equal(s.reveal(), 'hunter2');
  assert.equal(s.empty, false);
  assert.equal(new Secret('').empty, true);
  assert.equal(String(s), '<secret>');
  assert.equal(`${s}`, '<secret>');
  assert.equal(JSON.stringify({ password: s }), '{"password":"<secret>"}');
  assert.equal(inspect({ password: s }), "{ password: <secret> }");
  const lines: string[] = [];
  const log = pino({}, new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
  log.info({ password: s }, 'connecting');
  assert.equal(JSON.parse(lines[0]!).password, '<secret>');
  assert.ok(!lines[0]!.includes('hunter2'));
});
