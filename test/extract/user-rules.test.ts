/**
 * One user rule at a time (`rules:` in the config), through the real extraction engine: the
 * default action per metric type, every explicit action, values from a capture (bad ones
 * dropped and counted), labels from captures (a missing capture is an empty label), line
 * timestamps that keep an older line from overwriting a gauge, and which servers and sources a
 * rule applies to (log lines, command replies).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineHarness } from './helpers.ts';

/** One rule named `r` on metric gust_test_value; `extra` are further YAML lines of the rule. */
const rule = (match: string, type: string, extra = '') => `rules:
  - name: r
    match: '${match}'
    metric: gust_test_value
    type: ${type}
${extra}`;

const VALUE = 'gust_test_value{server="s"}';
const matches = (rule = 'r', server = 's') => `gust_log_rule_matches_total{server="${server}",rule="${rule}"}`;
const dropped = (reason: string) => `gust_rule_samples_dropped_total{rule="r",reason="${reason}"}`;
const UNMATCHED = 'gust_log_lines_unmatched_total{server="s"}';

test('default actions: a counter counts matches, a gauge is set to the value, a histogram observes it', async () => {
  const counter = engineHarness(rule('^tick (?<n>\\d+)', 'counter'));
  counter.lines('tick 5', 'tock 5', 'tick 7');
  assert.equal(await counter.value(VALUE), 2);
  assert.equal(await counter.value(matches()), 2);

  const gauge = engineHarness(rule('^tick (?<n>\\d+)', 'gauge', '    value: n\n'));
  gauge.lines('tick 5', 'tick 7');
  assert.equal(await gauge.value(VALUE), 7);

  const histogram = engineHarness(rule('^tick (?<n>\\d+)', 'histogram', '    value: n\n    buckets: [5, 10]\n'));
  histogram.lines('tick 5', 'tick 7', 'tick 70');
  assert.equal(await histogram.value('gust_test_value_bucket{le="5",server="s"}'), 1);
  assert.equal(await histogram.value('gust_test_value_bucket{le="10",server="s"}'), 2);
  assert.equal(await histogram.value('gust_test_value_sum{server="s"}'), 82);
});

test('a counter with a value adds the value; inc, add, dec and set do what they say', async () => {
  const counter = engineHarness(rule('^bytes (?<n>\\d+)', 'counter', '    value: n\n'));
  counter.lines('bytes 100', 'bytes 23');
  assert.equal(await counter.value(VALUE), 123);

  const actions = engineHarness(`rules:
  - { name: up, match: '^up$', metric: gust_test_value, type: gauge, action: inc }
  - { name: up_by, match: '^up (?<n>\\d+)$', metric: gust_test_value, type: gauge, action: inc, value: n }
  - { name: add, match: '^add (?<n>\\d+)$', metric: gust_test_value, type: gauge, action: add, value: n }
  - { name: down, match: '^down$', metric: gust_test_value, type: gauge, action: dec }
  - { name: down_by, match: '^down (?<n>\\d+)$', metric: gust_test_value, type: gauge, action: dec, value: n }
  - { name: set, match: '^set (?<n>-?\\d+)$', metric: gust_test_value, type: gauge, action: set, value: n }
`);
  const after = async (line: string) => {
    actions.lines(line);
    return actions.value(VALUE);
  };
  assert.equal(await after('up'), 1);
  assert.equal(await after('up 10'), 11);
  assert.equal(await after('add 5'), 16);
  assert.equal(await after('down'), 15);
  assert.equal(await after('down 4'), 11);
  assert.equal(await after('set -3'), -3, 'a gauge may be set below zero');
});

test('a value that is not a finite number, or negative for a counter, is dropped and counted as bad_value', async () => {
  const counter = engineHarness(rule('^bytes (?<n>\\S+)', 'counter', '    value: n\n'));
  counter.lines('bytes 10', 'bytes -4', 'bytes lots', 'bytes 1e999', 'bytes 0');
  assert.equal(await counter.value(VALUE), 10);
  assert.equal(await counter.value(dropped('bad_value')), 3);
  assert.equal(await counter.value(matches()), 5, 'a dropped sample still matched');
  assert.equal((await counter.value(UNMATCHED)) ?? 0, 0, 'a line whose sample was dropped is not unmatched');

  const gauge = engineHarness(rule('^temp (?<n>\\S+)', 'gauge', '    value: n\n'));
  gauge.lines('temp -4');
  assert.equal(await gauge.value(VALUE), -4);
  assert.equal(await gauge.value(dropped('bad_value')), undefined);
});

test('labels come from captures; a capture that did not take part is an empty label', async () => {
  const h = engineHarness(rule('^(?:(?<level>[A-Z]+) )?msg', 'counter', '    labels: [level]\n'));
  h.lines('WARN msg', 'msg', 'WARN msg');
  assert.equal(await h.value('gust_test_value{server="s",level="WARN"}'), 2);
  assert.equal(await h.value('gust_test_value{server="s",level=""}'), 1);
});

test('delete removes the series of the captured labels; other series stay', async () => {
  const h = engineHarness(`rules:
  - { name: on, match: '^on (?<p>\\S+)', metric: gust_test_value, type: gauge, labels: [p] }
  - { name: off, match: '^off (?<p>\\S+)', metric: gust_test_value, type: gauge, labels: [p], action: delete }
`);
  h.lines('on a', 'on b', 'off a');
  assert.equal(await h.value('gust_test_value{server="s",p="a"}'), undefined);
  assert.equal(await h.value('gust_test_value{server="s",p="b"}'), 1);
  assert.equal(await h.value(matches('off')), 1);
  assert.equal((await h.value(UNMATCHED)) ?? 0, 0, 'a delete is a match');
});

for (const [format, stamp] of [
  ['iso8601', (ms: number) => new Date(ms).toISOString()],
  ['unix', (ms: number) => String(ms / 1000)],
  ['unix_ms', (ms: number) => String(ms)],
] as const) {
  test(`timestamp (${format}): a gauge keeps the value of the newest line, whatever order lines arrive in`, async () => {
    const h = engineHarness(rule('^(?<at>\\S*) temp (?<n>\\d+)', 'gauge', `    value: n\n    timestamp: { capture: at, format: ${format} }\n`));
    const t = Date.UTC(2026, 0, 2, 3, 4, 5);
    h.lines(`${stamp(t)} temp 20`);
    h.lines(`${stamp(t - 60_000)} temp 10`); // older: ignored
    assert.equal(await h.value(VALUE), 20);
    assert.equal((await h.value(UNMATCHED)) ?? 0, 0, 'an older line still matched');
    h.lines(`${stamp(t)} temp 21`); // the same time: taken
    assert.equal(await h.value(VALUE), 21);
    h.lines(`${stamp(t + 1_000)} temp 30`);
    assert.equal(await h.value(VALUE), 30);
    // A stamp that does not parse does not order the line: its value is taken.
    h.lines('garbage temp 5');
    assert.equal(await h.value(VALUE), 5);
    h.lines(' temp 6'); // an empty stamp (not the epoch)
    assert.equal(await h.value(VALUE), 6);
    h.lines(`${stamp(t)} temp 22`); // still older than the newest stamp seen
    assert.equal(await h.value(VALUE), 6);
  });
}

test('timestamps of different formats order one gauge together: unix seconds, unix ms and ISO 8601 are one clock', async () => {
  const h = engineHarness(`rules:
  - { name: iso, match: '^(?<at>\\S+) iso (?<n>\\d+)', metric: gust_test_value, type: gauge, value: n, timestamp: { capture: at, format: iso8601 } }
  - { name: sec, match: '^(?<at>\\S+) sec (?<n>\\d+)', metric: gust_test_value, type: gauge, value: n, timestamp: { capture: at, format: unix } }
  - { name: ms, match: '^(?<at>\\S+) ms (?<n>\\d+)', metric: gust_test_value, type: gauge, value: n, timestamp: { capture: at, format: unix_ms } }
`);
  const t = Date.UTC(2026, 0, 2, 3, 4, 5);
  h.lines(`${new Date(t).toISOString()} iso 1`);
  h.lines(`${(t - 1_000) / 1000} sec 2`, `${t - 1_000} ms 3`); // a second older: ignored
  assert.equal(await h.value(VALUE), 1);
  h.lines(`${(t + 1_000) / 1000} sec 4`);
  assert.equal(await h.value(VALUE), 4);
  h.lines(`${t + 2_000} ms 5`, `${new Date(t + 1_500).toISOString()} iso 6`);
  assert.equal(await h.value(VALUE), 5);
});

test('a sample dropped past max_label_values is still a matched line', async () => {
  const h = engineHarness(rule('^hit (?<p>\\S+)', 'counter', '    labels: [p]\n    max_label_values: 1\n'));
  h.lines('hit a', 'hit b');
  assert.equal(await h.value(dropped('cardinality')), 1);
  assert.equal((await h.value(UNMATCHED)) ?? 0, 0);
});

test('a timestamp on a counter does not order lines (counters only count)', async () => {
  const h = engineHarness(rule('^(?<at>\\S+) hit', 'counter', '    timestamp: { capture: at, format: unix }\n'));
  h.lines('1700000100 hit', '1700000000 hit');
  assert.equal(await h.value(VALUE), 2);
});

test('servers: and sources: decide where a rule applies (log lines, command replies)', async () => {
  // A second server `t` (the harness's config lists `s` first).
  const h = engineHarness(`  - { id: t, game: generic }
rules:
  - { name: everywhere, match: '^x', metric: gust_test_a_total }
  - { name: logs_only, match: '^x', metric: gust_test_b_total, sources: [log] }
  - { name: replies_only, match: '^x', metric: gust_test_c_total, sources: [command] }
  - { name: other_server, match: '^x', metric: gust_test_d_total, servers: [t] }
  - { name: this_server, match: '^x', metric: gust_test_e_total, servers: [t, s] }
`);
  h.lines('x');
  const names = ['everywhere', 'logs_only', 'replies_only', 'other_server', 'this_server'];
  h.engine.reply('s', 'status', 'x', names);
  h.engine.reply('s', 'status', 'y', names); // no match: nothing counted
  h.engine.reply('s', 'status', 'x', ['unknown_rule']);
  const value = async (m: string) => (await h.value(`gust_test_${m}_total{server="s"}`)) ?? 0;
  assert.deepEqual([await value('a'), await value('b'), await value('c'), await value('d'), await value('e')], [2, 1, 1, 0, 2]);
  h.engine.line('t', 'x', 'log');
  assert.equal(await h.value('gust_test_d_total{server="t"}'), 1);
  assert.equal(await h.value('gust_test_e_total{server="t"}'), 1);
  // Lines of a server the config does not name are not extracted.
  h.engine.line('nobody', 'x', 'log');
  assert.equal(await value('a'), 2);
  assert.equal(await h.value('gust_test_a_total{server="nobody"}'), undefined);
});

test('a line no rule matches counts as unmatched; a matched one does not', async () => {
  const h = engineHarness(rule('^x', 'counter'));
  h.lines('x', 'y', 'z');
  assert.equal(await h.value('gust_log_lines_unmatched_total{server="s"}'), 2);
});
