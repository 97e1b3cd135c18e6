/**
 * Requests of the last minute (time, duration, status) for GET /api/v1/summary: rate,
 * average and p95 latency and error ratio without reading the Prometheus registry back.
 * Bounded: at most MAX_SAMPLES are kept (the oldest go first).
 */
const WINDOW_MS = 60_000;
const MAX_SAMPLES = 10_000;

interface Sample {
  atMs: number;
  durationMs: number;
  status: number;
}

export interface WindowSummary {
  window_seconds: number;
  count: number;
  per_second: number;
  avg_latency_ms: number | null;
  p95_latency_ms: number | null;
  /** Share of 5xx answers (same definition as gust:http_errors:ratio_rate5m). */
  error_rate: number | null;
}

export class RequestWindow {
  readonly #samples: Sample[] = [];
  readonly #startedMs: number;

  constructor(nowMs = Date.now()) {
    this.#startedMs = nowMs;
  }

  record(durationMs: number, status: number, nowMs = Date.now()): void {
    this.#samples.push({ atMs: nowMs, durationMs, status });
    if (this.#samples.length > MAX_SAMPLES) this.#samples.splice(0, this.#samples.length - MAX_SAMPLES);
  }

  summary(nowMs = Date.now()): WindowSummary {
    const from = nowMs - WINDOW_MS;
    const firstInWindow = this.#samples.findIndex((s) => s.atMs >= from);
    this.#samples.splice(0, firstInWindow === -1 ? this.#samples.length : firstInWindow);
    const samples = this.#samples;
    // Right after start the window is shorter than a minute: divide by what was observed.
    const seconds = Math.max(1, Math.min(WINDOW_MS, nowMs - this.#startedMs)) / 1000;
    const durations = samples.map((s) => s.durationMs).sort((a, b) => a - b);
    const n = durations.length;
    return {
      window_seconds: WINDOW_MS / 1000,
      count: n,
      per_second: n / seconds,
      avg_latency_ms: n ? durations.reduce((a, b) => a + b, 0) / n : null,
      p95_latency_ms: n ? durations[Math.min(n - 1, Math.ceil(0.95 * n) - 1)]! : null,
      error_rate: n ? samples.filter((s) => s.status >= 500).length / n : null,
    };
  }
}
