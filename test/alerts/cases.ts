/**
 * promtool unit-test cases for the shipped rules: for every alert a case where it fires and
 * one where it stays silent (below threshold, or still pending within `for:`), and for every
 * recording rule a promql_expr_test. Series are sampled every minute from t=0.
 */

export interface Series {
  series: string;
  values: string;
}

export interface Firing {
  labels: Record<string, string>;
  /** The alert's value (for the templated annotations). */
  value: number;
}

export interface AlertCheck {
  at: string;
  alert: string;
  fires: Firing[];
}

export interface ExprCheck {
  at: string;
  expr: string;
  samples: Array<{ labels: string; value: number }>;
}

export interface TestGroup {
  name: string;
  series: Series[];
  alerts?: AlertCheck[];
  exprs?: ExprCheck[];
}

const g = 'job="gust",instance="a:9720"';
const gb = 'job="gust",instance="b:9720"';
const gc = 'job="gust",instance="c:9720"';
const A = { job: 'gust', instance: 'a:9720' };
const B = { job: 'gust', instance: 'b:9720' };
const W = { severity: 'warning' };
const C = { severity: 'critical' };
const I = { severity: 'info' };
const s = (series: string, values: string): Series => ({ series, values });
const buildInfo = (sel: string) => s(`gust_build_info{${sel},version="0.1.0",revision="x",nodejs_version="v20"}`, '1x20');

/** Cumulative histogram buckets where `perMinute` observations all fall in the bucket ending at `le`. */
function histogram(name: string, labels: string, buckets: number[], le: number, perMinute: number, samples = 20): Series[] {
  return [...buckets.map(String), '+Inf'].map((b) =>
    s(`${name}_bucket{${labels},le="${b}"}`, b === '+Inf' || Number(b) >= le ? `0+${perMinute}x${samples}` : `0x${samples}`),
  );
}
const COMMAND_BUCKETS = [0.5, 1, 2, 3, 5, 8, 10];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CACHE_BUCKETS = [0.001, 0.01, 0.1, 0.25, 0.5, 1];

export const GROUPS: TestGroup[] = [
  {
    name: 'GustAgentDown: a failing scrape fires after 5m; a healthy target stays silent',
    series: [s(`up{${g}}`, '0x10'), s(`up{${gb}}`, '1x10')],
    alerts: [
      { at: '4m', alert: 'GustAgentDown', fires: [] },
      { at: '6m', alert: 'GustAgentDown', fires: [{ labels: { ...A, ...C }, value: 0 }] },
    ],
  },
  {
    name: 'GustAgentDown: no target at all fires through absent()',
    series: [s('gust_servers_configured{job="other",instance="x"}', '1x10')],
    alerts: [{ at: '6m', alert: 'GustAgentDown', fires: [{ labels: { job: 'gust', ...C }, value: 1 }] }],
  },
  {
    name: 'GustServerDown: down server fires after for:, maintenance and healthy servers stay silent',
    series: [
      s(`gust_server_up{${g},server="a"}`, '1 1 0x8'),
      s(`gust_server_maintenance{${g},server="a"}`, '0x10'),
      s(`gust_server_up{${g},server="b"}`, '0x10'),
      s(`gust_server_maintenance{${g},server="b"}`, '1x10'),
      s(`gust_server_up{${g},server="c"}`, '1x10'),
      s(`gust_server_maintenance{${g},server="c"}`, '0x10'),
    ],
    alerts: [
      { at: '3m', alert: 'GustServerDown', fires: [] },
      { at: '5m', alert: 'GustServerDown', fires: [{ labels: { ...A, server: 'a', ...C }, value: 0 }] },
    ],
  },
  {
    name: 'GustPlayerCountStale: old last success fires, fresh one stays silent',
    series: [
      s(`gust_server_last_success_timestamp_seconds{${g},server="a",source="command"}`, '0x20'),
      s(`gust_server_last_success_timestamp_seconds{${g},server="b",source="command"}`, '0+60x20'),
      s(`gust_server_maintenance{${g},server="a"}`, '0x20'),
      s(`gust_server_maintenance{${g},server="b"}`, '0x20'),
    ],
    alerts: [
      { at: '6m', alert: 'GustPlayerCountStale', fires: [] },
      { at: '8m', alert: 'GustPlayerCountStale', fires: [{ labels: { ...A, server: 'a', ...W }, value: 480 }] },
    ],
  },
  {
    name: 'GustServerNearlyFull and gust:players_fill:ratio',
    series: [
      s(`gust_players_online{${g},server="a"}`, '95x15'),
      s(`gust_players_max{${g},server="a"}`, '100x15'),
      s(`gust_players_online{${g},server="b"}`, '50x15'),
      s(`gust_players_max{${g},server="b"}`, '100x15'),
      s(`gust_players_online{${g},server="c"}`, '0x15'),
      s(`gust_players_max{${g},server="c"}`, '0x15'),
    ],
    alerts: [
      { at: '5m', alert: 'GustServerNearlyFull', fires: [] },
      { at: '11m', alert: 'GustServerNearlyFull', fires: [{ labels: { ...A, server: 'a', ...I }, value: 0.95 }] },
    ],
    exprs: [
      {
        at: '1m',
        expr: 'gust:players_fill:ratio',
        samples: [
          { labels: `gust:players_fill:ratio{${g},server="a"}`, value: 0.95 },
          { labels: `gust:players_fill:ratio{${g},server="b"}`, value: 0.5 },
        ],
      },
    ],
  },
  {
    name: 'GustServerRestarted: a restart fires at once, a steady counter stays silent',
    series: [s(`gust_server_restarts_total{${g},server="a"}`, '0 0 0 1x10'), s(`gust_server_restarts_total{${g},server="b"}`, '0x13')],
    alerts: [
      { at: '2m', alert: 'GustServerRestarted', fires: [] },
      { at: '5m', alert: 'GustServerRestarted', fires: [{ labels: { ...A, server: 'a', ...I }, value: 1 }] },
    ],
  },
  {
    name: 'GustCommandLatencyHigh and command duration quantiles',
    series: [
      ...histogram('gust_command_duration_seconds', `${g},server="a",command="status"`, COMMAND_BUCKETS, 3, 10),
      ...histogram('gust_command_duration_seconds', `${g},server="b",command="status"`, COMMAND_BUCKETS, 8, 10),
      ...histogram('gust_command_duration_seconds', `${g},server="c",command="status"`, COMMAND_BUCKETS, 0.5, 10),
    ],
    alerts: [
      { at: '4m', alert: 'GustCommandLatencyHigh', fires: [] },
      {
        at: '7m',
        alert: 'GustCommandLatencyHigh',
        fires: [
          { labels: { ...A, server: 'a', command: 'status', ...W }, value: 2.95 },
          { labels: { ...A, server: 'b', command: 'status', ...W }, value: 7.85 },
          { labels: { ...A, server: 'b', command: 'status', ...C }, value: 7.85 },
        ],
      },
    ],
    exprs: (['p50', 'p95', 'p99'] as const).map((q, i) => ({
      at: '5m',
      expr: `round(gust:command_duration_seconds:${q}_5m{server="a"}, 0.001)`,
      samples: [{ labels: `{${g},server="a",command="status"}`, value: [2.5, 2.95, 2.99][i]! }],
    })),
  },
  {
    name: 'GustCommandErrorRateHigh and gust:command_failure:ratio_rate5m',
    series: [
      s(`gust_commands_total{${g},server="a",command="status"}`, '0+100x15'),
      s(`gust_command_failures_total{${g},server="a",command="status",reason="timeout"}`, '0+8x15'),
      s(`gust_commands_total{${g},server="b",command="status"}`, '0+100x15'),
      s(`gust_command_failures_total{${g},server="b",command="status",reason="refused"}`, '0+20x15'),
      s(`gust_commands_total{${g},server="c",command="status"}`, '0+100x15'),
      s(`gust_command_failures_total{${g},server="c",command="status",reason="timeout"}`, '0x15'),
    ],
    alerts: [
      { at: '4m', alert: 'GustCommandErrorRateHigh', fires: [] },
      {
        at: '7m',
        alert: 'GustCommandErrorRateHigh',
        fires: [
          { labels: { ...A, server: 'a', ...W }, value: 0.08 },
          { labels: { ...A, server: 'b', ...W }, value: 0.2 },
          { labels: { ...A, server: 'b', ...C }, value: 0.2 },
        ],
      },
    ],
    exprs: [
      {
        at: '5m',
        expr: 'round(gust:command_failure:ratio_rate5m, 0.001)',
        samples: [
          { labels: `{${g},server="a"}`, value: 0.08 },
          { labels: `{${g},server="b"}`, value: 0.2 },
          { labels: `{${g},server="c"}`, value: 0 },
        ],
      },
    ],
  },
  {
    name: 'GustRconConnectionFailures: count in 5m (warning) and sustained rate (critical)',
    series: [
      s(`gust_rcon_connection_failures_total{${g},server="a",transport="webrcon",reason="refused"}`, '0+2.5x20'),
      s(`gust_rcon_connection_failures_total{${g},server="b",transport="source",reason="timeout"}`, '0+12x20'),
      s(`gust_rcon_connection_failures_total{${g},server="c",transport="source",reason="timeout"}`, '0x20'),
    ],
    alerts: [
      { at: '2m', alert: 'GustRconConnectionFailures', fires: [{ labels: { ...A, server: 'b', ...W }, value: 24 }] },
      { at: '4m', alert: 'GustRconConnectionFailures', fires: [{ labels: { ...A, server: 'b', ...W }, value: 48 }] },
      {
        at: '6m',
        alert: 'GustRconConnectionFailures',
        fires: [
          { labels: { ...A, server: 'a', ...W }, value: 12.5 },
          { labels: { ...A, server: 'b', ...W }, value: 60 },
          { labels: { ...A, server: 'b', ...C }, value: 0.2 },
        ],
      },
    ],
  },
  {
    name: 'GustRconConnectionFailures stays silent at 10 failures in 5m',
    series: [s(`gust_rcon_connection_failures_total{${g},server="a",transport="webrcon",reason="refused"}`, '0+2x20')],
    alerts: [{ at: '8m', alert: 'GustRconConnectionFailures', fires: [] }],
  },
  {
    name: 'GustCommandQueueBacklog',
    series: [s(`gust_command_queue_length{${g}}`, '150x10'), s(`gust_command_queue_length{${gb}}`, '50x10')],
    alerts: [
      { at: '3m', alert: 'GustCommandQueueBacklog', fires: [] },
      { at: '6m', alert: 'GustCommandQueueBacklog', fires: [{ labels: { ...A, ...W }, value: 150 }] },
    ],
  },
  {
    name: 'GustCacheHitRateLow and gust:cache_hit:ratio_rate5m',
    series: [
      s(`gust_cache_hits_total{${g},cache="api",layer="memory"}`, '0+3x20'),
      s(`gust_cache_hits_total{${g},cache="api",layer="redis"}`, '0+2x20'),
      s(`gust_cache_misses_total{${g},cache="api"}`, '0+5x20'),
      s(`gust_cache_hits_total{${g},cache="players",layer="memory"}`, '0+9x20'),
      s(`gust_cache_misses_total{${g},cache="players"}`, '0+1x20'),
    ],
    alerts: [
      { at: '5m', alert: 'GustCacheHitRateLow', fires: [] },
      { at: '12m', alert: 'GustCacheHitRateLow', fires: [{ labels: { ...A, cache: 'api', ...W }, value: 0.5 }] },
    ],
    exprs: [
      {
        at: '5m',
        expr: 'round(gust:cache_hit:ratio_rate5m, 0.001)',
        samples: [
          { labels: `{${g},cache="api"}`, value: 0.5 },
          { labels: `{${g},cache="players"}`, value: 0.9 },
        ],
      },
    ],
  },
  {
    name: 'GustCacheBackendSlow and cache operation quantiles',
    series: [
      ...histogram('gust_cache_operation_duration_seconds', `${g},layer="redis",operation="get"`, CACHE_BUCKETS, 0.25, 10),
      ...histogram('gust_cache_operation_duration_seconds', `${g},layer="memory",operation="get"`, CACHE_BUCKETS, 0.001, 10),
    ],
    alerts: [
      { at: '4m', alert: 'GustCacheBackendSlow', fires: [] },
      { at: '7m', alert: 'GustCacheBackendSlow', fires: [{ labels: { ...A, layer: 'redis', ...W }, value: 0.2425 }] },
    ],
    exprs: (['p50', 'p95', 'p99'] as const).map((q, i) => ({
      at: '5m',
      expr: `round(gust:cache_operation_duration_seconds:${q}_5m{layer="redis"}, 0.0001)`,
      samples: [{ labels: `{${g},layer="redis"}`, value: [0.175, 0.2425, 0.2485][i]! }],
    })),
  },
  {
    name: 'GustRedisDown',
    series: [s(`gust_redis_up{${g}}`, '0x10'), s(`gust_redis_up{${gb}}`, '1x10')],
    alerts: [
      { at: '1m', alert: 'GustRedisDown', fires: [] },
      { at: '3m', alert: 'GustRedisDown', fires: [{ labels: { ...A, ...W }, value: 0 }] },
    ],
  },
  {
    name: 'GustAgentHighCpu: only gust-agent processes count',
    series: [
      s(`process_cpu_seconds_total{${g}}`, '0+54x20'),
      buildInfo(g),
      s(`process_cpu_seconds_total{${gb}}`, '0+6x20'),
      buildInfo(gb),
      s('process_cpu_seconds_total{job="node",instance="a:9100"}', '0+60x20'),
    ],
    alerts: [
      { at: '7m', alert: 'GustAgentHighCpu', fires: [] },
      { at: '11m', alert: 'GustAgentHighCpu', fires: [{ labels: { ...A, ...W }, value: 0.9 }] },
    ],
  },
  {
    name: 'GustAgentHighMemory',
    series: [
      s(`process_resident_memory_bytes{${g}}`, `${600 * 1024 ** 2}x10`),
      buildInfo(g),
      s(`process_resident_memory_bytes{${gb}}`, `${1.5 * 1024 ** 3}x10`),
      buildInfo(gb),
      s(`process_resident_memory_bytes{${gc}}`, `${100 * 1024 ** 2}x10`),
      buildInfo(gc),
      s('process_resident_memory_bytes{job="node",instance="a:9100"}', `${2 * 1024 ** 3}x10`),
    ],
    alerts: [
      { at: '3m', alert: 'GustAgentHighMemory', fires: [] },
      {
        at: '6m',
        alert: 'GustAgentHighMemory',
        fires: [
          { labels: { ...A, ...W }, value: 600 * 1024 ** 2 },
          { labels: { ...B, ...W }, value: 1.5 * 1024 ** 3 },
          { labels: { ...B, ...C }, value: 1.5 * 1024 ** 3 },
        ],
      },
    ],
  },
  {
    name: 'GustEventLoopLagHigh',
    series: [s(`nodejs_eventloop_lag_p99_seconds{${g}}`, '0.2x10'), buildInfo(g), s(`nodejs_eventloop_lag_p99_seconds{${gb}}`, '0.01x10'), buildInfo(gb)],
    alerts: [
      { at: '3m', alert: 'GustEventLoopLagHigh', fires: [] },
      { at: '6m', alert: 'GustEventLoopLagHigh', fires: [{ labels: { ...A, ...W }, value: 0.2 }] },
    ],
  },
  {
    name: 'GustSlowCollector',
    series: [s(`gust_collector_duration_seconds{${g},collector="host"}`, '3x10'), s(`gust_collector_duration_seconds{${g},collector="processes"}`, '0.1x10')],
    alerts: [
      { at: '3m', alert: 'GustSlowCollector', fires: [] },
      { at: '6m', alert: 'GustSlowCollector', fires: [{ labels: { ...A, collector: 'host', ...W }, value: 3 }] },
    ],
  },
  {
    name: 'GustLogLagging',
    series: [s(`gust_log_lag_bytes{${g},server="a"}`, `${20 * 1024 ** 2}x10`), s(`gust_log_lag_bytes{${g},server="b"}`, '1000x10')],
    alerts: [
      { at: '3m', alert: 'GustLogLagging', fires: [] },
      { at: '6m', alert: 'GustLogLagging', fires: [{ labels: { ...A, server: 'a', ...W }, value: 20 * 1024 ** 2 }] },
    ],
  },
  {
    name: 'GustClusterMembersMissing: fewer live members than expected; no expectation (0) stays silent',
    series: [
      s(`gust_cluster_members{${g}}`, '3 3 2x8'),
      s(`gust_cluster_members_expected{${g}}`, '3x10'),
      s(`gust_cluster_members{${gb}}`, '3x10'),
      s(`gust_cluster_members_expected{${gb}}`, '3x10'),
      s(`gust_cluster_members{${gc}}`, '1x10'),
      s(`gust_cluster_members_expected{${gc}}`, '0x10'),
    ],
    alerts: [
      { at: '3m', alert: 'GustClusterMembersMissing', fires: [] },
      { at: '5m', alert: 'GustClusterMembersMissing', fires: [{ labels: { ...A, ...W }, value: 2 }] },
    ],
  },
  {
    name: 'GustClusterServerUnpolled: the freshest result any member has is too old',
    series: [
      s(`gust_cluster_result_age_seconds{${g},server="x"}`, '10+60x10'),
      s(`gust_cluster_result_age_seconds{${gb},server="x"}`, '20+60x10'),
      s(`gust_cluster_result_age_seconds{${g},server="y"}`, '1x10'),
      s(`gust_cluster_result_age_seconds{${gb},server="y"}`, '500x10'),
    ],
    alerts: [
      { at: '1m', alert: 'GustClusterServerUnpolled', fires: [] },
      { at: '3m', alert: 'GustClusterServerUnpolled', fires: [{ labels: { job: 'gust', server: 'x', ...W }, value: 190 }] },
    ],
  },
  {
    name: 'GustConfigReloadFailed fires as soon as a reload fails',
    series: [s(`gust_config_last_reload_successful{${g}}`, '1 1 0x5'), s(`gust_config_last_reload_successful{${gb}}`, '1x7')],
    alerts: [
      { at: '1m', alert: 'GustConfigReloadFailed', fires: [] },
      { at: '2m', alert: 'GustConfigReloadFailed', fires: [{ labels: { ...A, ...W }, value: 0 }] },
    ],
  },
  {
    name: 'GustHttpLatencyHigh and HTTP duration quantiles',
    series: [
      ...histogram('gust_http_request_duration_seconds', `${g},method="GET",route="/api/v1/servers"`, HTTP_BUCKETS, 2.5, 10),
      ...histogram('gust_http_request_duration_seconds', `${g},method="GET",route="/api/v1/logs"`, HTTP_BUCKETS, 10, 10),
      ...histogram('gust_http_request_duration_seconds', `${g},method="GET",route="/metrics"`, HTTP_BUCKETS, 0.01, 10),
    ],
    alerts: [
      { at: '4m', alert: 'GustHttpLatencyHigh', fires: [] },
      {
        at: '7m',
        alert: 'GustHttpLatencyHigh',
        fires: [
          { labels: { ...A, route: '/api/v1/logs', ...W }, value: 9.75 },
          { labels: { ...A, route: '/api/v1/logs', ...C }, value: 9.75 },
          { labels: { ...A, route: '/api/v1/servers', ...W }, value: 2.425 },
        ],
      },
    ],
    exprs: (['p50', 'p95', 'p99'] as const).map((q, i) => ({
      at: '5m',
      expr: `round(gust:http_request_duration_seconds:${q}_5m{route="/api/v1/servers"}, 0.0001)`,
      samples: [{ labels: `{${g},route="/api/v1/servers"}`, value: [1.75, 2.425, 2.485][i]! }],
    })),
  },
  {
    name: 'GustHttpErrorRateHigh, gust:http_errors:ratio_rate5m and gust:http_requests:rate5m',
    series: [
      s(`gust_http_requests_total{${g},method="GET",route="/api/v1/servers",status_code="200"}`, '0+92x15'),
      s(`gust_http_requests_total{${g},method="GET",route="/api/v1/servers",status_code="500"}`, '0+8x15'),
      s(`gust_http_requests_total{${g},method="GET",route="/api/v1/status",status_code="200"}`, '0+80x15'),
      s(`gust_http_requests_total{${g},method="GET",route="/api/v1/status",status_code="503"}`, '0+20x15'),
      s(`gust_http_requests_total{${g},method="GET",route="/metrics",status_code="200"}`, '0+60x15'),
    ],
    alerts: [
      { at: '4m', alert: 'GustHttpErrorRateHigh', fires: [] },
      {
        at: '7m',
        alert: 'GustHttpErrorRateHigh',
        fires: [
          { labels: { ...A, route: '/api/v1/servers', ...W }, value: 0.08 },
          { labels: { ...A, route: '/api/v1/status', ...W }, value: 0.2 },
          { labels: { ...A, route: '/api/v1/status', ...C }, value: 0.2 },
        ],
      },
    ],
    exprs: [
      {
        at: '5m',
        expr: 'round(gust:http_errors:ratio_rate5m, 0.001)',
        samples: [
          { labels: `{${g},route="/api/v1/servers"}`, value: 0.08 },
          { labels: `{${g},route="/api/v1/status"}`, value: 0.2 },
          { labels: `{${g},route="/metrics"}`, value: 0 },
        ],
      },
      {
        at: '5m',
        expr: 'round(gust:http_requests:rate5m, 0.001)',
        samples: [
          { labels: `{${g},route="/api/v1/servers"}`, value: 1.667 },
          { labels: `{${g},route="/api/v1/status"}`, value: 1.667 },
          { labels: `{${g},route="/metrics"}`, value: 1 },
        ],
      },
    ],
  },
  {
    name: 'GustHostHighCpu',
    series: [
      s(`gust_host_cpu_usage_ratio{${g}}`, '0.85x10'),
      s(`gust_host_cpu_usage_ratio{${gb}}`, '0.95x10'),
      s(`gust_host_cpu_usage_ratio{${gc}}`, '0.5x10'),
    ],
    alerts: [
      { at: '3m', alert: 'GustHostHighCpu', fires: [] },
      {
        at: '6m',
        alert: 'GustHostHighCpu',
        fires: [
          { labels: { ...A, ...W }, value: 0.85 },
          { labels: { ...B, ...W }, value: 0.95 },
          { labels: { ...B, ...C }, value: 0.95 },
        ],
      },
    ],
  },
  {
    name: 'GustHostHighMemory',
    series: [
      s(`gust_host_memory_used_bytes{${g}}`, '85x10'),
      s(`gust_host_memory_total_bytes{${g}}`, '100x10'),
      s(`gust_host_memory_used_bytes{${gb}}`, '95x10'),
      s(`gust_host_memory_total_bytes{${gb}}`, '100x10'),
      s(`gust_host_memory_used_bytes{${gc}}`, '50x10'),
      s(`gust_host_memory_total_bytes{${gc}}`, '100x10'),
    ],
    alerts: [
      { at: '3m', alert: 'GustHostHighMemory', fires: [] },
      {
        at: '6m',
        alert: 'GustHostHighMemory',
        fires: [
          { labels: { ...A, ...W }, value: 0.85 },
          { labels: { ...B, ...W }, value: 0.95 },
          { labels: { ...B, ...C }, value: 0.95 },
        ],
      },
    ],
  },
];
