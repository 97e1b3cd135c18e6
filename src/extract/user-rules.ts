/**
 * User rules (`rules:` in the config): a regex with named captures; captures become labels
 * (bounded per label and per metric, see SeriesTable) and the value. Applied to log lines and
 * command replies. No eval: the only user input that runs is the regex, compiled by the
 * JavaScript engine.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { RuleConfig } from '../config/schema.ts';
import type { LogMetrics } from '../metrics/logs.ts';
import type { SeriesTable } from '../metrics/rule-series.ts';
import type { RuleMetric } from '../metrics/rules.ts';

export interface CompiledRule {
  readonly config: RuleConfig;
  readonly re: RegExp;
  readonly metric: RuleMetric;
  /** The metric's live series (shared by every rule feeding the metric). */
  readonly series: SeriesTable;
  readonly firstLine?: RegExp;
}

export function compileRule(config: RuleConfig, series: SeriesTable): CompiledRule {
  return {
    config,
    // The config loader already rejected invalid regexes; `g`/`y` are never allowed (stateful).
    re: new RegExp(config.match, config.flags),
    metric: series.metric,
    series,
    ...(config.multiline ? { firstLine: new RegExp(config.multiline.first_line, config.flags) } : {}),
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
  const { config, series } = rule;
  metrics.pending.matchCell(server, config.name).n++;
  const groups = m.groups ?? {};
  const labels: Record<string, string> = { server };
  for (const name of config.labels) labels[name] = groups[name] ?? '';
  const key = series.key(labels);
  const action = config.action ?? defaultAction(config.type);
  if (action === 'delete') {
    series.delete(key, labels);
    return true;
  }
  let value = 1;
  if (config.value) {
    value = Number(groups[config.value]);
    if (!Number.isFinite(value) || (config.type === 'counter' && value < 0)) {
      metrics.rulesDropped.inc({ rule: config.name, reason: 'bad_value' });
      return true;
    }
  }
  // The wall clock, as the expiry sweep on scrape sees it (a line's atMs may be simulated: parse).
  const nowMs = Date.now();
  const target = series.touch(key, nowMs) ?? series.create(key, labels, config.name, config.max_label_values, nowMs);
  if (!target) {
    metrics.rulesDropped.inc({ rule: config.name, reason: 'cardinality' });
    return true;
  }
  if (config.timestamp && config.type === 'gauge') {
    const at = parseTimestamp(groups[config.timestamp.capture], config.timestamp.format);
    if (at !== undefined) {
      if ((target.lineTimeMs ?? -Infinity) > at) return true; // an older line never overwrites a newer value
      target.lineTimeMs = at;
    }
  }
  switch (action) {
    // `value` is 1 without a value capture: inc and dec step by one, add and inc by the capture.
    case 'inc':
    case 'add':
      (rule.metric as Counter | Gauge).inc(labels, value);
      break;
    case 'set':
      (rule.metric as Gauge).set(labels, value);
      break;
    case 'dec':
      (rule.metric as Gauge).dec(labels, value);
      break;
    case 'observe':
      (rule.metric as Histogram).observe(labels, value);
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
