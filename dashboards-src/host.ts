/** CATALOGUE I.4 — the game host (gust_host_*; off when host.enabled is false). */
import { M, RI, buildDashboard, timeseries } from './common.ts';

export default buildDashboard({
  uid: 'gust-host',
  title: 'Gust / Host',
  description: 'CPU, load, memory, filesystems, disk I/O and network of the game hosts, from gust-agent.',
  withServer: false,
  rows: [
    {
      title: 'CPU and memory',
      panels: [
        [timeseries('CPU usage', 'percentunit', [[`gust_host_cpu_usage_ratio{${M}}`, '{{instance}}']]).min(0).max(1), 8],
        [
          timeseries('Load average', 'none', [
            [`gust_host_load1{${M}}`, '{{instance}} 1m'],
            [`gust_host_load5{${M}}`, '{{instance}} 5m'],
            [`gust_host_load15{${M}}`, '{{instance}} 15m'],
          ]),
          8,
        ],
        [
          timeseries('Memory', 'bytes', [
            [`gust_host_memory_used_bytes{${M}}`, '{{instance}} used'],
            [`gust_host_memory_available_bytes{${M}}`, '{{instance}} available'],
            [`gust_host_memory_total_bytes{${M}}`, '{{instance}} total'],
          ]),
          8,
        ],
      ],
    },
    {
      title: 'Disks and network',
      panels: [
        [
          timeseries('Filesystem used', 'percentunit', [
            [`gust_host_filesystem_used_bytes{${M}}\n/\ngust_host_filesystem_size_bytes{${M}}`, '{{instance}} {{mountpoint}}'],
          ]).min(0).max(1),
          8,
        ],
        [
          timeseries('Disk I/O', 'Bps', [
            [`rate(gust_host_disk_read_bytes_total{${M}}${RI})`, '{{instance}} read'],
            [`-rate(gust_host_disk_written_bytes_total{${M}}${RI})`, '{{instance}} written'],
          ]),
          8,
        ],
        [
          timeseries('Network', 'Bps', [
            [`rate(gust_host_network_receive_bytes_total{${M}}${RI})`, '{{instance}} {{interface}} in'],
            [`-rate(gust_host_network_transmit_bytes_total{${M}}${RI})`, '{{instance}} {{interface}} out'],
          ]),
          8,
        ],
      ],
    },
  ],
});
