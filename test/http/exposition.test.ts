import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { renderExposition } from '../../src/http/exposition.ts';
import { FastCounter, FastGauge, FastHistogram } from '../../src/metrics/fast.ts';

const PROM = { Counter, Gauge, Histogram };
const FAST = { Counter: FastCounter, Gauge: FastGauge, Histogram: FastHistogram };

function populated(defaultLabels?: Record<string, string>, { Counter, Gauge, Histogram }: typeof PROM | typeof FAST = PROM): Registry {
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
  histogram.labels('/api').observe(0.1);
  histogram.observe({ route: 'gone' }, 1);
  histogram.remove('gone');
  new Histogram({ name: 'h_empty', help: 'Empty histogram.', registers });
  new Histogram({ name: 'h_plain', help: 'No labels.', buckets: [5], registers }).observe(7);
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

test('Fast counters, gauges and histograms write exactly what prom-client writes for the same operations', async () => {
  const fast = populated(undefined, FAST);
  const reference = await populated().metrics();
  assert.equal(await renderExposition(fast), reference);
  assert.equal(await fast.metrics(), reference, 'get() of the fast metrics feeds prom-client the same values');
  assert.equal(await renderExposition(fast), reference, 'cached label text is reused unchanged');
});

test('Fast metrics behave like prom-client: labels, remove, reset, collect, errors', async () => {
  for (const { Counter, Gauge } of [PROM, FAST]) {
    const registry = new Registry();
    let collected = 0;
    const c = new Counter({ name: 'c_total', help: 'c', labelNames: ['a', 'b'], registers: [registry], collect() { collected++; } });
    c.inc({ a: '1', b: '2' });
    c.labels('1', '2').inc(2);
    c.inc({ b: '2', a: '1' }, 0.5);
    c.inc({ a: 'x', b: 'y' });
    c.remove('x', 'y');
    assert.throws(() => c.inc({ a: '1', b: '2' }, -1), /decrease/);
    assert.throws(() => c.inc({ a: '1', nope: 'z' } as never), /not included/);
    const g = new Gauge({ name: 'g', help: 'g', labelNames: ['a'], registers: [registry] });
    g.set({ a: '1' }, 5);
    g.labels('1').dec(2);
    g.inc({ a: '2' });
    g.remove({ a: '2' });
    const end = g.startTimer({ a: 't' });
    assert.ok(end() >= 0);
    g.remove({ a: 't' });
    const plain = new Gauge({ name: 'p', help: 'p', registers: [registry] });
    plain.inc(3);
    plain.reset();
    const text = await renderExposition(registry);
    assert.equal(collected, 1);
    assert.equal(text, '# HELP c_total c\n# TYPE c_total counter\nc_total{a="1",b="2"} 3.5\n\n# HELP g g\n# TYPE g gauge\ng{a="1"} 3\n\n# HELP p p\n# TYPE p gauge\np 0\n', `${Counter.name}`);
    assert.deepEqual((await c.get()).values, [{ value: 3.5, labels: { a: '1', b: '2' } }]);
  }
});

test('FastHistogram: series readable in the same tick, saved counts added back, get() as prom-client', async () => {
  const make = <H extends typeof Histogram>(H: H) => new H({ name: 'h', help: 'h', labelNames: ['server'], buckets: [1, 10], registers: [] });
  const fast = make(FastHistogram) as FastHistogram;
  const prom = make(Histogram);
  for (const h of [fast, prom]) {
    h.observe({ server: 'a' }, 0.5);
    h.observe({ server: 'a' }, 20);
  }
  assert.deepEqual(await fast.get(), await prom.get());
  const entries = () => [...fast.entries()].map(({ labels, buckets, sum, count }) => ({ labels, buckets, sum, count }));
  assert.deepEqual(entries(), [{ labels: { server: 'a' }, buckets: [1, 0], sum: 20.5, count: 2 }]);
  fast.add({ server: 'a' }, { buckets: { '1': 1, '10': 3 }, sum: 12, count: 5 });
  assert.deepEqual(entries(), [{ labels: { server: 'a' }, buckets: [2, 3], sum: 32.5, count: 7 }]);
  assert.throws(() => fast.observe({ server: 'a' }, Number.NaN), /not a valid number/);
  fast.reset();
  assert.deepEqual(entries(), []);
});

/** One operation on both registries: which metric, which label value (a few hundred: several blocks), what. */
type Op = { metric: 'c' | 'g' | 'h'; server: number; op: 'inc' | 'set' | 'remove' | 'zero' | 'nochange'; value: number };

test('kept blocks of text: after any sequence of changes and scrapes, the text is what prom-client writes', () =>
  fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.array(
          fc.record({
            metric: fc.constantFrom('c', 'g', 'h'),
            server: fc.integer({ min: 0, max: 599 }),
            op: fc.constantFrom('inc', 'set', 'remove', 'zero', 'nochange'),
            value: fc.integer({ min: 0, max: 20 }),
          }) as fc.Arbitrary<Op>,
          { maxLength: 6 },
        ),
        { minLength: 1, maxLength: 12 },
      ),
      async (scrapes) => {
        const make = ({ Counter, Gauge, Histogram }: typeof PROM | typeof FAST) => {
          const registry = new Registry();
          const registers = [registry];
          return {
            registry,
            c: new Counter({ name: 'c_total', help: 'c', labelNames: ['server', 'reason'], registers }),
            g: new Gauge({ name: 'g', help: 'g', labelNames: ['server'], registers }),
            h: new Histogram({ name: 'h', help: 'h', labelNames: ['server'], buckets: [1, 10], registers }),
          };
        };
        const prom = make(PROM);
        const fast = make(FAST);
        // Every series exists (three blocks each) before the first scrape: a few changes between
        // scrapes then leave most blocks as they were.
        for (const r of [prom, fast]) {
          for (let i = 0; i < 600; i++) {
            r.c.inc({ server: `s${i}`, reason: 'timeout' }, 0);
            r.g.set({ server: `s${i}` }, 0);
            r.h.zero({ server: `s${i}` });
          }
        }
        assert.equal(await renderExposition(fast.registry), await prom.registry.metrics());
        for (const ops of scrapes) {
          for (const { metric, server, op, value } of ops) {
            for (const r of [prom, fast]) {
              const labels = metric === 'c' ? { server: `s${server}`, reason: 'timeout' } : { server: `s${server}` };
              if (op === 'remove') r[metric].remove(labels as never);
              else if (metric === 'h') {
                if (op === 'zero') r.h.zero(labels);
                else if (op !== 'nochange') r.h.observe(labels, value);
              } else if (op === 'nochange') (r[metric] as Counter).inc(labels, 0);
              else if (op === 'set' && metric === 'g') r.g.set(labels, value);
              else if (op === 'zero' && metric === 'g') r.g.set(labels, 0);
              else (r[metric] as Counter).inc(labels, value);
            }
          }
          const [got, want] = [await renderExposition(fast.registry), await prom.registry.metrics()];
          if (got !== want) {
            const at = [...got].findIndex((ch, i) => ch !== want[i]);
            assert.fail(`differs at ${at}: ${JSON.stringify(got.slice(at - 80, at + 80))} instead of ${JSON.stringify(want.slice(at - 80, at + 80))}`);
          }
        }
      },
    ),
    { numRuns: 100 },
  ));

test('kept blocks of text: a scrape re-renders only blocks whose series changed through the metric', async () => {
  const registry = new Registry();
  const c = new FastCounter({ name: 'c_total', help: 'c', labelNames: ['server'], registers: [registry] });
  for (let i = 0; i < 600; i++) c.inc({ server: `s${i}` }, 0);
  await renderExposition(registry);
  // Written behind the metric's back: the kept text of that block must not see it...
  const [first] = c.entries() as Iterable<{ value: number }>;
  first!.value = 42;
  const unchanged = await renderExposition(registry);
  assert.match(unchanged, /^c_total\{server="s0"\} 0$/m, 'an unchanged block is not rendered again');
  // ...until a change through the metric marks the block: then it is rendered anew.
  c.inc({ server: 's1' }, 1);
  const changed = await renderExposition(registry);
  assert.match(changed, /^c_total\{server="s0"\} 42$/m);
  assert.match(changed, /^c_total\{server="s1"\} 1$/m);
});
