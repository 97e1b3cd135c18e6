/** The real daemon (bin/gust-agent) as its own process, for faults that would stall a test process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eventually, tempDir } from '../support/agent.ts';

export const BIN = path.join(import.meta.dirname, '../../bin/gust-agent');

export interface Daemon {
  child: ChildProcess;
  url: string;
  dir: string;
  configPath: string;
  /** Every stdout/stderr line so far. */
  output: string[];
  kill(): void;
}

export interface DaemonOptions {
  env?: NodeJS.ProcessEnv;
  /** A command the daemon runs under, e.g. ['prlimit', '--nofile=4096:4096']. */
  wrap?: string[];
  dir?: string;
}

/** `body` follows a header with listen, state_dir and host; resolves once the agent listens. */
export async function startDaemon(body: string, options: DaemonOptions = {}): Promise<Daemon> {
  const dir = options.dir ?? tempDir();
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, `${daemonHeader(dir)}${body}`);
  const [program, ...args] = [...(options.wrap ?? []), BIN, '--config', configPath];
  const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const output: string[] = [];
  let url: string | undefined;
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    output.push(line);
    if (url === undefined && line.includes('"gust-agent listening"')) url = (JSON.parse(line) as { url: string }).url.replace('0.0.0.0', '127.0.0.1');
  });
  const kill = () => void child.kill('SIGKILL');
  try {
    await eventually(() => url ?? (child.exitCode !== null ? Promise.reject(new Error(output.join('\n'))) : undefined), 15_000, 'agent listening');
  } catch (err) {
    kill();
    throw err;
  }
  return { child, url: url!, dir, configPath, output, kill };
}

export function daemonHeader(dir: string): string {
  return `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${dir}/state\nhost: { enabled: false }\nlog: { level: debug }\n`;
}

/** Resolves with the status, or "timeout" when the agent did not answer within `ms`. */
export async function statusWithin(url: string, ms: number, init: RequestInit = {}): Promise<number | 'timeout'> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'timeout';
  }
}
