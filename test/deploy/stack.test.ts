/**
 * The compose monitoring stack: prometheus.yml passes `promtool check config` with the shipped
 * rules mounted where compose mounts them, alertmanager.yml passes `amtool check-config` and routes
 * as documented, and the compose file's mounts, agent config and service names fit together.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { tempDir } from '../support/agent.ts';
import { bindMounts, compose, composeAgentConfig, DEPLOY, prometheusConfig, prometheusConfigWithLocalRules, ROOT } from './support.ts';

const work = tempDir('gust-stack-');
after(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.error, undefined, `${command} must be installed (test/setup/install-deps.sh)`);
  return result;
}

describe('deploy/prometheus.yml', () => {
  it('passes promtool check config, with the shipped rules where compose mounts them', () => {
    const { config, ruleFiles } = prometheusConfigWithLocalRules(work);
    assert.ok(ruleFiles >= 2, 'the shipped alerts/*.yml and rules/*.yml are mounted into Prometheus');
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
    const agentPort = (parse(composeAgentConfig()) as { listen: { port: number } }).listen.port;
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

  it('provisions Grafana with the Prometheus service and the mounted dashboards', () => {
    const mounts = bindMounts('grafana');
    const provisioning = mounts.get('/etc/grafana/provisioning');
    assert.ok(provisioning, 'provisioning directory mounted');
    const readYaml = <T>(dir: string) =>
      readdirSync(path.join(provisioning, dir)).filter((f) => /\.ya?ml$/.test(f))
        .map((f) => parse(readFileSync(path.join(provisioning, dir, f), 'utf8')) as T);
    const datasources = readYaml<{ datasources: { type: string; url: string }[] }>('datasources').flatMap((d) => d.datasources);
    assert.ok(datasources.some((d) => d.type === 'prometheus' && d.url === 'http://prometheus:9090'), 'datasource points at the compose Prometheus');
    const providers = readYaml<{ providers: { options: { path: string } }[] }>('dashboards').flatMap((d) => d.providers);
    for (const provider of providers) {
      const source = mounts.get(provider.options.path);
      assert.ok(source, `${provider.options.path} is mounted`);
      assert.ok(readdirSync(source).some((f) => f.endsWith('.json')), `dashboards in ${source}`);
    }
  });

  it('gives the agent a config that passes check-config and uses the compose Redis', () => {
    const mount = compose.services['gust-agent']!.configs?.[0];
    assert.deepEqual(mount, { source: 'gust_agent_config', target: '/etc/gust-agent/config.yaml' });
    const content = composeAgentConfig();
    assert.ok(!content.includes('$'), 'compose would interpolate "$" in inline content');
    const config = path.join(work, 'compose-agent.yaml');
    writeFileSync(config, content.replace('/var/lib/gust-agent', path.join(work, 'state')));
    const check = run('node', [path.join(ROOT, 'bin/gust-agent'), 'check-config', '--config', config]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(content, /redis:\/\/redis:6379/);
  });
});
