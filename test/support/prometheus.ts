/**
 * Real Prometheus and Alertmanager (Debian packages `prometheus`, `prometheus-alertmanager`)
 * on free loopback ports with temporary storage, for end-to-end tests of the shipped rules
 * and dashboards. Short scrape and evaluation intervals keep the tests fast.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { eventually, tempDir } from './agent.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Service {
  url: string;
  dir: string;
  output: () => string;
  stop(): Promise<void>;
}

async function startService(binary: string, args: (port: number, dir: string) => string[], dir: string): Promise<Service> {
  const port = await freePort();
  const child: ChildProcess = spawn(binary, args(port, dir), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}: ${output}`);
        const res = await fetch(`${url}/-/ready`);
        return res.ok;
      },
      20_000,
      `${binary} ready`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dir, output: () => output, stop };
}

export async function startAlertmanager(): Promise<Service> {
  const dir = tempDir('gust-am-');
  const config = path.join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    stringify({
      route: { receiver: 'null', group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
      receivers: [{ name: 'null' }],
      // The inhibit rule README "Alerts and dashboards" recommends: critical silences its warning.
      inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'job', 'instance', 'server'] }],
    }),
  );
  // Debian names the binary prometheus-alertmanager; upstream tarballs call it alertmanager.
  return startService(
    existsSync('/usr/bin/prometheus-alertmanager') ? 'prometheus-alertmanager' : 'alertmanager',
    (port) => [`--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    dir,
  );
}

export interface PrometheusOptions {
  /** host:port of the gust-agent to scrape (job "gust"). */
  target: string;
  /** Rule files to load. */
  ruleFiles: string[];
  /** host:port of Alertmanager. */
  alertmanager?: string;
  interval?: string;
}

export async function startPrometheus(options: PrometheusOptions): Promise<Service> {
  const dir = tempDir('gust-prom-');
  const config = path.join(dir, 'prometheus.yml');
  const interval = options.interval ?? '1s';
  writeFileSync(
    config,
    stringify({
      global: { scrape_interval: interval, evaluation_interval: interval },
      rule_files: options.ruleFiles,
      ...(options.alertmanager ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] } } : {}),
      scrape_configs: [{ job_name: 'gust', static_configs: [{ targets: [options.target] }] }],
    }),
  );
  return startService(
    'prometheus',
    (port) => [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    dir,
  );
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query; throws with Prometheus' error text when the query is rejected. */
export async function promQuery(prometheusUrl: string, expr: string): Promise<PromSample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] | [number, string] } };
  if (body.status !== 'success') throw new Error(`query rejected: ${body.error} (${expr})`);
  const result = body.data!.result;
  if (body.data!.resultType === 'scalar') return [{ metric: {}, value: result as [number, string] }];
  return result as PromSample[];
}
