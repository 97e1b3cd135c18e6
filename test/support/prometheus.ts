/**
 * Real Prometheus and Alertmanager (Debian packages `prometheus`, `prometheus-alertmanager`)
 * on free loopback ports with temporary storage, for end-to-end tests of the shipped rules
 * and dashboards. Short scrape and evaluation intervals keep the tests fast.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { parse, stringify } from 'yaml';
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

/** The inhibit rule README "Alerts and dashboards" tells users to add (the YAML block after "inhibit rule"). */
export function readmeInhibitRules(readme: string): unknown[] {
  const block = /inhibit rule[^`]*```yaml\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no inhibit rule YAML block');
  return (parse(block[1]!) as { inhibit_rules: unknown[] }).inhibit_rules;
}

/** `config`: a whole Alertmanager config (e.g. deploy/alertmanager.yml); default: a null receiver and README's inhibit rule. */
export async function startAlertmanager(options: { config?: string } = {}): Promise<Service> {
  const dir = tempDir('gust-am-');
  const config = path.join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    options.config ??
      stringify({
        route: { receiver: 'null', group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'null' }],
        inhibit_rules: readmeInhibitRules(readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8')),
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
