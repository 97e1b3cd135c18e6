/**
 * The compose stack's moving parts for real, on loopback: the agent runs with the config compose
 * gives it (its Redis pointed at a real redis-server), and a real Prometheus runs
 * deploy/prometheus.yml with the shipped rules, scrapes the agent as job "gust" and evaluates
 * every rule without errors. Only host names and intervals are changed to fit a test.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, startAgent, tempDir, type TestAgent } from '../support/agent.ts';
import { composeAgentConfig, freePort, prometheusConfigWithLocalRules } from './support.ts';

const work = tempDir('gust-prom-');
const children: ChildProcess[] = [];
let agent: TestAgent | undefined;
let prometheusUrl = '';

function startService(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { cwd: work, stdio: 'ignore' });
  children.push(child);
  return child;
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function promQuery<T>(apiPath: string): Promise<T> {
  const res = await fetch(`${prometheusUrl}${apiPath}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { data: T }).data;
}

before(async () => {
  const redisPort = await freePort();
  startService('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);

  const agentConfig = composeAgentConfig()
    .replace(/^listen: .*$/m, 'listen: { host: 127.0.0.1, port: 0 }')
    .replace(/^state_dir: .*$/m, `state_dir: ${path.join(work, 'state')}`)
    .replace('redis://redis:6379/0', `redis://127.0.0.1:${redisPort}/0`);
  agent = await startAgent(agentConfig, { dir: work });
  const agentTarget = new URL(agent.url).host;

  const { config } = prometheusConfigWithLocalRules(work);
  const testConfig = config
    .replace(/\b(scrape_interval|evaluation_interval): 15s/g, '$1: 1s')
    .replace(/scrape_timeout: 10s/, 'scrape_timeout: 1s')
    .replace('"gust-agent:9720"', `"${agentTarget}"`);
  assert.ok(testConfig.includes(agentTarget), 'the gust job targets the agent');
  const configFile = path.join(work, 'prometheus.yml');
  writeFileSync(configFile, testConfig);
  const promPort = await freePort();
  prometheusUrl = `http://127.0.0.1:${promPort}`;
  startService('prometheus', [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(work, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ]);
  await eventually(async () => (await fetch(`${prometheusUrl}/-/ready`)).ok || undefined, 30_000, 'Prometheus to be ready');
});

after(async () => {
  await agent?.stop();
  for (const child of children) await stopService(child);
  rmSync(work, { recursive: true, force: true });
});

describe('Prometheus running deploy/prometheus.yml', () => {
  it('scrapes the agent as job "gust"', async () => {
    await eventually(async () => {
      const up = await promQuery<{ result: { value: [number, string] }[] }>('/api/v1/query?query=up%7Bjob%3D%22gust%22%7D');
      return up.result[0]?.value[1] === '1' || undefined;
    }, 20_000, 'up{job="gust"} == 1');
    const info = await promQuery<{ result: unknown[] }>('/api/v1/query?query=gust_build_info%7Bjob%3D%22gust%22%7D');
    assert.equal(info.result.length, 1);
  });

  it('sees the agent connected to the Redis it was given', async () => {
    await eventually(async () => {
      const redis = await promQuery<{ result: { value: [number, string] }[] }>('/api/v1/query?query=gust_redis_up%7Bjob%3D%22gust%22%7D');
      return redis.result[0]?.value[1] === '1' || undefined;
    }, 20_000, 'gust_redis_up{job="gust"} == 1');
  });

  it('loads the shipped alerting and recording rules and evaluates them without errors', async () => {
    type Rules = { groups: { file: string; rules: { name: string; type: string; health: string; lastError?: string }[] }[] };
    const rules = await eventually(async () => {
      const data = await promQuery<Rules>('/api/v1/rules');
      const all = data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
    }, 20_000, 'every rule to be evaluated');
    assert.ok(rules.some((r) => r.type === 'alerting') && rules.some((r) => r.type === 'recording'));
    const broken = rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`);
    assert.deepEqual(broken, []);
  });
});
