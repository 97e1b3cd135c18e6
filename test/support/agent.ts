/**
 * Starts a real agent in this process on a free loopback port, from YAML text, the way
 * users write config. Logs go to an array so tests can assert on them (e.g. no secrets).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Agent } from '../../src/agent.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';

export interface TestAgent {
  agent: Agent;
  url: string;
  dir: string;
  configPath: string;
  logs: string[];
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'gust-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** `yaml` is the config body; listen and state_dir are filled in unless given. */
export async function startAgent(yaml: string, options: { dir?: string; watchConfig?: boolean } = {}): Promise<TestAgent> {
  const dir = options.dir ?? tempDir();
  const configPath = path.join(dir, 'config.yaml');
  const header = [
    /^listen:/m.test(yaml) ? '' : 'listen: { host: 127.0.0.1, port: 0 }',
    /^state_dir:/m.test(yaml) ? '' : `state_dir: ${path.join(dir, 'state')}`,
    /^host:/m.test(yaml) ? '' : 'host: { enabled: false }',
    /^log:/m.test(yaml) ? '' : 'log: { level: debug }',
  ].filter(Boolean).join('\n');
  writeFileSync(configPath, `${header}\n${yaml}\n`);
  const { config } = await loadConfigFile(configPath);
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { logs.push(String(chunk)); cb(); } });
  const logger = createLogger(config.log, sink);
  const agent = new Agent({ config, configPath, logger, watchConfig: options.watchConfig ?? false });
  await agent.start();
  const url = agent.url;
  return {
    agent, url, dir, configPath, logs,
    async scrape() {
      const res = await fetch(`${url}/metrics`);
      if (!res.ok) throw new Error(`scrape failed: ${res.status}`);
      return res.text();
    },
    stop: () => agent.stop(),
  };
}

/** The value of one series in an exposition, e.g. seriesValue(text, 'gust_server_up{server="a"}'). */
export function seriesValue(exposition: string, series: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** Polls `check` on each event-loop turn batch until it returns a value or the deadline passes. Use for state reached by background work. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
