/** Pieces of the Prometheus text format, written exactly as prom-client writes them. */

export type LabelSet = Record<string, string | number>;

export function valueString(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

// Almost no label value needs escaping: one test instead of three replaces per value.
const NEEDS_LABEL_ESCAPE = /[\\\n"]/;

export function escapeLabelValue(value: string | number): string | number {
  if (typeof value !== 'string' || !NEEDS_LABEL_ESCAPE.test(value)) return value;
  return escapeString(value).replace(/"/g, '\\"');
}

export function escapeString(str: string): string {
  return str.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `k="v",k2="v2"` in the object's key order, skipping keys present in `skip`. */
export function labelText(labels: LabelSet, skip?: LabelSet): string {
  let text = '';
  for (const key in labels) {
    if (skip && Object.hasOwn(skip, key)) continue;
    text += `${text ? ',' : ''}${key}="${escapeLabelValue(labels[key]!)}"`;
  }
  return text;
}
