/**
 * Event-loop delay: one 500 ms timer per process measures how late it runs, and every reader
 * (the `/metrics` gauges, the agent's own GustEventLoopLagHigh check) gets the samples since
 * it last read them.
 *
 * Not prom-client's default collector: its native monitor wakes the process every 10 ms, and
 * with the alert check's own monitor that was 200 wake-ups a second, 0.75 % of a core on an
 * otherwise idle agent (bench: 1,000 idle files); on this VM each wake-up of the agent costs
 * ~0.2 ms, so even a 100 ms timer was 0.2 %. A late timer still shows a blocked loop: a block of
 * d ms delays the tick due during it by up to d, and a loop blocked often enough to matter (the
 * alert is a 5-minute p99 above 100 ms) delays many ticks. The values are the delay beyond the
 * interval, not the interval itself as prom-client reports (whose idle p99 reads 10 ms, its own
 * resolution).
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

export const LOOP_SAMPLE_MS = 500;

export interface LoopDelaySummary {
  count: number;
  /** Seconds; 0 when there were no samples. */
  min: number;
  max: number;
  mean: number;
  stddev: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface LoopDelayReader {
  /** The samples since the last take (or since the reader was opened), then forget them. */
  take(): LoopDelaySummary;
  close(): void;
}

const readers = new Set<RecordableHistogram>();
let timer: NodeJS.Timeout | undefined;
let lastMs = 0;

function tick(): void {
  const now = performance.now();
  // record() takes whole nanoseconds >= 1.
  const delayNs = Math.max(1, Math.round((now - lastMs - LOOP_SAMPLE_MS) * 1e6));
  lastMs = now;
  for (const histogram of readers) histogram.record(delayNs);
}

export function openLoopDelayReader(): LoopDelayReader {
  const histogram = createHistogram();
  readers.add(histogram);
  if (!timer) {
    lastMs = performance.now();
    timer = setInterval(tick, LOOP_SAMPLE_MS);
    timer.unref();
  }
  return {
    take() {
      const s = summarize(histogram);
      histogram.reset();
      return s;
    },
    close() {
      readers.delete(histogram);
      if (readers.size === 0) {
        clearInterval(timer);
        timer = undefined;
      }
    },
  };
}

function summarize(h: RecordableHistogram): LoopDelaySummary {
  if (h.count === 0) return { count: 0, min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 };
  const s = (ns: number) => ns / 1e9;
  return { count: h.count, min: s(h.min), max: s(h.max), mean: s(h.mean), stddev: s(h.stddev), p50: s(h.percentile(50)), p90: s(h.percentile(90)), p99: s(h.percentile(99)) };
}

const SUMMARY_GAUGES = [
  ['min', 'The minimum event-loop delay since the last scrape, in seconds (sampled every 500 ms).'],
  ['max', 'The maximum event-loop delay since the last scrape, in seconds (sampled every 500 ms).'],
  ['mean', 'The mean event-loop delay since the last scrape, in seconds (sampled every 500 ms).'],
  ['stddev', 'The standard deviation of the event-loop delay since the last scrape, in seconds.'],
  ['p50', 'The 50th percentile of the event-loop delay since the last scrape, in seconds.'],
  ['p90', 'The 90th percentile of the event-loop delay since the last scrape, in seconds.'],
  ['p99', 'The 99th percentile of the event-loop delay since the last scrape, in seconds.'],
] as const;

/** The `nodejs_eventloop_lag_*` gauges prom-client's defaults would register, fed by one reader. */
export function registerLoopDelayMetrics(registry: Registry): void {
  const reader = openLoopDelayReader();
  let immediateLag = 0;
  new Gauge({
    name: 'nodejs_eventloop_lag_seconds',
    help: 'Lag of the event loop in seconds, measured by a setImmediate at the previous scrape.',
    registers: [registry],
    collect() {
      this.set(immediateLag);
      const start = performance.now();
      setImmediate(() => (immediateLag = (performance.now() - start) / 1000));
      const summary = reader.take();
      for (const [stat, gauge] of gauges) gauge.set(summary[stat]);
    },
  });
  // Registered after the gauge whose collect() sets them: the registry reads metrics in order.
  const gauges = SUMMARY_GAUGES.map(([stat, help]) => [stat, new Gauge({ name: `nodejs_eventloop_lag_${stat}_seconds`, help, registers: [registry] })] as const);
}
