/**
 * Series limits of user rules (TAILING.md behaviour 19): a per-metric cap that evicts the least
 * recently updated series and counts it, idle-series expiry, explicit delete, label values
 * freed by removed series, and restored series counting against the cap. The real extraction
 * engine with a real registry, fed lines the way the log source feeds them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreMetric, snapshotMetric } from '../../src/sources/logs/snapshot.ts';
import { eventually } from '../support/agent.ts';
import { engineHarness, type EngineHarness } from './helpers.ts';

interface Harness extends EngineHarness {
  /** The `player` label values of gust_test_players with a series now. */
  players(): Promise<string[]>;
  dropped(reason: string, rule?: string): Promise<number>;
}

/** A rule on gust_test_players{player}; `options` are extra YAML lines of the rule. */
const playerRule = (name: string, verb: string, action: 'inc' | 'delete', options = '') => `  - name: ${name}
    match: '^${verb} (?<player>\\S+)'
    metric: gust_test_players
    type: gauge
    action: ${action}
    labels: [player]
${options}
`;

/** `join P` adds 1 to player P's series, `leave P` deletes it. */
const PLAYER_RULES = (options: string) => `rules:\n${playerRule('joined', 'join', 'inc', options)}${playerRule('left', 'leave', 'delete')}`;

function harness(rulesYaml: string): Harness {
  const h = engineHarness(rulesYaml);
  return {
    ...h,
    async players() {
      const text = await h.scrape();
      return [...text.matchAll(/^gust_test_players\{server="s",player="([^"]*)"\}/gm)].map((m) => m[1]!).sort();
    },
    async dropped(reason, rule = 'joined') {
      return (await h.value(`gust_rule_samples_dropped_total{rule="${rule}",reason="${reason}"}`)) ?? 0;
    },
  };
}

test('max_series: past the cap the least recently updated series is evicted and counted', async () => {
  const h = harness(PLAYER_RULES('    max_series: 3'));
  h.lines('join a', 'join b', 'join c');
  assert.deepEqual(await h.players(), ['a', 'b', 'c']);
  // Update order is kept to within a second (a busy series moves at most once a second).
  await new Promise((r) => setTimeout(r, 1_100));
  h.lines('join a'); // a is now the most recently updated: b goes first
  h.lines('join d');
  assert.deepEqual(await h.players(), ['a', 'c', 'd']);
  assert.equal(await h.dropped('series_limit'), 1);
  h.lines('join e', 'join f');
  assert.deepEqual(await h.players(), ['d', 'e', 'f']);
  assert.equal(await h.dropped('series_limit'), 3);
  assert.equal(await h.value('gust_test_players{server="s",player="d"}'), 1);
});

test('the cap is per metric: two rules feeding one metric share it (the smallest max_series applies)', async () => {
  const h = harness(`rules:\n${playerRule('joined', 'join', 'inc', '    max_series: 5')}${playerRule('joined_again', 'rejoin', 'inc', '    max_series: 2')}`);
  h.lines('join a', 'rejoin b', 'join c', 'rejoin d');
  assert.deepEqual(await h.players(), ['c', 'd']);
  assert.equal(await h.dropped('series_limit', 'joined'), 1);
  assert.equal(await h.dropped('series_limit', 'joined_again'), 1);
});

test('delete frees the label value: max_label_values counts only values that still have a series', async () => {
  const h = harness(PLAYER_RULES('    max_label_values: 2'));
  h.lines('join a', 'join b', 'join c');
  assert.deepEqual(await h.players(), ['a', 'b']);
  assert.equal(await h.dropped('cardinality'), 1);
  h.lines('leave a', 'join c');
  assert.deepEqual(await h.players(), ['b', 'c']);
  assert.equal(await h.dropped('cardinality'), 1);
});

test('evicted series free their label values too', async () => {
  const h = harness(PLAYER_RULES('    max_series: 2\n    max_label_values: 3'));
  h.lines('join a', 'join b', 'join c', 'join d', 'join a');
  assert.deepEqual(await h.players(), ['a', 'd']);
  assert.equal(await h.dropped('cardinality'), 0);
  assert.equal(await h.dropped('series_limit'), 3);
});

test('expire: a series not updated for longer than `expire` leaves the exposition and frees its value', async () => {
  const h = harness(PLAYER_RULES('    expire: 1s\n    max_label_values: 1'));
  h.lines('join a');
  assert.deepEqual(await h.players(), ['a']);
  // Keep `a` fresh for a while: updates reset its idle time.
  const until = Date.now() + 1_500;
  while (Date.now() < until) {
    h.lines('join a');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(await h.players(), ['a']);
  await eventually(async () => ((await h.players()).length === 0 ? true : undefined), 5_000, 'a expired');
  h.lines('join b');
  assert.deepEqual(await h.players(), ['b']);
  assert.equal(await h.dropped('cardinality'), 0);
  assert.equal(await h.dropped('series_limit'), 0);
});

test('series restored from the counter snapshot count against the cap and keep their values', async () => {
  const before = harness(PLAYER_RULES('    max_series: 3'));
  before.lines('join a', 'join b', 'join b', 'join c');
  const snapshots = before.engine.ruleMetrics().map(snapshotMetric);
  // A restarted agent: the log source restores the rule metrics, then the extraction state.
  const after = harness(PLAYER_RULES('    max_series: 3'));
  const byName = new Map(after.engine.ruleMetrics().map((m) => [(m as unknown as { name: string }).name, m]));
  for (const s of snapshots) restoreMetric(byName.get(s.name)!, s);
  after.engine.restoreState({ sessions: {} });
  assert.equal(await after.value('gust_test_players{server="s",player="b"}'), 2);
  after.lines('join d');
  assert.equal((await after.players()).length, 3);
  assert.equal(await after.dropped('series_limit'), 1);
});

test('reload keeps the series table: values in use still count, a lowered max_series evicts at once', async () => {
  const h = harness(PLAYER_RULES('    max_series: 3'));
  h.lines('join a', 'join b', 'join c', 'join d');
  assert.equal(await h.dropped('series_limit'), 1);
  h.reload(PLAYER_RULES('    max_series: 2\n    max_label_values: 2'));
  assert.deepEqual(await h.players(), ['c', 'd']);
  assert.equal(await h.dropped('series_limit'), 2);
  h.lines('join e');
  assert.equal(await h.dropped('cardinality'), 1);
});
