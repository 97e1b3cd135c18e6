/**
 * CATALOGUE section D: self-metrics of log tailing and extraction. One set per registry, shared
 * by the extraction engine (rule matches) and the log source (files, lines, rotations).
 *
 * Per-line counts are accumulated in plain numbers and pushed into prom-client on scrape: a
 * labelled `inc()` per line would cost more than the regexes on the hot path. Per-server series
 * use the Map-backed metrics of fast.ts (about 12 series per server).
 */
import type { Registry } from 'prom-client';
import type { ServerConfig } from '../config/schema.ts';
import { FastCounter, FastGauge } from './fast.ts';
import { hasConsoleStream } from './commands.ts';

export const DROP_REASONS = ['too_long'] as const;
export const ROTATION_KINDS = ['rotate', 'truncate'] as const;
export const READ_ERROR_REASONS = ['permission', 'not_found', 'io'] as const;
export type ReadErrorReason = (typeof READ_ERROR_REASONS)[number];
export const SKIP_REASONS = ['not_regular', 'limit'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
/** The reasons read errors are counted under: a file gone between scan and open is not an error. */
const COUNTED_READ_ERRORS: readonly ReadErrorReason[] = ['permission', 'io'];

function createLogMetrics(registry: Registry) {
  const registers = [registry];
  const pending = new PendingCounts();
  /** Computes gust_log_lag_bytes at scrape time (registered by the log source). */
  const lagProviders = new Set<() => void>();
  const metrics = {
    filesWatched: new FastGauge({ name: 'gust_log_files_watched', help: 'Log files currently followed.', registers }),
    filesSkipped: new FastGauge({
      name: 'gust_log_files_skipped',
      help: 'Paths matched by a log glob but not followed: not_regular (FIFO, device, socket) or limit (over log_files.max_followed).',
      labelNames: ['reason'],
      registers,
    }),
    lines: new FastCounter({ name: 'gust_log_lines_total', help: 'Complete lines read from log files.', labelNames: ['server'], registers, collect: () => pending.flush() }),
    bytes: new FastCounter({ name: 'gust_log_bytes_total', help: 'Bytes read from log files.', labelNames: ['server'], registers, collect: () => pending.flush() }),
    dropped: new FastCounter({ name: 'gust_log_lines_dropped_total', help: 'Lines skipped or truncated (too_long: over max_line_length).', labelNames: ['server', 'reason'], registers }),
    invalidEncoding: new FastCounter({ name: 'gust_log_lines_invalid_encoding_total', help: 'Lines with bytes that are not valid UTF-8 (decoded with U+FFFD, still processed).', labelNames: ['server'], registers }),
    rotations: new FastCounter({ name: 'gust_log_rotations_total', help: 'Log rotations seen: rotate (rename, delete/recreate, symlink swap) or truncate (copytruncate).', labelNames: ['server', 'kind'], registers }),
    lagBytes: new FastGauge({
      name: 'gust_log_lag_bytes',
      help: 'Bytes behind the end of the followed files (not yet processed).',
      labelNames: ['server'],
      registers,
      collect: () => lagProviders.forEach((provide) => provide()),
    }),
    lagProviders,
    ruleMatches: new FastCounter({
      name: 'gust_log_rule_matches_total',
      help: 'Lines (or command replies) matched by an extraction rule, built-in or user-defined.',
      labelNames: ['server', 'rule'],
      registers,
      collect: () => pending.flush(),
    }),
    unmatched: new FastCounter({ name: 'gust_log_lines_unmatched_total', help: 'Lines that matched no extraction rule.', labelNames: ['server'], registers, collect: () => pending.flush() }),
    readErrors: new FastCounter({ name: 'gust_log_read_errors_total', help: 'Errors opening, stating or reading log files.', labelNames: ['server', 'reason'], registers }),
    checkpointAge: new FastGauge({ name: 'gust_log_checkpoint_age_seconds', help: 'Seconds since the positions and counter snapshot were last written.', registers }),
    checkpointFailures: new FastCounter({ name: 'gust_log_checkpoint_failures_total', help: 'Checkpoint problems: corrupt (ignored at start) or write (could not be saved).', labelNames: ['reason'], registers }),
    watchFallback: new FastGauge({ name: 'gust_log_watch_fallback', help: 'Whether file watching failed (ENOSPC/EMFILE) and the source relies on polling only (1).', registers }),
    rulesDropped: new FastCounter({ name: 'gust_rule_samples_dropped_total', help: 'User-rule samples dropped: cardinality (label over max_label_values), bad_value (capture not a number) or series_limit (a series evicted past max_series).', labelNames: ['rule', 'reason'], registers }),
    pending,
  };
  pending.bind(metrics);
  for (const reason of ['corrupt', 'write']) metrics.checkpointFailures.inc({ reason }, 0);
  return metrics;
}
export type LogMetrics = ReturnType<typeof createLogMetrics>;

type SeriesInputs = Pick<ServerConfig, 'id' | 'logs' | 'rcon' | 'commands'>;

function pendingSeriesOf(server: SeriesInputs): { files: boolean; unmatched: boolean } {
  const files = server.logs.length > 0;
  return { files, unmatched: files || hasConsoleStream(server) };
}

/** Hot-path counts kept as numbers until the next scrape (or an explicit flush). */
export class PendingCounts {
  #metrics: LogMetrics | undefined;
  readonly #lines = new Map<string, number>();
  readonly #bytes = new Map<string, number>();
  readonly #unmatched = new Map<string, MatchCell>();
  readonly #matches = new Map<string, MatchCell>();

  bind(metrics: LogMetrics): void {
    this.#metrics = metrics;
  }

  lines(server: string, lines: number, bytes: number): void {
    this.#lines.set(server, (this.#lines.get(server) ?? 0) + lines);
    this.#bytes.set(server, (this.#bytes.get(server) ?? 0) + bytes);
  }

  /** The count cell of lines no rule matched on `server`; callers do `cell.n++`. */
  unmatchedCell(server: string): MatchCell {
    let cell = this.#unmatched.get(server);
    if (!cell) {
      cell = { server, rule: '', n: 0 };
      this.#unmatched.set(server, cell);
    }
    return cell;
  }

  /** The count cell of a (server, rule) pair; callers keep it and do `cell.n++` per match. */
  matchCell(server: string, rule: string): MatchCell {
    const key = `${server}\u0000${rule}`;
    let cell = this.#matches.get(key);
    if (!cell) {
      cell = { server, rule, n: 0 };
      this.#matches.set(key, cell);
    }
    return cell;
  }

  /**
   * Start at 0 the series a server's config can move (CONVENTIONS: a label set that can occur
   * starts at 0): file series only with `logs:`, unmatched lines also for a WebRCON console
   * stream. Idempotent: a reload calls it again, with the running config as `previous`.
   */
  init(server: SeriesInputs, previous?: SeriesInputs): void {
    const m = this.#metrics!;
    const labels = { server: server.id };
    const { files, unmatched } = pendingSeriesOf(server);
    if (previous) {
      const before = pendingSeriesOf(previous);
      if (before.files === files && before.unmatched === unmatched) return;
    }
    if (files) {
      m.lines.inc(labels, 0);
      m.bytes.inc(labels, 0);
      m.invalidEncoding.inc(labels, 0);
      for (const reason of DROP_REASONS) m.dropped.inc({ ...labels, reason }, 0);
      for (const kind of ROTATION_KINDS) m.rotations.inc({ ...labels, kind }, 0);
      for (const reason of COUNTED_READ_ERRORS) m.readErrors.inc({ ...labels, reason }, 0);
    }
    if (unmatched) m.unmatched.inc(labels, 0);
  }

  flush(): void {
    const m = this.#metrics!;
    for (const [server, n] of this.#lines) if (n) m.lines.inc({ server }, n);
    for (const [server, n] of this.#bytes) if (n) m.bytes.inc({ server }, n);
    for (const cell of this.#unmatched.values()) {
      if (cell.n) m.unmatched.inc({ server: cell.server }, cell.n);
      cell.n = 0;
    }
    for (const cell of this.#matches.values()) {
      if (cell.n) m.ruleMatches.inc({ server: cell.server, rule: cell.rule }, cell.n);
      cell.n = 0;
    }
    this.#lines.clear();
    this.#bytes.clear();
  }
}

export interface MatchCell {
  readonly server: string;
  readonly rule: string;
  n: number;
}

const byRegistry = new WeakMap<Registry, LogMetrics>();

/** The section D metrics of a registry, created on first use. */
export function logMetrics(registry: Registry): LogMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = createLogMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
