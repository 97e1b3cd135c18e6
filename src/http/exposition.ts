/**
 * The Prometheus text exposition of a registry, byte for byte what prom-client's
 * `registry.metrics()` writes, but several times faster on large registries: prom-client
 * allocates a label array, a spread copy and a WeakMap entry per series, which made a
 * 2,000-server scrape take ~450 ms (bench scenario 1). Label strings are built once per
 * series with plain concatenation here.
 */
import { Registry } from 'prom-client';

interface ExportedValue {
  value: number;
  labels?: Record<string, string | number>;
  sharedLabels?: Record<string, string | number>;
  metricName?: string;
}

interface ExportedMetric {
  name: string;
  help: string;
  type: string;
  values?: ExportedValue[];
}

interface PromMetric {
  get(): Promise<ExportedMetric> | ExportedMetric;
  getForPromString?(): Promise<ExportedMetric> | ExportedMetric;
}

export async function renderExposition(registry: Registry): Promise<string> {
  if (registry.contentType !== Registry.PROMETHEUS_CONTENT_TYPE) return registry.metrics();
  const defaults = (registry as unknown as { _defaultLabels: Record<string, string | number> })._defaultLabels;
  const defaultLabels = Object.keys(defaults).length > 0 ? defaults : undefined;
  const metrics = registry.getMetricsAsArray() as unknown as PromMetric[];
  const exported = await Promise.all(metrics.map((m) => (m.getForPromString ? m.getForPromString() : m.get())));
  const blocks = exported.map((metric) => renderMetric(metric, defaultLabels));
  return `${blocks.join('\n\n')}\n`;
}

function renderMetric(metric: ExportedMetric, defaultLabels: Record<string, string | number> | undefined): string {
  const name = escapeString(metric.name);
  const lines = [`# HELP ${name} ${escapeString(metric.help)}`, `# TYPE ${name} ${metric.type}`];
  for (const val of metric.values ?? []) {
    let labels = val.labels ?? {};
    if (defaultLabels) labels = { ...labels, ...defaultLabels, ...labels };
    const shared = val.sharedLabels;
    let labelText = '';
    for (const key in labels) {
      if (shared && Object.hasOwn(shared, key)) continue;
      labelText += `${labelText ? ',' : ''}${key}="${escapeLabelValue(labels[key]!)}"`;
    }
    if (shared) {
      for (const key in shared) labelText += `${labelText ? ',' : ''}${key}="${escapeLabelValue(shared[key]!)}"`;
    }
    lines.push(`${val.metricName ?? name}${labelText ? `{${labelText}}` : ''} ${valueString(val.value)}`);
  }
  return lines.join('\n');
}

function valueString(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

// Almost no label value needs escaping: one test instead of three replaces per value.
const NEEDS_LABEL_ESCAPE = /[\\\n"]/;

function escapeLabelValue(value: string | number): string | number {
  if (typeof value !== 'string' || !NEEDS_LABEL_ESCAPE.test(value)) return value;
  return escapeString(value).replace(/"/g, '\\"');
}

function escapeString(str: string): string {
  return str.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
