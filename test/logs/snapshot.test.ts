/**
 * The counter snapshot saved with the log offsets: what is copied out in one tick comes back
 * after a restart (counters and histograms continue, gauges take the saved value).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { renderExposition } from '../../src/http/exposition.ts';
import { FastCounter, FastGauge, FastHistogram } from '../../src/metrics/fast.ts';
import { restoreMetric, snapshotMetric } from '../../src/sources/logs/snapshot.ts';

function metrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    counter: new FastCounter({ name: 'c_total', help: 'c', labelNames: ['server'], registers }),
    gauge: new FastGauge({ name: 'g', help: 'g', labelNames: ['server'], registers }),
    histogram: new FastHistogram({ name: 'h_seconds', help: 'h', labelNames: ['server'], buckets: [60, 300], registers }),
  };
}

test('snapshot and restore: counters and histograms continue, gauges take the saved value', async () => {
  const before = metrics();
  before.counter.inc({ server: 'a' }, 3);
  before.gauge.set({ server: 'a' }, 7);
  before.histogram.observe({ server: 'a' }, 30);
  before.histogram.observe({ server: 'a' }, 1_000);
  const saved = JSON.parse(JSON.stringify([before.counter, before.gauge, before.histogram].map(snapshotMetric)));

  const after = metrics();
  after.counter.inc({ server: 'a' }, 1); // counted by the new process before the checkpoint loaded
  after.histogram.observe({ server: 'a' }, 100);
  after.gauge.set({ server: 'a' }, 1);
  for (const [i, m] of [after.counter, after.gauge, after.histogram].entries()) restoreMetric(m, saved[i]);

  const text = await renderExposition(after.registry);
  assert.match(text, /^c_total\{server="a"\} 4$/m);
  assert.match(text, /^g\{server="a"\} 7$/m);
  assert.match(text, /^h_seconds_bucket\{le="60",server="a"\} 1$/m);
  assert.match(text, /^h_seconds_bucket\{le="300",server="a"\} 2$/m);
  assert.match(text, /^h_seconds_bucket\{le="\+Inf",server="a"\} 3$/m);
  assert.match(text, /^h_seconds_sum\{server="a"\} 1130$/m);
  assert.match(text, /^h_seconds_count\{server="a"\} 3$/m);
});

test('restore skips a snapshot of another type and series whose labels no longer fit', async () => {
  const { registry, counter, histogram } = metrics();
  restoreMetric(counter, { name: 'c_total', type: 'gauge', series: [{ labels: { server: 'a' }, value: 5 }] });
  restoreMetric(counter, { name: 'c_total', type: 'counter', series: [{ labels: { server: 'a', gone: 'x' }, value: 5 }, { labels: { server: 'b' }, value: 2 }] });
  restoreMetric(histogram, { name: 'h_seconds', type: 'histogram', series: [{ labels: { server: 'b' }, buckets: { '60': 1, '300': 0 }, sum: 10, count: 1 }] });
  const text = await renderExposition(registry);
  assert.doesNotMatch(text, /server="a"/);
  assert.match(text, /^c_total\{server="b"\} 2$/m);
  assert.match(text, /^h_seconds_count\{server="b"\} 1$/m);
});
