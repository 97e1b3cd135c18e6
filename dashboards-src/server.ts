/** CATALOGUE I.2 — Server detail (variable `server`). */
import { MS, RI, buildDashboard, timeseries } from './common.ts';

const q95 = (metric: string, by: string, sel: string) =>
  `histogram_quantile(0.95, sum by (le, ${by}) (rate(${metric}_bucket{${sel}}${RI})))`;

export default buildDashboard({
  uid: 'gust-server',
  title: 'Gust / Server detail',
  description: 'One game server (or several): players, performance, auto-command latency and failures, RCON, log events.',
  withServer: true,
  rows: [
    {
      title: 'Players',
      panels: [
        [
          timeseries('Players, queue and joining', 'none', [
            [`gust_players_online{${MS}}`, '{{server}} online'],
            [`gust_players_max{${MS}}`, '{{server}} slots'],
            [`gust_players_queued{${MS}}`, '{{server}} queued'],
            [`gust_players_joining{${MS}}`, '{{server}} joining'],
          ]),
          12,
        ],
        [timeseries('Player fill', 'percentunit', [[`gust:players_fill:ratio{${MS}}`, '{{server}}']]).min(0).max(1), 12],
      ],
    },
    {
      title: 'Game performance',
      panels: [
        [timeseries('Tick rate', 'hertz', [[`gust_server_tick_rate_hertz{${MS}}`, '{{server}}']]), 8],
        [timeseries('Entities', 'none', [[`gust_server_entities{${MS}}`, '{{server}}']]), 8],
        [
          timeseries('Memory', 'bytes', [
            [`gust_server_memory_bytes{${MS}}`, '{{server}} reported by the game'],
            [`gust_server_process_resident_memory_bytes{${MS}}`, '{{server}} process RSS'],
          ]),
          8,
        ],
        [
          timeseries('Network (reported by the game)', 'Bps', [
            [`gust_server_network_receive_bytes_per_second{${MS}}`, '{{server}} in'],
            [`-gust_server_network_transmit_bytes_per_second{${MS}}`, '{{server}} out'],
          ]),
          8,
        ],
        [timeseries('Process CPU', 'percentunit', [[`rate(gust_server_process_cpu_seconds_total{${MS}}${RI})`, '{{server}}']]), 8],
        [
          timeseries('Up and probes', 'none', [
            [`gust_server_up{${MS}}`, '{{server}} up'],
            [`gust_server_probe_success{${MS}}`, '{{server}} {{source}}'],
            [`gust_server_process_up{${MS}}`, '{{server}} process'],
          ]).min(0).max(1),
          8,
        ],
      ],
    },
    {
      title: 'Auto commands and RCON',
      panels: [
        [
          timeseries('Command latency p50 / p95 / p99', 's', [
            [`histogram_quantile(0.5, sum by (le, server, command) (rate(gust_command_duration_seconds_bucket{${MS}}${RI})))`, '{{server}} {{command}} p50'],
            [q95('gust_command_duration_seconds', 'server, command', MS), '{{server}} {{command}} p95'],
            [`histogram_quantile(0.99, sum by (le, server, command) (rate(gust_command_duration_seconds_bucket{${MS}}${RI})))`, '{{server}} {{command}} p99'],
          ]),
          12,
        ],
        [
          timeseries('Command failures by reason', 'ops', [
            [`sum by (server, reason) (rate(gust_command_failures_total{${MS}}${RI}))`, '{{server}} {{reason}}'],
            [`sum by (server) (rate(gust_command_retries_total{${MS}}${RI}))`, '{{server}} retries'],
          ]),
          12,
        ],
        [
          timeseries('RCON connections', 'none', [
            [`gust_rcon_connections{${MS}}`, '{{server}} {{transport}} open'],
            [`gust_server_backoff_seconds{${MS}}`, '{{server}} backoff (s)'],
          ]),
          12,
        ],
        [
          timeseries('RCON connection failures', 'ops', [
            [`sum by (server, reason) (rate(gust_rcon_connection_failures_total{${MS}}${RI}))`, '{{server}} {{reason}}'],
          ]),
          12,
        ],
      ],
    },
    {
      title: 'Logs',
      panels: [
        [timeseries('Log events', 'ops', [[`sum by (server, event) (rate(gust_log_events_total{${MS}}${RI}))`, '{{server}} {{event}}']]), 12],
        [
          timeseries('Log lines and lag', 'none', [
            [`sum by (server) (rate(gust_log_lines_total{${MS}}${RI}))`, '{{server}} lines/s'],
            [`gust_log_lag_bytes{${MS}}`, '{{server}} unread bytes'],
          ]),
          12,
        ],
      ],
    },
  ],
});
