/**
 * User rules (`rules:` in the config): a regex with named captures; captures become labels
 * (bounded per label) and the value. Applied to log lines and command replies. No eval: the
 * only user input that runs is the regex, compiled by the JavaScript engine.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { RuleConfig } from '../config/schema.ts';
import type { LogMetrics } from '../metrics/logs.ts';
import type { RuleMetric } from '../metrics/rules.ts';

export interface CompiledRule {
  readonly config: RuleConfig;
  readonly re: RegExp;
  readonly metric: RuleMetric;
  readonly firstLine?: RegExp;
  /** Per label: the values seen so far (the cardinality cap counts them). */
  readonly seen: Map<string, Set<string>>;
  /** Per series: the newest line timestamp applied (gauges ignore older lines). */
  readonly lastTimestamp: Map<string, number>;
}

export function compileRule(config: RuleConfig, metric: RuleMetric): CompiledRule {
  return {
    config,
    // The config loader already rejected invalid regexes; `g`/`y` are never allowed (stateful).
    re: new RegExp(config.match, config.flags),
    metric,
    ...(config.multiline ? { firstLine: new RegExp(config.multiline.first_line, config.flags) } : {}),
    seen: new Map(config.labels.map((l) => [l, new Set<string>()])),
    lastTimestamp: new Map(),
  };
}

/** Whether this rule applies to `server` from `origin`. */
export function ruleApplies(rule: CompiledRule, server: string, origin: 'log' | 'command'): boolean {
  const { servers, sources } = rule.config;
  return sources.includes(origin) && (!servers || servers.includes(server));
}

/** Apply a rule to one text (a line, a multi-line record or a reply). Returns whether it matched. */
export function applyRule(rule: CompiledRule, server: string, text: string, metrics: LogMetrics): boolean {
  const m = rule.re.exec(text);
  if (!m) return false;
  metrics.pending.matchCell(server, rule.config.name).n++;
  const groups = m.groups ?? {};
  const labels: Record<string, string> = { server };
  for (const name of rule.config.labels) {
    const value = groups[name] ?? '';
    const seen = rule.seen.get(name)!;
    if (!seen.has(value)) {
      if (seen.size >= rule.config.max_label_values) {
        metrics.rulesDropped.inc({ rule: rule.config.name, reason: 'cardinality' });
        return true;
      }
      seen.add(value);
    }
    labels[name] = value;
  }
  let value = 1;
  if (rule.config.value) {
    value = Number(groups[rule.config.value]);
    if (!Number.isFinite(value) || (rule.config.type === 'counter' && value < 0)) {
      metrics.rulesDropped.inc({ rule: rule.config.name, reason: 'bad_value' });
      return true;
    }
  }
  const action = rule.config.action ?? defaultAction(rule.config.type);
  if (rule.config.timestamp && rule.config.type === 'gauge') {
    const at = parseTimestamp(groups[rule.config.timestamp.capture], rule.config.timestamp.format);
    if (at !== undefined) {
      const key = JSON.stringify(labels);
      if ((rule.lastTimestamp.get(key) ?? -Infinity) > at) return true; // an older line never overwrites a newer value
      rule.lastTimestamp.set(key, at);
    }
  }
  switch (action) {
    case 'inc':
      (rule.metric as Counter | Gauge).inc(labels, rule.config.value ? value : 1);
      break;
    case 'add':
      (rule.metric as Counter | Gauge).inc(labels, value);
      break;
    case 'set':
      (rule.metric as Gauge).set(labels, value);
      break;
    case 'dec':
      (rule.metric as Gauge).dec(labels, rule.config.value ? value : 1);
      break;
    case 'observe':
      (rule.metric as Histogram).observe(labels, value);
      break;
    case 'delete':
      rule.metric.remove(labels);
      break;
  }
  return true;
}

function defaultAction(type: RuleConfig['type']): NonNullable<RuleConfig['action']> {
  return type === 'counter' ? 'inc' : type === 'gauge' ? 'set' : 'observe';
}

function parseTimestamp(text: string | undefined, format: 'iso8601' | 'unix' | 'unix_ms'): number | undefined {
  if (!text) return undefined;
  const ms = format === 'iso8601' ? Date.parse(text) : format === 'unix' ? Number(text) * 1000 : Number(text);
  return Number.isFinite(ms) ? ms : undefined;
}
