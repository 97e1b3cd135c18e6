/**
 * Metrics defined by user rules (`rules:` in the config). Several rules may feed one metric when
 * they agree on its type and labels. Every series carries `server` plus the rule's labels.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RuleConfig } from '../config/schema.ts';

export type RuleMetric = Counter<string> | Gauge<string> | Histogram<string>;

interface Entry {
  type: RuleConfig['type'];
  labelKey: string;
  metric: RuleMetric;
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
   */
  sync(rules: readonly RuleConfig[]): Map<string, RuleMetric> {
    const wanted = new Map<string, RuleConfig>();
    for (const rule of rules) if (!wanted.has(rule.metric)) wanted.set(rule.metric, rule);
    for (const [name, entry] of this.#entries) {
      const rule = wanted.get(name);
      if (!rule || rule.type !== entry.type || labelKey(rule) !== entry.labelKey) {
        this.#registry.removeSingleMetric(name);
        this.#entries.delete(name);
      }
    }
    const out = new Map<string, RuleMetric>();
    for (const [name, rule] of wanted) {
      let entry = this.#entries.get(name);
      if (!entry) {
        entry = { type: rule.type, labelKey: labelKey(rule), metric: createMetric(this.#registry, rule) };
        this.#entries.set(name, entry);
      }
      out.set(name, entry.metric);
    }
    return out;
  }

  list(): RuleMetric[] {
    return [...this.#entries.values()].map((e) => e.metric);
  }
}

function labelKey(rule: RuleConfig): string {
  return ['server', ...rule.labels].join(',');
}

function createMetric(registry: Registry, rule: RuleConfig): RuleMetric {
  const common = {
    name: rule.metric,
    help: rule.help ?? `User rule ${rule.name}.`,
    labelNames: ['server', ...rule.labels],
    registers: [registry],
  };
  if (rule.type === 'counter') return new Counter(common);
  if (rule.type === 'gauge') return new Gauge(common);
  return new Histogram(rule.buckets ? { ...common, buckets: rule.buckets } : common);
}
