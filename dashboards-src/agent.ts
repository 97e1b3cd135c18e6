/** CATALOGUE I.3 — the agent itself. */
import { M, RI, buildDashboard, timeseries } from './common.ts';

const rate = (metric: string, extra = '') => `rate(${metric}{${M}${extra}}${RI})`;

export default buildDashboard({
  uid: 'gust-agent',
  title: 'Gust / Agent',
  description: 'gust-agent process, HTTP API, cache and Redis, collectors, log tailing and configuration reloads.',
  withServer: false,
  rows: [
    {
      title: 'Process',
      panels: [
        [timeseries('CPU', 'percentunit', [[rate('process_cpu_seconds_total'), '{{instance}}']]), 6],
        [
          timeseries('Memory', 'bytes', [
            [`process_resident_memory_bytes{${M}}`, '{{instance}} RSS'],
            [`nodejs_heap_size_used_bytes{${M}}`, '{{instance}} heap used'],
          ]),
          6,
        ],
        [
          timeseries('Event-loop lag', 's', [
            [`nodejs_eventloop_lag_p99_seconds{${M}}`, '{{instance}} p99'],
            [`nodejs_eventloop_lag_p50_seconds{${M}}`, '{{instance}} p50'],
          ]),
          6,
        ],
        [timeseries('In-agent alerts', 'none', [[`gust_alert_active{${M}}`, '{{alertname}} {{severity}} {{server}}']]), 6],
      ],
    },
    {
      title: 'HTTP API',
      panels: [
        [timeseries('Requests', 'reqps', [[`sum by (instance, route) (${rate('gust_http_requests_total')})`, '{{route}}']]), 8],
        [
          timeseries('Latency p95', 's', [
            [`histogram_quantile(0.95, sum by (le, instance, route) (${rate('gust_http_request_duration_seconds_bucket')}))`, '{{route}}'],
          ]),
          8,
        ],
        [
          timeseries('5xx ratio', 'percentunit', [
            [
              // `or ... * 0`: routes without any 5xx show 0 instead of no data.
              `(\n  sum by (instance, route) (${rate('gust_http_requests_total', ', status_code=~"5.."')})\n  or\n  sum by (instance, route) (${rate('gust_http_requests_total')}) * 0\n)\n/\nsum by (instance, route) (${rate('gust_http_requests_total')})`,
              '{{route}}',
            ],
          ]),
          8,
        ],
      ],
    },
    {
      title: 'Cache and Redis',
      panels: [
        [
          timeseries('Hit ratio by layer', 'percentunit', [
            [
              `sum by (instance, layer) (${rate('gust_cache_hits_total')})\n/ ignoring (layer) group_left ()\n(sum by (instance) (${rate('gust_cache_hits_total')}) + sum by (instance) (${rate('gust_cache_misses_total')}))`,
              '{{layer}}',
            ],
          ]).min(0).max(1),
          8,
        ],
        [timeseries('Entries', 'none', [[`gust_cache_entries{${M}}`, '{{cache}} {{layer}}']]), 8],
        [
          timeseries('Redis', 's', [
            [`histogram_quantile(0.95, sum by (le, instance, operation) (${rate('gust_cache_operation_duration_seconds_bucket', ', layer="redis"')}))`, 'p95 {{operation}}'],
            [`gust_redis_up{${M}}`, 'up'],
          ]),
          8,
        ],
      ],
    },
    {
      title: 'Collectors, logs, configuration',
      panels: [
        [timeseries('Collector duration', 's', [[`gust_collector_duration_seconds{${M}}`, '{{collector}}']]), 8],
        [timeseries('Collector success', 'none', [[`gust_collector_success{${M}}`, '{{collector}}']]).min(0).max(1), 8],
        [
          timeseries('Log tailing', 'bytes', [
            [`gust_log_lag_bytes{${M}}`, '{{server}} unread'],
            [`sum by (instance, server) (${rate('gust_log_bytes_total')})`, '{{server}} read/s'],
          ]),
          8,
        ],
        [
          timeseries('Auto commands', 'none', [
            [`gust_commands_in_flight{${M}}`, 'in flight'],
            [`gust_command_queue_length{${M}}`, 'queued'],
          ]),
          12,
        ],
        [
          timeseries('Configuration reloads', 'none', [
            [`gust_config_last_reload_successful{${M}}`, '{{instance}} last reload ok'],
            [`gust_servers_configured{${M}}`, '{{instance}} servers'],
          ]),
          12,
        ],
      ],
    },
  ],
});
