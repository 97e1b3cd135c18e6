/**
 * Metrics defined by user rules (`rules:` in the config). Several rules may feed one metric when
 * they agree on its type and labels. Every series carries `server` plus the rule's labels.
 * Each metric's series are tracked in a SeriesTable (cap, expiry, label values in use).
 */
import type { Registry } from 'prom-client';
import type { RuleConfig } from '../config/schema.ts';
import { FastCounter, FastGauge, FastHistogram } from './fast.ts';
import { logMetrics } from './logs.ts';
import { SeriesTable, type RuleMetric } from './rule-series.ts';

export type { RuleMetric } from './rule-series.ts';

interface Entry {
  type: RuleConfig['type'];
  labelKey: string;
  table: SeriesTable;
}

export class RuleMetrics {
  readonly #registry: Registry;
  readonly #entries = new Map<string, Entry>();

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /**
   * Create or keep the metrics of `rules`; metrics no rule uses any more are unregistered.
   * A metric whose type or labels changed is recreated (its old values cannot fit the new shape).
   * When several rules feed one metric, the smallest `max_series` and the shortest `expire`
   * among them apply to it.
   */
  sync(rules: readonly RuleConfig[]): Map<string, SeriesTable> {
    const wanted = new Map<string, RuleConfig[]>();
    for (const rule of rules) wanted.set(rule.metric, [...(wanted.get(rule.metric) ?? []), rule]);
    for (const [name, entry] of this.#entries) {
      const rule = wanted.get(name)?.[0];
      if (!rule || rule.type !== entry.type || labelKey(rule) !== entry.labelKey) {
        this.#registry.removeSingleMetric(name);
        this.#entries.delete(name);
      }
    }
    const out = new Map<string, SeriesTable>();
    for (const [name, feeding] of wanted) {
      const rule = feeding[0]!;
      let entry = this.#entries.get(name);
      if (!entry) {
        entry = { type: rule.type, labelKey: labelKey(rule), table: this.#createTable(rule) };
        this.#entries.set(name, entry);
      }
      const expires = feeding.map((r) => r.expire).filter((ms): ms is number => ms !== undefined);
      entry.table.configure(Math.min(...feeding.map((r) => r.max_series)), expires.length > 0 ? Math.min(...expires) : undefined, rule.name);
      out.set(name, entry.table);
    }
    return out;
  }

  list(): RuleMetric[] {
    return [...this.#entries.values()].map((e) => e.table.metric);
  }

  /** Count series restored into the metrics (counter snapshot) against their caps. */
  adopt(nowMs = Date.now()): void {
    for (const entry of this.#entries.values()) entry.table.adopt(nowMs);
  }

  #createTable(rule: RuleConfig): SeriesTable {
    const dropped = logMetrics(this.#registry).rulesDropped;
    let table: SeriesTable | undefined;
    // Expiry runs when the metric is scraped: removed series must not reach the exposition.
    const collect = () => {
      if (!table) return;
      if (table.drifted()) table.adopt(Date.now());
      table.sweep(Date.now());
    };
    table = new SeriesTable(createMetric(this.#registry, rule, collect), rule.labels, (name) => dropped.inc({ rule: name, reason: 'series_limit' }));
    return table;
  }
}

function labelKey(rule: RuleConfig): string {
  return ['server', ...rule.labels].join(',');
}

function createMetric(registry: Registry, rule: RuleConfig, collect: () => void): RuleMetric {
  const common = {
    name: rule.metric,
    help: rule.help ?? `User rule ${rule.name}.`,
    labelNames: ['server', ...rule.labels],
    registers: [registry],
    collect,
  };
  if (rule.type === 'counter') return new FastCounter(common);
  if (rule.type === 'gauge') return new FastGauge(common);
  return new FastHistogram(rule.buckets ? { ...common, buckets: rule.buckets } : common);
}
