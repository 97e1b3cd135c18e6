import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from '../../bench/lib/stats.ts';
import { BUDGET, figure } from '../../bench/lib/result.ts';
import { sampleProcess, cpuPercent } from '../../bench/lib/proc.ts';
import { seriesValues } from '../../bench/lib/exposition.ts';
import { renderMarkdown, renderTable } from '../../bench/lib/table.ts';

test('percentile is nearest-rank', () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose
  assert.equal(percentile(samples, 50), 50);
  assert.equal(percentile(samples, 99), 99);
  assert.equal(percentile(samples, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('figures are judged against max and min budgets; no value, no verdict', () => {
  assert.equal(figure('rss', 79.9, 'MiB', BUDGET.rss50).pass, true);
  assert.equal(figure('rss', 80, 'MiB', BUDGET.rss50).pass, false);
  assert.equal(figure('ratio', 5, 'x', BUDGET.logThroughputVsMtail).pass, true);
  assert.equal(figure('ratio', 4.9, 'x', BUDGET.logThroughputVsMtail).pass, false);
  assert.equal(figure('rss', null, 'MiB', BUDGET.rss50).pass, undefined);
  assert.equal(figure('size', 3, 'KiB').pass, undefined);
});

test('the table and the Markdown show verdicts and unavailable scenarios', () => {
  const results = [
    { id: 'scrape', number: 1, title: 't', duration_seconds: 1, status: 'ok' as const, figures: [figure('p99', 12, 'ms', BUDGET.scrapeP99at50)] },
    { id: 'logs', number: 6, title: 't', duration_seconds: 0, status: 'unavailable' as const, reason: 'not built yet', figures: [] },
  ];
  assert.match(renderTable(results), /p99\s+12 ms\s+< 10 ms\s+FAIL/);
  assert.match(renderTable(results), /unavailable.*not built yet/);
  assert.match(renderMarkdown(results), /\| 1 \| scrape \| p99 \| 12 ms \| < 10 ms \| \*\*FAIL\*\* \|/);
});

test('/proc sampling reads this process', async () => {
  const a = sampleProcess(process.pid);
  const end = Date.now() + 50;
  while (Date.now() < end); // burn a little CPU
  const b = sampleProcess(process.pid);
  assert.ok(a.rssBytes > 10 * 1024 * 1024 && a.peakRssBytes >= a.rssBytes);
  assert.ok(b.cpuSeconds >= a.cpuSeconds);
  assert.ok(cpuPercent(a, b) >= 0 && cpuPercent(a, b) <= 100 * 64);
});

test('seriesValues finds every series of a metric and no other metric', () => {
  const text = '# HELP m x\nm{server="a"} 1\nm{server="b"} 2.5\nm_total 9\nm 3\n';
  assert.deepEqual(seriesValues(text, 'm'), [1, 2.5, 3]);
});
