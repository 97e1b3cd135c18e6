/**
 * The compose monitoring stack: prometheus.yml passes `promtool check config` with the shipped
 * rules mounted where compose mounts them, alertmanager.yml passes `amtool check-config` and routes
 * as documented, and the compose file's mounts, agent config and service names fit together.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { tempDir } from '../support/agent.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEPLOY = path.join(ROOT, 'deploy');
const work = tempDir('gust-stack-');
after(() => rmSync(work, { recursive: true, force: true }));

interface ComposeService {
  image?: string;
  build?: unknown;
  volumes?: string[];
  configs?: { source: string; target: string }[];
  ports?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  configs: Record<string, { content?: string }>;
}

const compose = parse(readFileSync(path.join(DEPLOY, 'docker-compose.yml'), 'utf8')) as Compose;
const prometheusConfig = readFileSync(path.join(DEPLOY, 'prometheus.yml'), 'utf8');

/** Bind mounts of a service: container path -> host path (relative sources resolved from deploy/). */
function bindMounts(service: string): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const volume of compose.services[service]?.volumes ?? []) {
    const [source = '', target = ''] = volume.split(':');
    if (source.startsWith('.') || source.startsWith('/')) mounts.set(target, path.resolve(DEPLOY, source));
  }
  return mounts;
}

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.error, undefined, `${command} must be installed (test/setup/install-deps.sh)`);
  return result;
}

describe('deploy/prometheus.yml', () => {
  it('passes promtool check config, with the shipped rules where compose mounts them', () => {
    // Copy each mounted rules directory into the temp dir and point rule_files at the copies,
    // so promtool also loads and checks the rules the stack will run.
    let config = prometheusConfig;
    let mounted = 0;
    for (const [target, source] of bindMounts('prometheus')) {
      if (!/\/etc\/prometheus\/(alerts|rules)$/.test(target)) continue;
      const copy = path.join(work, path.basename(target));
      cpSync(source, copy, { recursive: true });
      mounted += readdirSync(copy).filter((f) => f.endsWith('.yml')).length;
      config = config.replaceAll(`${target}/`, `${copy}/`);
    }
    assert.ok(mounted >= 2, 'the shipped alerts/*.yml and rules/*.yml are mounted into Prometheus');
    const file = path.join(work, 'prometheus.yml');
    writeFileSync(file, config);
    const check = run('promtool', ['check', 'config', file]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /SUCCESS: \d+ rule files found/);
  });

  it('scrapes the compose agent under the job name the shipped alerts select', () => {
    const parsed = parse(prometheusConfig) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] };
    const jobs = new Map(parsed.scrape_configs.map((c) => [c.job_name, c]));
    const alertText = readdirSync(path.join(ROOT, 'alerts')).map((f) => readFileSync(path.join(ROOT, 'alerts', f), 'utf8')).join('\n');
    for (const [, job] of alertText.matchAll(/job="([^"]+)"/g)) assert.ok(jobs.has(job!), `alerts use job="${job}"`);
    const agentPort = (parse(compose.configs.gust_agent_config!.content!) as { listen: { port: number } }).listen.port;
    assert.deepEqual(jobs.get('gust')?.static_configs?.[0]?.targets, [`gust-agent:${agentPort}`]);
  });
});

describe('deploy/alertmanager.yml', () => {
  const file = path.join(DEPLOY, 'alertmanager.yml');

  it('passes amtool check-config', () => {
    const check = run('amtool', ['check-config', file]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });

  it('routes critical alerts to the on-call webhook and the rest to the team webhook', () => {
    const routes = (labels: string[]) => run('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]).stdout.trim();
    assert.equal(routes(['alertname=GustServerDown', 'severity=critical']), 'oncall-webhook');
    assert.equal(routes(['alertname=GustHostHighCpu', 'severity=warning']), 'team-webhook');
    assert.equal(routes(['alertname=GustServerRestarted', 'severity=info']), 'blackhole');
  });
});

describe('deploy/docker-compose.yml', () => {
  it('runs the agent, Prometheus, Alertmanager, Grafana and Redis', () => {
    for (const name of ['gust-agent', 'prometheus', 'alertmanager', 'grafana', 'redis']) assert.ok(compose.services[name], name);
    assert.ok(compose.services['gust-agent']!.build, 'the agent is built from this repository');
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image && !service.build) assert.match(service.image, /:[\w.-]+$/, `${name}: pinned image tag`);
      for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, `${name}: ports on loopback only`);
    }
  });

  it('mounts files and directories that exist', () => {
    for (const service of Object.keys(compose.services)) {
      for (const [target, source] of bindMounts(service)) assert.ok(existsSync(source), `${service}: ${source} -> ${target}`);
    }
  });

  it('gives the agent a config that passes check-config and uses the compose Redis', () => {
    const mount = compose.services['gust-agent']!.configs?.[0];
    assert.deepEqual(mount, { source: 'gust_agent_config', target: '/etc/gust-agent/config.yaml' });
    const content = compose.configs.gust_agent_config!.content!;
    assert.ok(!content.includes('$'), 'compose would interpolate "$" in inline content');
    const config = path.join(work, 'compose-agent.yaml');
    writeFileSync(config, content.replace('/var/lib/gust-agent', path.join(work, 'state')));
    const check = run('node', [path.join(ROOT, 'bin/gust-agent'), 'check-config', '--config', config]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(content, /redis:\/\/redis:6379/);
  });
});
