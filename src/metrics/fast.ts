/**
 * prom-client's Counter, Gauge and Histogram with their series kept in a Map instead of the
 * `hashMap` object, plus the text of each series' name and labels kept once.
 *
 * Why: at 2,000 servers the agent exports ~100k labelled series. prom-client keys them in a
 * plain object, which V8 turns into a dictionary: Object.values() on 18k entries takes ~12 ms
 * (a Map iterates them in 0.25 ms), every set() hashes sorted label names, and every scrape
 * rebuilt every label string. The exposition writer (src/http/exposition.ts) asks these
 * metrics for finished lines instead. The public API (inc, set, dec, observe, remove, reset,
 * labels, get, startTimer) and the text are those of prom-client, so both can be mixed in a
 * registry. Their series can also be read synchronously (entries()), which the log checkpoint
 * needs and prom-client offers only through its private `hashMap`.
 */
import { Counter, Gauge, Histogram, type CounterConfiguration, type HistogramConfiguration } from 'prom-client';
import { escapeString, labelText, valueString, type LabelSet } from './text-format.ts';

/** What callers pass: prom-client's label objects may hold undefined (= label not set). */
type Labels = Partial<Record<string, string | number>>;

interface Series {
  labels: LabelSet;
  value: number;
  /** `name{labels} `: built on the first scrape, then reused. */
  prefix?: string;
  /** The block of exposition text this series is rendered in. */
  block?: Block;
}

/**
 * Up to BLOCK_SERIES consecutive series and their rendered lines. A scrape re-renders only the
 * blocks whose series changed since the previous one and hands over the others' text as it is:
 * at 2,000 servers most of ~100k series (failure reasons, events, rotations at 0, up, info)
 * do not change between two scrapes, and building their ~7 MB of lines again cost most of a
 * scrape's CPU and its garbage.
 */
interface Block {
  readonly series: Array<{ block?: Block }>;
  /** The lines of `series`, each ending in a newline; undefined when one of them changed. */
  text: string | undefined;
}

/** ~256 lines of ~70 bytes: ~18 KB per block, below V8's large-object size. */
const BLOCK_SERIES = 256;

interface Internals {
  name: string;
  help: string;
  type: string;
  labelNames: string[];
  aggregator: string;
  collect?: () => unknown;
}

/** What the exposition writer needs from a metric that renders its own text. */
export interface SelfRendering {
  /**
   * After the metric's collect() hook ran: its text as pieces (HELP and TYPE, then blocks of
   * lines), every line ending in a newline. Unchanged blocks are the same strings as last time.
   */
  renderText(pieces: string[]): Promise<void>;
}

export function isSelfRendering(metric: unknown): metric is SelfRendering {
  return metric instanceof FastCounter || metric instanceof FastGauge || metric instanceof FastHistogram;
}

/** One series of a FastHistogram: per-bucket (not cumulative) counts, in the order of the bounds. */
export interface HistogramSeries {
  labels: LabelSet;
  buckets: number[];
  sum: number;
  count: number;
}

/** A histogram series as the map holds it: its label text kept for rendering. */
interface HeldHistogramSeries extends HistogramSeries {
  block?: Block;
  text?: string;
}

/** A metric of this module: its series readable in the same tick (for checkpoints and rule caps). */
export type FastMetric = FastCounter | FastGauge | FastHistogram;

export function seriesCount(metric: FastMetric): number {
  return metric.series.map.size;
}

/** The series map and the operations the metric types share. */
class SeriesMap {
  readonly map = new Map<string, Series>();
  /** The series in map order, cut in blocks of rendered text. */
  readonly #blocks: Block[] = [];
  #header: string | undefined;

  constructor(private readonly metric: Internals) {}

  /** A metric without labels has its one series from the start, at 0 (as in prom-client). */
  static empty(metric: Internals): SeriesMap {
    const series = new SeriesMap(metric);
    if (metric.labelNames.length === 0) series.upsert({});
    return series;
  }

  /** remove(labels) or remove(...values in labelNames order), as prom-client accepts. */
  labelsOf(args: unknown[]): Labels {
    if (typeof args[0] === 'object' && args[0] !== null) return args[0] as Labels;
    const names = this.metric.labelNames;
    if (args.length !== names.length) throw new Error(`Invalid number of arguments (${args.length}) for label names (${names.length})`);
    return Object.fromEntries(names.map((n, i) => [n, args[i] as string]));
  }

  /** The series of `labels`, created at 0 when new. */
  upsert(labels: Labels): Series {
    return this.upsertWith(labels, (own) => ({ labels: own, value: 0 }));
  }

  /** The series of `labels`, created by `create` (given the defined labels) when new. */
  upsertWith<S extends { labels: LabelSet; block?: Block }>(labels: Labels, create: (own: LabelSet) => S): S {
    const key = this.key(labels);
    let series = this.map.get(key) as S | undefined;
    if (!series) {
      const own: LabelSet = {};
      for (const name in labels) if (labels[name] !== undefined) own[name] = labels[name];
      series = create(own);
      this.map.set(key, series as unknown as Series);
      let last = this.#blocks.at(-1);
      if (!last || last.series.length >= BLOCK_SERIES) this.#blocks.push((last = { series: [], text: undefined }));
      last.series.push(series);
      last.text = undefined;
      series.block = last;
    }
    return series;
  }

  /** Add `delta` to the value of `labels` (created at 0 when new). */
  add(labels: Labels, delta: number): void {
    const series = this.upsert(labels);
    if (delta === 0) return;
    series.value += delta;
    series.block!.text = undefined;
  }

  assign(labels: Labels, value: number): void {
    const series = this.upsert(labels);
    if (Object.is(series.value, value)) return;
    series.value = value;
    series.block!.text = undefined;
  }

  /** A histogram series was observed into: its block renders again. */
  changed(series: { block?: Block }): void {
    series.block!.text = undefined;
  }

  remove(labels: Labels): void {
    const key = this.key(labels);
    const series = this.map.get(key);
    if (!series) return;
    this.map.delete(key);
    const block = series.block!;
    block.series.splice(block.series.indexOf(series), 1);
    block.text = undefined;
    if (block.series.length === 0) this.#blocks.splice(this.#blocks.indexOf(block), 1);
  }

  value(labels: Labels): number {
    return this.map.get(this.key(labels))?.value ?? 0;
  }

  /** Keyed by label names and values in labelNames order (the same identity as prom-client's hash). */
  key(labels: Labels): string {
    const names = this.metric.labelNames;
    let count = 0;
    for (const name in labels) {
      if (!names.includes(name)) {
        throw new Error(`Added label "${name}" is not included in initial labelset: ${JSON.stringify(names)}`);
      }
      count++;
    }
    // One label (`server`, most per-server series): its value is the key, no string to build.
    if (names.length === 1 && count === 1) {
      const value = labels[names[0]!];
      if (value !== undefined) return typeof value === 'string' ? value : `${value}`;
    }
    let key = '\u0003';
    for (const name of names) {
      const value = labels[name];
      if (value !== undefined) key += `${name}\u0001${value}\u0002`;
    }
    return key;
  }

  /** The metric's collect() hook, awaited when it is async (as prom-client's get() does). */
  async collect(): Promise<void> {
    const v = this.metric.collect?.();
    if (v instanceof Promise) await v;
  }

  /** HELP, TYPE and the blocks of lines; `render` writes the lines of one series. */
  async renderText(pieces: string[], render: (series: Series, lines: string[]) => void): Promise<void> {
    const m = this.metric;
    await this.collect();
    this.#header ??= `# HELP ${escapeString(m.name)} ${escapeString(m.help)}\n# TYPE ${escapeString(m.name)} ${m.type}\n`;
    pieces.push(this.#header);
    for (const block of this.#blocks) {
      if (block.text === undefined) {
        const lines: string[] = [];
        for (const series of block.series) render(series as Series, lines);
        lines.push('');
        // join() writes one flat string: `+` would keep a tree of pieces per line alive (the heap
        // snapshot at 2,000 servers once held 1.1M such pieces, 34 MB).
        block.text = lines.join('\n');
      }
      pieces.push(block.text);
    }
  }

  /** `name{labels} value` of a counter or gauge series. */
  readonly renderValue = (s: Series, lines: string[]): void => {
    if (s.prefix === undefined) {
      const name = escapeString(this.metric.name);
      const text = labelText(s.labels);
      s.prefix = (text ? [name, '{', text, '} '] : [name, ' ']).join('');
    }
    lines.push(s.prefix + valueString(s.value));
  };

  async get() {
    const m = this.metric;
    await this.collect();
    const values = [...this.map.values()].map((s) => ({ value: s.value, labels: s.labels }));
    return { help: m.help, name: m.name, type: m.type, values, aggregator: m.aggregator };
  }
}

function splitArgs(labels: Labels | number | undefined, value: number | undefined): [Labels, number | undefined] {
  return typeof labels === 'object' && labels !== null ? [labels, value] : [{}, labels];
}

export class FastCounter<T extends string = string> extends Counter<T> implements SelfRendering {
  // Not initialised here: prom-client's constructor calls reset() before subclass fields exist.
  declare series: SeriesMap;

  constructor(config: CounterConfiguration<T>) {
    if (config.enableExemplars) throw new Error(`${config.name}: exemplars need prom-client's Counter`);
    super(config);
    // prom-client assigns `this.inc` in its constructor; the prototype's inc below must win.
    delete (this as { inc?: unknown }).inc;
  }

  // The exemplar form inc({ labelSet, value, exemplarLabelSet }) is refused by the constructor.
  override inc(labels?: Labels | number | object, value?: number): void {
    const [l, v] = splitArgs(labels as Labels | number | undefined, value);
    if (v && !Number.isFinite(v)) throw new TypeError(`Value is not a valid number: ${v}`);
    if (v !== undefined && v < 0) throw new Error('It is not possible to decrease a counter');
    this.series.add(l, v ?? 1);
  }

  override reset(): void {
    this.series = SeriesMap.empty(this as unknown as Internals);
  }

  override remove(...args: unknown[]): void {
    this.series.remove(this.series.labelsOf(args));
  }

  override async get() {
    return (await this.series.get()) as unknown as Awaited<ReturnType<Counter<T>['get']>>;
  }

  renderText(pieces: string[]): Promise<void> {
    return this.series.renderText(pieces, this.series.renderValue);
  }

  /** Every series, synchronously (log checkpoints copy counters in the tick they save offsets). */
  entries(): Iterable<{ labels: LabelSet; value: number }> {
    return this.series.map.values();
  }

  /** Every series after the collect() hook ran, as get() would give them but without copying them. */
  async collectedEntries(): Promise<Iterable<{ labels: LabelSet; value: number }>> {
    await this.series.collect();
    return this.series.map.values();
  }
}

export class FastGauge<T extends string = string> extends Gauge<T> implements SelfRendering {
  declare series: SeriesMap;

  override set(labels: Labels | number, value?: number): void {
    const [l, v] = splitArgs(labels, value);
    if (typeof v !== 'number') throw new TypeError(`Value is not a valid number: ${v}`);
    this.series.assign(l, v);
  }

  override inc(labels?: Labels | number, value?: number): void {
    const [l, v] = splitArgs(labels, value);
    this.series.add(l, v ?? 1);
  }

  override dec(labels?: Labels | number, value?: number): void {
    const [l, v] = splitArgs(labels, value);
    this.series.add(l, -(v ?? 1));
  }

  override reset(): void {
    this.series = SeriesMap.empty(this as unknown as Internals);
  }

  override remove(...args: unknown[]): void {
    this.series.remove(this.series.labelsOf(args));
  }

  override async get() {
    return (await this.series.get()) as unknown as Awaited<ReturnType<Gauge<T>['get']>>;
  }

  /** prom-client's internal reader (used by its own tests and some helpers). */
  _getValue(labels?: Labels): number {
    return this.series.value(labels ?? {});
  }

  renderText(pieces: string[]): Promise<void> {
    return this.series.renderText(pieces, this.series.renderValue);
  }

  entries(): Iterable<{ labels: LabelSet; value: number }> {
    return this.series.map.values();
  }

  async collectedEntries(): Promise<Iterable<{ labels: LabelSet; value: number }>> {
    await this.series.collect();
    return this.series.map.values();
  }
}

/**
 * Histogram series in a Map, rendered in blocks like the counters (only observed series'
 * blocks again). get() gives prom-client's own shape, so prom-client's registry renders the
 * same text.
 */
export class FastHistogram<T extends string = string> extends Histogram<T> implements SelfRendering {
  declare series: SeriesMap;
  declare readonly upperBounds: readonly number[];

  constructor(config: HistogramConfiguration<T>) {
    if (config.enableExemplars) throw new Error(`${config.name}: exemplars need prom-client's Histogram`);
    super(config);
    // prom-client assigns `this.observe` in its constructor; the prototype's observe below must win.
    delete (this as { observe?: unknown }).observe;
    this.reset(); // prom-client's constructor reset before the bounds were known
  }

  // The exemplar form observe({ labels, value, exemplarLabels }) is refused by the constructor.
  override observe(labels: Labels | number | object, value?: number): void {
    const [l, v] = splitArgs(labels as Labels | number, value);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`Value is not a valid number: ${v}`);
    const series = this.#upsert(l);
    series.sum += v;
    series.count += 1;
    const bucket = this.upperBounds.findIndex((bound) => v <= bound);
    if (bucket >= 0) series.buckets[bucket]! += 1;
    this.series.changed(series);
  }

  /** Add saved counts to the series of `labels` (a checkpoint restored after a restart). */
  add(labels: Labels, saved: { buckets: Record<string, number>; sum: number; count: number }): void {
    const series = this.#upsert(labels);
    this.upperBounds.forEach((bound, i) => (series.buckets[i]! += saved.buckets[String(bound)] ?? 0));
    series.sum += saved.sum;
    series.count += saved.count;
    this.series.changed(series);
  }

  override labels(...args: unknown[]) {
    const labels = this.series.labelsOf(args);
    return {
      observe: (value: number) => this.observe(labels, value),
      startTimer: () => this.startTimer(labels),
    } as unknown as ReturnType<Histogram<T>['labels']>;
  }

  /** Back to 0 in place (prom-client keeps the series where it was in the exposition). */
  override zero(labels: Labels): void {
    const series = this.#upsert(labels);
    series.buckets.fill(0);
    series.sum = 0;
    series.count = 0;
    this.series.changed(series);
  }

  override reset(): void {
    this.series = new SeriesMap(this as unknown as Internals);
    // Called by prom-client's constructor before the bounds exist; the constructor calls it again.
    if (this.upperBounds && (this as unknown as Internals).labelNames.length === 0) this.#upsert({});
  }

  override remove(...args: unknown[]): void {
    this.series.remove(this.series.labelsOf(args));
  }

  entries(): Iterable<HistogramSeries> {
    return this.series.map.values() as unknown as Iterable<HistogramSeries>;
  }

  renderText(pieces: string[]): Promise<void> {
    return this.series.renderText(pieces, this.#renderSeries);
  }

  /** prom-client's lines for one series: `le` first, then the series' labels. */
  readonly #renderSeries = (series: object, lines: string[]): void => {
    const s = series as HeldHistogramSeries;
    const name = escapeString((this as unknown as Internals).name);
    s.text ??= labelText(s.labels);
    const more = s.text ? `,${s.text}` : '';
    let acc = 0;
    this.upperBounds.forEach((bound, i) => {
      acc += s.buckets[i]!;
      lines.push(`${name}_bucket{le="${bound}"${more}} ${valueString(acc)}`);
    });
    const own = s.text ? `{${s.text}}` : '';
    lines.push(`${name}_bucket{le="+Inf"${more}} ${valueString(s.count)}`, `${name}_sum${own} ${valueString(s.sum)}`, `${name}_count${own} ${valueString(s.count)}`);
  };

  async getForPromString() {
    await this.series.collect();
    const m = this as unknown as Internals;
    // The shape of prom-client's getForPromString(), exemplar fields included (get() callers compare it).
    type Value = { labels: LabelSet; sharedLabels: LabelSet; value: number; metricName: string; exemplar: null | undefined };
    const values: Value[] = [];
    const bucket = `${m.name}_bucket`;
    for (const s of this.entries()) {
      let acc = 0;
      this.upperBounds.forEach((bound, i) => {
        acc += s.buckets[i]!;
        values.push({ labels: { le: bound }, value: acc, metricName: bucket, exemplar: null, sharedLabels: s.labels });
      });
      values.push(
        { labels: { le: '+Inf' }, value: s.count, metricName: bucket, exemplar: null, sharedLabels: s.labels },
        { labels: {}, value: s.sum, metricName: `${m.name}_sum`, exemplar: undefined, sharedLabels: s.labels },
        { labels: {}, value: s.count, metricName: `${m.name}_count`, exemplar: undefined, sharedLabels: s.labels },
      );
    }
    return { name: m.name, help: m.help, type: 'histogram' as const, values, aggregator: m.aggregator };
  }

  override async get() {
    const data = await this.getForPromString();
    const values = data.values.map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }));
    return { ...data, values } as unknown as Awaited<ReturnType<Histogram<T>['get']>>;
  }

  #upsert(labels: Labels): HeldHistogramSeries {
    return this.series.upsertWith(labels, (own): HeldHistogramSeries => ({ labels: own, buckets: this.upperBounds.map(() => 0), sum: 0, count: 0 }));
  }
}
