import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { renderExposition } from '../../src/http/exposition.ts';

function populated(defaultLabels?: Record<string, string>): Registry {
  const registry = new Registry();
  if (defaultLabels) registry.setDefaultLabels(defaultLabels);
  const registers = [registry];
  const counter = new Counter({ name: 'x_total', help: 'A counter\nwith a "help" \\ line.', labelNames: ['server', 'reason'], registers });
  counter.inc({ server: 'a', reason: 'timeout' }, 3);
  counter.inc({ server: 'b"q', reason: 'back\\slash\nnewline' });
  new Counter({ name: 'plain_total', help: 'No labels.', registers }).inc(2);
  const gauge = new Gauge({ name: 'g', help: 'Gauge.', labelNames: ['server'], registers });
  gauge.set({ server: 'a' }, Number.NaN);
  gauge.set({ server: 'b' }, Number.POSITIVE_INFINITY);
  gauge.set({ server: 'c' }, Number.NEGATIVE_INFINITY);
  gauge.set({ server: 'd' }, 0.000001);
  gauge.set({ server: 'e' }, 1e21);
  const histogram = new Histogram({ name: 'h_seconds', help: 'Histogram.', labelNames: ['route'], buckets: [0.1, 1], registers });
  histogram.observe({ route: '/metrics' }, 0.05);
  histogram.observe({ route: '/api' }, 2);
  new Histogram({ name: 'h_empty', help: 'Empty histogram.', registers });
  const summary = new Summary({ name: 's', help: 'Summary.', labelNames: ['k'], percentiles: [0.5, 0.99], registers });
  for (let i = 0; i < 10; i++) summary.observe({ k: 'v' }, i);
  new Gauge({ name: 'unset', help: 'Declared, never set.', labelNames: ['x'], registers });
  return registry;
}

test('renderExposition writes exactly what prom-client writes', async () => {
  const registry = populated();
  assert.equal(await renderExposition(registry), await registry.metrics());
});

test('renderExposition applies default labels like prom-client', async () => {
  const registry = populated({ instance: 'host "1"' });
  assert.equal(await renderExposition(registry), await registry.metrics());
});

test('renderExposition falls back to prom-client for OpenMetrics registries', async () => {
  const registry = populated();
  (registry as unknown as Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>).setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  assert.equal(await renderExposition(registry), await registry.metrics());
});
