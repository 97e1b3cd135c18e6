/**
 * Counter, gauge and histogram values copied out and added back after a restart, so
 * log-derived series continue instead of resetting. Read synchronously (the metrics of
 * src/metrics/fast.ts): the copy must be taken in the same tick as the offsets it is saved with.
 */
import type { AgentContext } from '../../agent/context.ts';
import type { ExtractionEngine, ExtractionState } from '../../extract/engine.ts';
import { FastCounter, FastHistogram, type FastMetric } from '../../metrics/fast.ts';
import type { ObservationKey } from '../../state/servers.ts';

type Labels = Record<string, string | number>;

export interface SeriesSnapshot {
  labels: Labels;
  value?: number;
  /** Histograms: count per upper bound (not cumulative). */
  buckets?: Record<string, number>;
  sum?: number;
  count?: number;
}

export interface MetricSnapshot {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  series: SeriesSnapshot[];
}

function typeOf(metric: FastMetric): MetricSnapshot['type'] {
  if (metric instanceof FastHistogram) return 'histogram';
  return metric instanceof FastCounter ? 'counter' : 'gauge';
}

function nameOf(metric: FastMetric): string {
  return (metric as unknown as { name: string }).name;
}

export function snapshotMetric(metric: FastMetric): MetricSnapshot {
  if (metric instanceof FastHistogram) {
    const bounds = metric.upperBounds.map(String);
    const series = [...metric.entries()].map((e): SeriesSnapshot => ({
      labels: { ...e.labels },
      buckets: Object.fromEntries(bounds.map((bound, i) => [bound, e.buckets[i]!])),
      sum: e.sum,
      count: e.count,
    }));
    return { name: nameOf(metric), type: 'histogram', series };
  }
  const series = [...metric.entries()].map((e): SeriesSnapshot => ({ labels: { ...e.labels }, value: e.value }));
  return { name: nameOf(metric), type: typeOf(metric), series };
}

/**
 * Add the saved values to `metric` (counters and histograms continue from where they were;
 * gauges take the saved value). Series whose labels no longer fit are skipped.
 */
export function restoreMetric(metric: FastMetric, snapshot: MetricSnapshot): void {
  if (typeOf(metric) !== snapshot.type) return;
  for (const s of snapshot.series) {
    try {
      if (metric instanceof FastHistogram) {
        if (s.buckets && typeof s.count === 'number' && s.count > 0) metric.add(s.labels, { buckets: s.buckets, sum: s.sum ?? 0, count: s.count });
      } else if (typeof s.value !== 'number') continue;
      else if (metric instanceof FastCounter) {
        if (s.value > 0) metric.inc(s.labels, s.value);
      } else metric.set(s.labels, s.value);
    } catch {
      // labels of an older config that no longer fit: that series starts from zero
    }
  }
}

/** What a checkpoint keeps besides file positions: everything the log lines moved. */
export interface LogDerived {
  metrics: MetricSnapshot[];
  /** Gauge-like fields the log source observed, with the time they were observed. */
  observations: Record<string, Array<[ObservationKey, unknown, number]>>;
  extraction: ExtractionState;
}

function logDerivedMetrics(ctx: AgentContext, engine: ExtractionEngine | undefined): FastMetric[] {
  const { counters } = ctx;
  return [counters.restarts, counters.joins, counters.leaves, counters.logEvents, counters.sessions, ...(engine?.ruleMetrics() ?? [])];
}

/** Synchronous, so it is taken in the same tick as the offsets it is saved with. */
export function snapshotLogDerived(ctx: AgentContext, engine: ExtractionEngine | undefined): LogDerived {
  const observations: LogDerived['observations'] = {};
  for (const server of ctx.state.list()) {
    const fields = Object.entries(server.fields).filter(([, f]) => f?.source === 'log').map(([k, f]) => [k as ObservationKey, f!.value, f!.atMs] as [ObservationKey, unknown, number]);
    if (fields.length > 0) observations[server.id] = fields;
  }
  return { metrics: logDerivedMetrics(ctx, engine).map(snapshotMetric), observations, extraction: engine?.state() ?? { sessions: {} } };
}

export function restoreLogDerived(ctx: AgentContext, engine: ExtractionEngine | undefined, saved: LogDerived): void {
  const byName = new Map(logDerivedMetrics(ctx, engine).map((m) => [nameOf(m), m]));
  for (const snapshot of saved.metrics) {
    const metric = byName.get(snapshot.name);
    if (metric) restoreMetric(metric, snapshot);
  }
  for (const [server, fields] of Object.entries(saved.observations ?? {})) {
    for (const [key, value, atMs] of fields) ctx.state.observe(server, 'log', { [key]: value }, atMs);
  }
  engine?.restoreState(saved.extraction);
}
