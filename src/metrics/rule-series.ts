/**
 * The live series of one user-rule metric (TAILING.md behaviour 19): a cap per metric that
 * evicts the least recently updated series, idle expiry, and per label the values that still
 * have a series (what `max_label_values` counts, so values of removed series free their place).
 *
 * Series sit in a Map in update order (an update moves its entry to the end, at most once a
 * second per series: the move costs more than the rest of a match): eviction and expiry only
 * ever look at the head, so a line costs O(1) and a sweep O(expired series). Both are exact
 * to within that second.
 */
import { seriesCount, type FastMetric } from './fast.ts';

export type RuleMetric = FastMetric;

type Labels = Record<string, string>;

/** How often a series busy with updates moves to the end of the update order. */
const MOVE_EVERY_MS = 1_000;

export interface Series {
  readonly labels: Labels;
  /** Unix ms of the last update (when the line was processed, not the line's own time). */
  updatedMs: number;
  /** Unix ms of the last move to the end of the table (its place in the update order). */
  movedMs: number;
  /** Gauges with `timestamp:`: the newest line time applied (older lines never overwrite it). */
  lineTimeMs?: number;
}

export class SeriesTable {
  /** Series of this metric (all servers) before the least recently updated one is evicted (set by configure()). */
  maxSeries = Infinity;
  /** Remove series not updated for this long; undefined = never. */
  expireMs: number | undefined;
  /** The rule named in the drop counter for evictions no new series caused (a lowered cap, a restore). */
  owner = '';
  readonly metric: RuleMetric;
  /** The rule labels (without `server`), in the metric's order. */
  readonly labelNames: readonly string[];
  readonly #series = new Map<string, Series>();
  /** Per label: value -> how many live series carry it. */
  readonly #values = new Map<string, Map<string, number>>();
  readonly #evicted: (rule: string) => void;

  constructor(metric: RuleMetric, labelNames: readonly string[], evicted: (rule: string) => void) {
    this.metric = metric;
    this.labelNames = labelNames;
    for (const name of labelNames) this.#values.set(name, new Map());
    this.#evicted = evicted;
  }

  get size(): number {
    return this.#series.size;
  }

  /** A unique key of a label set (values length-prefixed: any character may occur in a capture). */
  key(labels: Labels): string {
    let key = labels.server!;
    if (this.labelNames.length === 0) return key;
    for (const name of this.labelNames) {
      const value = labels[name] ?? '';
      key += `\u0000${value.length}:${value}`;
    }
    return key;
  }

  /** The series at `key`, marked as updated at `nowMs`; undefined when there is none. */
  touch(key: string, nowMs: number): Series | undefined {
    const series = this.#series.get(key);
    if (!series) return undefined;
    series.updatedMs = nowMs;
    if (nowMs - series.movedMs >= MOVE_EVERY_MS) {
      this.#series.delete(key);
      this.#series.set(key, series);
      series.movedMs = nowMs;
    }
    return series;
  }

  /**
   * A new series for `labels`, or undefined when a label value would be one more than
   * `maxLabelValues` distinct values with a live series. Past `maxSeries`, the least recently
   * updated series is removed and counted against `rule`.
   */
  create(key: string, labels: Labels, rule: string, maxLabelValues: number, nowMs: number): Series | undefined {
    this.#expireHead(nowMs);
    for (const name of this.labelNames) {
      const values = this.#values.get(name)!;
      if (!values.has(labels[name] ?? '') && values.size >= maxLabelValues) return undefined;
    }
    this.#trim(this.maxSeries - 1, rule);
    const series: Series = { labels, updatedMs: nowMs, movedMs: nowMs };
    this.#add(key, series);
    return series;
  }

  /** Remove the series of `labels` (a rule's `action: delete`). */
  delete(key: string, labels: Labels): void {
    if (this.#series.has(key)) this.#remove(key);
    else this.metric.remove(labels);
  }

  /** Apply changed settings: a lowered cap evicts at once. */
  configure(maxSeries: number, expireMs: number | undefined, owner: string): void {
    this.maxSeries = maxSeries;
    this.expireMs = expireMs;
    this.owner = owner;
    this.#trim(maxSeries, owner);
  }

  /** Remove the series idle for longer than `expireMs` (on every scrape). */
  sweep(nowMs: number): void {
    this.#expireHead(nowMs, Infinity);
  }

  /**
   * Take in series that reached the metric without this table (restored from the counter
   * snapshot): they count against the cap and hold their label values, updated as of `nowMs`.
   */
  adopt(nowMs: number): void {
    const present = new Set<string>();
    for (const entry of this.metric.entries()) {
      const labels: Labels = {};
      for (const [name, value] of Object.entries(entry.labels)) labels[name] = String(value);
      const key = this.key(labels);
      present.add(key);
      if (!this.#series.has(key)) this.#add(key, { labels, updatedMs: nowMs, movedMs: nowMs });
    }
    for (const key of this.#series.keys()) if (!present.has(key)) this.#forget(key);
    this.#trim(this.maxSeries, this.owner);
  }

  /** Whether the metric and this table disagree on how many series there are (cheap enough once per scrape). */
  drifted(): boolean {
    return seriesCount(this.metric) !== this.#series.size;
  }

  /** Evict the least recently updated series until at most `limit` remain. */
  #trim(limit: number, rule: string): void {
    while (this.#series.size > Math.max(0, limit)) {
      this.#remove(this.#series.keys().next().value!);
      this.#evicted(rule);
    }
  }

  /**
   * Expired series at the head; `max` bounds the work done on the hot path. Behind a head that
   * is not expired, a series is at most MOVE_EVERY_MS past its expiry (see touch()).
   */
  #expireHead(nowMs: number, max = 2): void {
    if (this.expireMs === undefined) return;
    for (let n = 0; n < max; n++) {
      const first = this.#series.entries().next();
      if (first.done || nowMs - first.value[1].updatedMs <= this.expireMs) return;
      this.#remove(first.value[0]);
    }
  }

  #add(key: string, series: Series): void {
    this.#series.set(key, series);
    for (const name of this.labelNames) {
      const values = this.#values.get(name)!;
      const value = series.labels[name] ?? '';
      values.set(value, (values.get(value) ?? 0) + 1);
    }
  }

  #remove(key: string): void {
    const series = this.#series.get(key)!;
    this.#forget(key);
    this.metric.remove(series.labels);
  }

  /** Drop the series from the table only (the metric no longer has it, or is about to lose it). */
  #forget(key: string): void {
    const series = this.#series.get(key)!;
    this.#series.delete(key);
    for (const name of this.labelNames) {
      const values = this.#values.get(name)!;
      const value = series.labels[name] ?? '';
      const n = values.get(value)! - 1;
      if (n > 0) values.set(value, n);
      else values.delete(value);
    }
  }
}
