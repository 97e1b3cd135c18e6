/**
 * Open multi-line records in the extraction state (what the log checkpoint saves): a record
 * open at a restart or a reload continues and is applied once, complete; it still closes on the
 * next first line, `max_lines`, or `max_wait` counted from the restore. Checkpoints of earlier
 * versions (no `multiline`) and saved records that no longer fit are ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../support/agent.ts';
import { Multiline } from '../../src/extract/multiline.ts';
import type { CompiledRule } from '../../src/extract/user-rules.ts';
import { engineHarness } from './helpers.ts';

/** A record counts only when it holds all of BEGIN, parts 1-3 and END. */
const RULES = (maxWait = '60s', maxLines = 5) => `rules:
  - name: report
    match: '^BEGIN id=(?<id>\\d+)\\npart 1\\npart 2\\npart 3\\nEND$'
    metric: gust_test_reports_total
    labels: [id]
    multiline: { first_line: '^BEGIN', max_lines: ${maxLines}, max_wait: ${maxWait} }
`;

const REPORT = ['BEGIN id=1', 'part 1', 'part 2', 'part 3', 'END'];
const reports = 'gust_test_reports_total{server="s",id="1"}';

test('state() carries an open record; restored, it continues and counts once on the next first line', async () => {
  const before = engineHarness(RULES());
  before.lines(...REPORT.slice(0, 2));
  const state = before.engine.state();
  assert.deepEqual(state.multiline?.map(({ server, rule, lines }) => ({ server, rule, lines })), [{ server: 's', rule: 'report', lines: REPORT.slice(0, 2) }]);
  // A checkpoint is JSON: what comes back is what was written.
  const after = engineHarness(RULES());
  after.engine.restoreState(JSON.parse(JSON.stringify(state)));
  after.lines(...REPORT.slice(2, 4));
  assert.equal(await after.value(reports), undefined, 'not applied before it closes');
  after.lines('END', 'BEGIN id=2');
  assert.equal(await after.value(reports), 1);
  assert.equal(after.engine.state().multiline?.[0]?.lines[0], 'BEGIN id=2');
});

test('a restored record closes at max_lines', async () => {
  const before = engineHarness(RULES());
  before.lines(...REPORT.slice(0, 3));
  const after = engineHarness(RULES());
  after.engine.restoreState(before.engine.state());
  after.lines('part 3', 'END'); // the fifth line: max_lines
  assert.equal(await after.value(reports), 1);
  assert.equal(after.engine.state().multiline, undefined);
});

test('a restored record closes max_wait after the restore, not after it first opened', async () => {
  const after = engineHarness(RULES('300ms', 10));
  const openedAtMs = Date.now() - 3_600_000; // opened an hour ago, before the agent stopped
  after.engine.restoreState({ sessions: {}, multiline: [{ server: 's', rule: 'report', lines: REPORT.slice(0, 4), openedAtMs }] });
  after.lines('END');
  assert.equal(await after.value(reports), undefined, 'still open right after the restore');
  await eventually(async () => ((await after.value(reports)) === 1 ? true : undefined), 5_000, 'flushed by max_wait');
});

test('state of an earlier version (no multiline), unknown rules, foreign servers and malformed records are ignored', async () => {
  const h = engineHarness(RULES());
  h.engine.restoreState({ sessions: {} });
  h.engine.restoreState(undefined);
  h.engine.restoreState({
    sessions: {},
    multiline: [
      { server: 's', rule: 'gone', lines: REPORT.slice(0, 2), openedAtMs: 0 },
      { server: 'other', rule: 'report', lines: REPORT.slice(0, 2), openedAtMs: 0 },
      { server: 's', rule: 'report', lines: ['part 1'], openedAtMs: 0 }, // its first line no longer opens a record
      { server: 's', rule: 'report', lines: 'BEGIN id=1', openedAtMs: 0 } as unknown as { server: string; rule: string; lines: string[]; openedAtMs: number },
    ],
  });
  assert.equal(h.engine.state().multiline, undefined);
  h.lines(...REPORT, 'BEGIN id=2');
  assert.equal(await h.value(reports), 1);
});

test('a config reload keeps the open record of a rule that is still there', async () => {
  const h = engineHarness(RULES());
  h.lines(...REPORT.slice(0, 2));
  h.reload(RULES());
  h.lines(...REPORT.slice(2), 'BEGIN id=2');
  assert.equal(await h.value(reports), 1);
});

test('lines before any first line open nothing; a record closes at its max_lines-th line without waiting for the next', async () => {
  const h = engineHarness(RULES());
  h.lines('part 1', 'END');
  assert.equal(h.engine.state().multiline, undefined, 'no record without a first line');
  h.lines(...REPORT);
  assert.equal(await h.value(reports), 1, 'the fifth line (max_lines) closed it');
  assert.equal(h.engine.state().multiline, undefined);
});

test('a restored record that already holds max_lines lines is applied at once', async () => {
  const h = engineHarness(RULES());
  h.engine.restoreState({ sessions: {}, multiline: [{ server: 's', rule: 'report', lines: REPORT, openedAtMs: 0 }] });
  assert.equal(await h.value(reports), 1);
  assert.equal(h.engine.state().multiline, undefined);
});

test('flush() applies an open record; a removed rule drops its record unapplied', async () => {
  const h = engineHarness(RULES('60s', 10));
  h.lines(...REPORT);
  assert.equal(await h.value(reports), undefined, 'still open: max_lines is 10');
  h.engine.flush();
  assert.equal(await h.value(reports), 1);
  h.lines(...REPORT); // complete, open again
  h.reload(RULES('60s', 10).replace('name: report', 'name: renamed')); // the same metric, rule `report` gone
  assert.equal(h.engine.state().multiline, undefined);
  h.engine.flush();
  assert.equal(await h.value(reports), 1, 'the dropped record was not applied');
});

test('a record-counting rule (a regex that matches any record) counts each record once, never an empty one', async () => {
  const h = engineHarness(`rules:
  - name: records
    match: '^'
    metric: gust_test_records_total
    multiline: { first_line: '^BEGIN', max_lines: 10, max_wait: 60s }
`);
  h.lines('BEGIN a', 'x', 'BEGIN b', 'x');
  h.engine.flush();
  h.engine.flush(); // nothing open: nothing more
  assert.equal(await h.value('gust_test_records_total{server="s"}'), 2);
});

test('Multiline.close() drops the open record: nothing to save, nothing to apply later', () => {
  const rule = { firstLine: /^BEGIN/, config: { name: 'r', multiline: { max_lines: 10, max_wait: 60_000 } } } as unknown as CompiledRule;
  const emitted: string[] = [];
  const m = new Multiline(rule, (record) => emitted.push(record));
  m.push('BEGIN 1');
  m.push('more');
  assert.deepEqual(m.open()?.lines, ['BEGIN 1', 'more']);
  m.close();
  assert.equal(m.open(), undefined);
  m.flush();
  assert.deepEqual(emitted, []);
});
