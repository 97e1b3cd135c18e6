/** Reads sample values out of a Prometheus text exposition. */

/** Values of every series of `metric` (any labels). */
export function seriesValues(exposition: string, metric: string): number[] {
  const values: number[] = [];
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const rest = line.slice(metric.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!Number.isNaN(value)) values.push(value);
  }
  return values;
}
