/**
 * The one source of truth for alerting (CATALOGUE section H): every alert with its
 * thresholds taken from the `alerts:` config section. `gust-agent rules` renders these as
 * Prometheus rule files; the in-agent evaluator checks the same thresholds on its own state.
 */
import type { AlertsConfig } from '../config/schema.ts';
import { formatDuration } from '../config/units.ts';

export type Severity = 'critical' | 'warning' | 'info';

export interface AlertDefinition {
  alert: string;
  severity: Severity;
  /** Rule group in the rendered file. */
  group: 'gust-servers' | 'gust-commands' | 'gust-cache' | 'gust-agent' | 'gust-host' | 'gust-cluster';
  expr: string;
  forMs: number;
  summary: string;
  description: string;
}

export interface RecordingDefinition {
  record: string;
  group: 'gust-servers' | 'gust-commands' | 'gust-cache' | 'gust-http';
  expr: string;
}

/** Series of other jobs (node_exporter, Prometheus itself) also have process_* metrics: keep gust's. */
const ONLY_GUST = 'and on (job, instance) gust_build_info';
const MIB = 1024 ** 2;

const by = (labels: string) => `sum by (job, instance, ${labels})`;
const quantile = (q: number, metric: string, labels: string, selector: string) =>
  `histogram_quantile(${q}, ${by(`${labels}, le`)} (rate(${metric}_bucket${selector}[5m])))`;

/** Recording rules of CATALOGUE A, B, E, F (names level:metric:operation). */
export function recordingRules(): RecordingDefinition[] {
  const quantiles = (metric: string, record: string, labels: string, group: RecordingDefinition['group'], selector = '') =>
    ([['p50', 0.5], ['p95', 0.95], ['p99', 0.99]] as const).map(([name, q]) => ({
      record: `gust:${record}:${name}_5m`,
      group,
      expr: quantile(q, metric, labels, selector),
    }));
  return [
    { record: 'gust:players_fill:ratio', group: 'gust-servers', expr: 'gust_players_online / (gust_players_max > 0)' },
    ...quantiles('gust_command_duration_seconds', 'command_duration_seconds', 'server, command', 'gust-commands'),
    {
      record: 'gust:command_failure:ratio_rate5m',
      group: 'gust-commands',
      expr: `${by('server')} (rate(gust_command_failures_total[5m]))\n/\n${by('server')} (rate(gust_commands_total[5m]))`,
    },
    {
      record: 'gust:cache_hit:ratio_rate5m',
      group: 'gust-cache',
      expr:
        `${by('cache')} (rate(gust_cache_hits_total[5m]))\n/\n` +
        `(\n  ${by('cache')} (rate(gust_cache_hits_total[5m]))\n  +\n  ${by('cache')} (rate(gust_cache_misses_total[5m]))\n)`,
    },
    ...quantiles('gust_cache_operation_duration_seconds', 'cache_operation_duration_seconds', 'layer', 'gust-cache'),
    { record: 'gust:http_requests:rate5m', group: 'gust-http', expr: `${by('route')} (rate(gust_http_requests_total[5m]))` },
    {
      record: 'gust:http_errors:ratio_rate5m',
      group: 'gust-http',
      // `or ... * 0`: a route without any 5xx yet has ratio 0, not no data.
      expr:
        `(\n  ${by('route')} (rate(gust_http_requests_total{status_code=~"5.."}[5m]))\n  or\n  ${by('route')} (rate(gust_http_requests_total[5m])) * 0\n)\n/\n` +
        `${by('route')} (rate(gust_http_requests_total[5m]))`,
    },
    ...quantiles('gust_http_request_duration_seconds', 'http_request_duration_seconds', 'route', 'gust-http'),
  ];
}

/** Alerting rules of CATALOGUE H with the configured thresholds. */
export function alertDefinitions(cfg: AlertsConfig): AlertDefinition[] {
  const m = (minutes: number) => minutes * 60_000;
  const server = '{{ $labels.server }} on {{ $labels.instance }}';
  const pair = <T extends Omit<AlertDefinition, 'severity' | 'expr'>>(
    base: T,
    exprOf: (threshold: number) => string,
    levels: { warning: number; critical: number },
    forMs?: { warning: number; critical: number },
  ): AlertDefinition[] => [
    { ...base, severity: 'warning', expr: exprOf(levels.warning), forMs: forMs?.warning ?? base.forMs },
    { ...base, severity: 'critical', expr: exprOf(levels.critical), forMs: forMs?.critical ?? base.forMs },
  ];
  const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;

  return [
    {
      alert: 'GustAgentDown',
      severity: 'critical',
      group: 'gust-agent',
      expr: `up{job="${cfg.prometheus_job}"} == 0 or absent(up{job="${cfg.prometheus_job}"})`,
      forMs: m(5),
      summary: 'gust-agent {{ $labels.instance }} cannot be scraped',
      description: `Prometheus has not scraped gust-agent {{ $labels.instance }} (job "${cfg.prometheus_job}") successfully for 5 minutes: no game-server metrics from that host.`,
    },
    {
      alert: 'GustServerDown',
      severity: 'critical',
      group: 'gust-servers',
      expr: 'gust_server_up == 0 unless on (job, instance, server) gust_server_maintenance == 1',
      forMs: cfg.server_down_for,
      summary: 'Game server {{ $labels.server }} is down',
      description: `Game server ${server} has not answered its probes (or its process is gone) for ${formatDuration(cfg.server_down_for)}, outside planned maintenance.`,
    },
    {
      alert: 'GustPlayerCountStale',
      severity: 'warning',
      group: 'gust-servers',
      expr: `time() - max by (job, instance, server) (gust_server_last_success_timestamp_seconds) > ${cfg.player_count_stale_after / 1000}\nunless on (job, instance, server) gust_server_maintenance == 1`,
      forMs: m(5),
      summary: 'No fresh data from game server {{ $labels.server }}',
      description: `The last successful update from ${server} is {{ $value | humanizeDuration }} old (threshold ${formatDuration(cfg.player_count_stale_after)}): player counts shown are not current.`,
    },
    {
      alert: 'GustServerNearlyFull',
      severity: 'info',
      group: 'gust-servers',
      expr: `gust:players_fill:ratio >= ${cfg.server_nearly_full_ratio}`,
      forMs: m(10),
      summary: 'Game server {{ $labels.server }} is nearly full',
      description: `${server} is at {{ $value | humanizePercentage }} of its player slots (threshold ${pct(cfg.server_nearly_full_ratio)}).`,
    },
    {
      alert: 'GustServerRestarted',
      severity: 'info',
      group: 'gust-servers',
      expr: 'increase(gust_server_restarts_total[15m]) > 0',
      forMs: 0,
      summary: 'Game server {{ $labels.server }} restarted',
      description: `${server} restarted or crashed {{ $value | humanize }} time(s) in the last 15 minutes.`,
    },
    ...pair(
      {
        alert: 'GustCommandLatencyHigh',
        group: 'gust-commands',
        forMs: m(5),
        summary: 'Slow auto command {{ $labels.command }} on {{ $labels.server }}',
        description: `p95 duration of "{{ $labels.command }}" on ${server} is {{ $value | humanizeDuration }} (warning > ${cfg.command_latency_seconds.warning}s, critical > ${cfg.command_latency_seconds.critical}s).`,
      },
      (t) => `gust:command_duration_seconds:p95_5m > ${t}`,
      cfg.command_latency_seconds,
    ),
    ...pair(
      {
        alert: 'GustCommandErrorRateHigh',
        group: 'gust-commands',
        forMs: m(5),
        summary: 'Auto commands failing on {{ $labels.server }}',
        description: `{{ $value | humanizePercentage }} of auto commands to ${server} failed over 5 minutes (warning > ${pct(cfg.command_error_ratio.warning)}, critical > ${pct(cfg.command_error_ratio.critical)}).`,
      },
      (t) => `gust:command_failure:ratio_rate5m > ${t}`,
      cfg.command_error_ratio,
    ),
    {
      alert: 'GustRconConnectionFailures',
      severity: 'warning',
      group: 'gust-commands',
      expr: `${by('server')} (increase(gust_rcon_connection_failures_total[5m])) > ${cfg.rcon_connection_failures.warning}`,
      forMs: 0,
      summary: 'RCON connections to {{ $labels.server }} keep failing',
      description: `{{ $value | humanize }} RCON connection attempts to ${server} failed in 5 minutes (threshold ${cfg.rcon_connection_failures.warning}).`,
    },
    {
      alert: 'GustRconConnectionFailures',
      severity: 'critical',
      group: 'gust-commands',
      expr: `${by('server')} (rate(gust_rcon_connection_failures_total[5m])) > ${cfg.rcon_connection_failures.critical}`,
      forMs: m(2),
      summary: 'RCON connections to {{ $labels.server }} keep failing',
      description: `RCON connections to ${server} fail at {{ $value | humanize }}/s (threshold ${cfg.rcon_connection_failures.critical}/s).`,
    },
    {
      alert: 'GustCommandQueueBacklog',
      severity: 'warning',
      group: 'gust-commands',
      expr: `gust_command_queue_length > ${cfg.command_queue_length}`,
      forMs: m(5),
      summary: 'Auto-command queue backlog on {{ $labels.instance }}',
      description: `{{ $value }} commands are waiting on {{ $labels.instance }} (threshold ${cfg.command_queue_length}): rounds take longer than the interval.`,
    },
    {
      alert: 'GustCacheHitRateLow',
      severity: 'warning',
      group: 'gust-cache',
      expr: `gust:cache_hit:ratio_rate5m < ${cfg.cache_hit_ratio_min}`,
      forMs: m(10),
      summary: 'Cache {{ $labels.cache }} hit ratio is low on {{ $labels.instance }}',
      description: `Cache "{{ $labels.cache }}" on {{ $labels.instance }} answers {{ $value | humanizePercentage }} of lookups (threshold ${pct(cfg.cache_hit_ratio_min)}).`,
    },
    {
      alert: 'GustCacheBackendSlow',
      severity: 'warning',
      group: 'gust-cache',
      expr: `gust:cache_operation_duration_seconds:p95_5m{layer="redis"} > ${cfg.cache_backend_latency_seconds}`,
      forMs: m(5),
      summary: 'Redis cache operations are slow on {{ $labels.instance }}',
      description: `p95 Redis operation time on {{ $labels.instance }} is {{ $value | humanizeDuration }} (threshold ${cfg.cache_backend_latency_seconds}s).`,
    },
    {
      alert: 'GustRedisDown',
      severity: 'warning',
      group: 'gust-cache',
      expr: 'gust_redis_up == 0',
      forMs: m(2),
      summary: 'Redis unreachable from {{ $labels.instance }}',
      description: 'gust-agent {{ $labels.instance }} cannot reach its configured Redis; it serves from the memory cache only.',
    },
    {
      alert: 'GustAgentHighCpu',
      severity: 'warning',
      group: 'gust-agent',
      expr: `rate(process_cpu_seconds_total[5m]) > ${cfg.agent_cpu_ratio}\n${ONLY_GUST}`,
      forMs: m(5),
      summary: 'gust-agent {{ $labels.instance }} uses much CPU',
      description: `gust-agent {{ $labels.instance }} uses {{ $value | humanize }} CPU cores (threshold ${cfg.agent_cpu_ratio}).`,
    },
    ...pair(
      {
        alert: 'GustAgentHighMemory',
        group: 'gust-agent',
        forMs: m(5),
        summary: 'gust-agent {{ $labels.instance }} uses much memory',
        description: `gust-agent {{ $labels.instance }} has {{ $value | humanize1024 }}B resident (warning > ${cfg.agent_memory_bytes.warning / MIB} MiB, critical > ${cfg.agent_memory_bytes.critical / MIB} MiB).`,
      },
      (t) => `process_resident_memory_bytes > ${t}\n${ONLY_GUST}`,
      cfg.agent_memory_bytes,
    ),
    {
      alert: 'GustEventLoopLagHigh',
      severity: 'warning',
      group: 'gust-agent',
      expr: `nodejs_eventloop_lag_p99_seconds > ${cfg.event_loop_lag_seconds}\n${ONLY_GUST}`,
      forMs: m(5),
      summary: 'gust-agent {{ $labels.instance }} event loop is lagging',
      description: `p99 event-loop lag of gust-agent {{ $labels.instance }} is {{ $value | humanizeDuration }} (threshold ${cfg.event_loop_lag_seconds}s).`,
    },
    {
      alert: 'GustSlowCollector',
      severity: 'warning',
      group: 'gust-agent',
      expr: `gust_collector_duration_seconds > ${cfg.slow_collector_seconds}`,
      forMs: m(5),
      summary: 'Collector {{ $labels.collector }} is slow on {{ $labels.instance }}',
      description: `Collector "{{ $labels.collector }}" took {{ $value | humanizeDuration }} (threshold ${cfg.slow_collector_seconds}s).`,
    },
    {
      alert: 'GustLogLagging',
      severity: 'warning',
      group: 'gust-agent',
      expr: `gust_log_lag_bytes > ${cfg.log_lag_bytes}`,
      forMs: m(5),
      summary: 'Log tailing of {{ $labels.server }} is behind',
      description: `{{ $value | humanize1024 }}B of the logs of ${server} are unread (threshold ${cfg.log_lag_bytes / MIB} MiB).`,
    },
    {
      alert: 'GustConfigReloadFailed',
      severity: 'warning',
      group: 'gust-agent',
      expr: 'gust_config_last_reload_successful == 0',
      forMs: 0,
      summary: 'gust-agent {{ $labels.instance }} rejected its new configuration',
      description: 'The last configuration reload of gust-agent {{ $labels.instance }} failed; it keeps running the previous configuration.',
    },
    ...pair(
      {
        alert: 'GustHttpLatencyHigh',
        group: 'gust-agent',
        forMs: m(5),
        summary: 'gust-agent API route {{ $labels.route }} is slow',
        description: `p95 latency of {{ $labels.route }} on {{ $labels.instance }} is {{ $value | humanizeDuration }} (warning > ${cfg.http_latency_seconds.warning}s, critical > ${cfg.http_latency_seconds.critical}s).`,
      },
      (t) => `gust:http_request_duration_seconds:p95_5m > ${t}`,
      cfg.http_latency_seconds,
    ),
    ...pair(
      {
        alert: 'GustHttpErrorRateHigh',
        group: 'gust-agent',
        forMs: m(5),
        summary: 'gust-agent API route {{ $labels.route }} returns errors',
        description: `{{ $value | humanizePercentage }} of requests to {{ $labels.route }} on {{ $labels.instance }} failed with 5xx (warning > ${pct(cfg.http_error_ratio.warning)}, critical > ${pct(cfg.http_error_ratio.critical)}).`,
      },
      (t) => `gust:http_errors:ratio_rate5m > ${t}`,
      cfg.http_error_ratio,
    ),
    {
      alert: 'GustHostHighCpu',
      severity: 'warning',
      group: 'gust-host',
      expr: `gust_host_cpu_usage_ratio > ${cfg.host_cpu.warning}`,
      forMs: m(5),
      summary: 'Host {{ $labels.instance }} CPU is busy',
      description: `Host CPU usage on {{ $labels.instance }} is {{ $value | humanizePercentage }} (threshold ${pct(cfg.host_cpu.warning)}).`,
    },
    {
      alert: 'GustHostHighCpu',
      severity: 'critical',
      group: 'gust-host',
      expr: `gust_host_cpu_usage_ratio >= ${cfg.host_cpu.critical}`,
      forMs: m(5),
      summary: 'Host {{ $labels.instance }} CPU is saturated',
      description: `Host CPU usage on {{ $labels.instance }} is {{ $value | humanizePercentage }} (threshold ${pct(cfg.host_cpu.critical)}).`,
    },
    ...pair(
      {
        alert: 'GustHostHighMemory',
        group: 'gust-host',
        forMs: m(5),
        summary: 'Host {{ $labels.instance }} memory is short',
        description: `{{ $value | humanizePercentage }} of the memory of host {{ $labels.instance }} is used (warning > ${pct(cfg.host_memory.warning)}, critical > ${pct(cfg.host_memory.critical)}).`,
      },
      (t) => `gust_host_memory_used_bytes / gust_host_memory_total_bytes > ${t}`,
      cfg.host_memory,
    ),
    {
      alert: 'GustClusterMembersMissing',
      severity: 'warning',
      group: 'gust-cluster',
      expr: 'gust_cluster_members < gust_cluster_members_expected',
      forMs: m(2),
      summary: 'gust-agent group of {{ $labels.instance }} is missing members',
      description: 'gust-agent {{ $labels.instance }} sees {{ $value }} live members in its group, fewer than cluster.expected_members: the others carry their servers, with less headroom.',
    },
    {
      alert: 'GustClusterServerUnpolled',
      severity: 'warning',
      group: 'gust-cluster',
      expr: `min by (job, server) (gust_cluster_result_age_seconds) > ${cfg.cluster_result_stale_after / 1000}`,
      forMs: 0,
      summary: 'Nobody in the gust-agent group polls {{ $labels.server }}',
      description: `No member of the gust-agent group has published a result for {{ $labels.server }} for {{ $value | humanizeDuration }} (threshold ${formatDuration(cfg.cluster_result_stale_after)}).`,
    },
  ];
}

/** Anchor of an alert's section in docs/runbooks.md (GitHub-style heading slug). */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}
