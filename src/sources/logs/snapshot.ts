/**
 * Counter and gauge values copied out of prom-client and added back after a restart, so
 * log-derived series continue instead of resetting. Read synchronously from the metrics'
 * internal maps: the copy must be taken in the same tick as the offsets it is saved with.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { isSelfRendering } from '../../metrics/fast.ts';

type Labels = Record<string, string | number>;

export interface SeriesSnapshot {
  labels: Labels;
  value?: number;
  buckets?: Record<string, number>;
  sum?: number;
  count?: number;
}

export interface MetricSnapshot {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  series: SeriesSnapshot[];
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

interface HashEntry {
  labels: Labels;
  value?: number;
  bucketValues?: Record<string, number>;
  sum?: number;
  count?: number;
}

function entries(metric: AnyMetric): HashEntry[] {
  if (isSelfRendering(metric)) return [...metric.entries()];
  // prom-client 15 keeps every series in `hashMap`; get() is async and would break atomicity.
  return Object.values((metric as unknown as { hashMap: Record<string, HashEntry> }).hashMap ?? {});
}

function typeOf(metric: AnyMetric): MetricSnapshot['type'] {
  return (metric as unknown as { type: MetricSnapshot['type'] }).type;
}

export function snapshotMetric(metric: AnyMetric): MetricSnapshot {
  const type = typeOf(metric);
  const series = entries(metric).map((e): SeriesSnapshot =>
    type === 'histogram'
      ? { labels: { ...e.labels }, buckets: { ...e.bucketValues }, sum: e.sum ?? 0, count: e.count ?? 0 }
      : { labels: { ...e.labels }, value: e.value ?? 0 },
  );
  return { name: (metric as unknown as { name: string }).name, type, series };
}

/**
 * Add the saved values to `metric` (counters and histograms continue from where they were;
 * gauges take the saved value). Series whose labels no longer fit are skipped.
 */
export function restoreMetric(metric: AnyMetric, snapshot: MetricSnapshot): void {
  if (typeOf(metric) !== snapshot.type) return;
  for (const s of snapshot.series) {
    try {
      if (snapshot.type === 'counter' && typeof s.value === 'number' && s.value > 0) (metric as Counter<string>).inc(s.labels, s.value);
      else if (snapshot.type === 'gauge' && typeof s.value === 'number') (metric as Gauge<string>).set(s.labels, s.value);
      else if (snapshot.type === 'histogram' && s.buckets && typeof s.count === 'number' && s.count > 0) restoreHistogram(metric as Histogram<string>, s);
    } catch {
      // labels of an older config that no longer fit: that series starts from zero
    }
  }
}

function restoreHistogram(metric: Histogram<string>, s: SeriesSnapshot): void {
  // Create the series with one observation, then fold the saved buckets into it.
  const bounds = Object.keys(s.buckets!);
  const lowest = Math.min(...bounds.map(Number));
  metric.observe(s.labels, Number.isFinite(lowest) ? lowest : 0);
  const entry = entries(metric).find((e) => sameLabels(e.labels, s.labels));
  if (!entry?.bucketValues) return;
  entry.bucketValues[String(lowest)]! -= 1;
  entry.sum = (entry.sum ?? 0) - (Number.isFinite(lowest) ? lowest : 0) + (s.sum ?? 0);
  entry.count = (entry.count ?? 0) - 1 + s.count!;
  for (const [bound, n] of Object.entries(s.buckets!)) if (bound in entry.bucketValues) entry.bucketValues[bound]! += n;
}

function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => String(a[k]) === String(b[k]));
}
