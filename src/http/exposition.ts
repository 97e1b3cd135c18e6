/**
 * The Prometheus text exposition of a registry, byte for byte what prom-client's
 * `registry.metrics()` writes, but several times faster on large registries: prom-client
 * allocates a label array, a spread copy and a WeakMap entry per series, which made a
 * 2,000-server scrape take ~450 ms (bench scenario 1). Label strings are built once per
 * series with plain concatenation here, and metrics of src/metrics/fast.ts hand over finished
 * lines whose label text they keep between scrapes.
 */
import { Registry } from 'prom-client';
import { isSelfRendering } from '../metrics/fast.ts';
import { escapeString, labelText, valueString, type LabelSet } from '../metrics/text-format.ts';

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
  // Every line into one array, joined once: a 2,000-server exposition is ~7 MB.
  const blocks = await Promise.all(
    metrics.map(async (m): Promise<string[] | string> => {
      if (!isSelfRendering(m) || defaultLabels) return renderMetric(await (m.getForPromString ? m.getForPromString() : m.get()), defaultLabels);
      const lines: string[] = [];
      await m.renderLines(lines);
      return lines;
    }),
  );
  const all: string[] = [];
  for (const block of blocks) {
    if (all.length > 0) all.push(''); // families are separated by an empty line, as prom-client does
    if (typeof block === 'string') all.push(block);
    else for (const line of block) all.push(line);
  }
  all.push('');
  return all.join('\n');
}

function renderMetric(metric: ExportedMetric, defaultLabels: LabelSet | undefined): string {
  const name = escapeString(metric.name);
  const lines = [`# HELP ${name} ${escapeString(metric.help)}`, `# TYPE ${name} ${metric.type}`];
  for (const val of metric.values ?? []) {
    let labels = val.labels ?? {};
    if (defaultLabels) labels = { ...labels, ...defaultLabels, ...labels };
    const shared = val.sharedLabels;
    const own = labelText(labels, shared);
    const sharedText = shared ? labelText(shared) : '';
    const text = own && sharedText ? `${own},${sharedText}` : own || sharedText;
    lines.push(`${val.metricName ?? name}${text ? `{${text}}` : ''} ${valueString(val.value)}`);
  }
  return lines.join('\n');
}
