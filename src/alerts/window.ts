/**
 * Increases of counters over a sliding window (the in-agent counterpart of PromQL's
 * increase(x[5m])): snapshots of summed counter values, the oldest kept just beyond the window.
 */
export class CounterWindow {
  readonly #windowMs: number;
  #snapshots: Array<{ atMs: number; values: Map<string, number> }> = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  push(atMs: number, values: Map<string, number>): void {
    this.#snapshots.push({ atMs, values });
    while (this.#snapshots.length > 2 && this.#snapshots[1]!.atMs <= atMs - this.#windowMs) this.#snapshots.shift();
  }

  /** Increase per key between the oldest and newest snapshot; a counter that went down restarted from 0. */
  increases(): Map<string, number> {
    const out = new Map<string, number>();
    const first = this.#snapshots[0];
    const last = this.#snapshots.at(-1);
    if (!first || !last || first === last) return out;
    for (const [key, value] of last.values) {
      const before = first.values.get(key) ?? 0;
      out.set(key, value >= before ? value - before : value);
    }
    return out;
  }

  /** Seconds between the oldest and newest snapshot (0 until two exist). */
  spanSeconds(): number {
    const first = this.#snapshots[0];
    const last = this.#snapshots.at(-1);
    return first && last ? (last.atMs - first.atMs) / 1000 : 0;
  }
}

/**
 * Prometheus' histogram_quantile over bucket increases: `buckets` maps upper bound (Infinity
 * for +Inf) to cumulative count. undefined when there were no observations.
 */
export function histogramQuantile(q: number, buckets: Map<number, number>): number | undefined {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0 || sorted.at(-1)![0] !== Infinity) return undefined;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (bound === Infinity) return prevBound;
      return prevBound + ((bound - prevBound) * (rank - prevCount)) / (count - prevCount || 1);
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}
