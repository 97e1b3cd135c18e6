/**
 * Runs the agent the way users do — `node bin/gust-agent --config FILE` as its own process —
 * so its RSS and CPU can be read from /proc without the benchmark's own allocations in them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedGet, waitFor } from './http.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AgentProcess {
  pid: number;
  url: string;
  /** Milliseconds from spawn until /-/ready answered 200. */
  startupMs: number;
  /** The last lines the agent logged (for error reports). */
  recentLogs(): string[];
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir', DIR]. */
  nodeFlags?: string[];
  readyTimeoutMs?: number;
}

/** The agent under test; GUST_BENCH_BIN points at another build (e.g. a copy of bin/ + dist/ to compare). */
export const AGENT_BIN = process.env.GUST_BENCH_BIN ?? path.join(REPO_ROOT, 'bin/gust-agent');

/**
 * The Node.js binary agents run on: `npm run bench -- --node BIN` sets GUST_BENCH_NODE for each
 * binary in turn (default: the one running the benchmark).
 */
export function agentNode(): string {
  return process.env.GUST_BENCH_NODE || process.execPath;
}

/** The node flags of the program's `#!/usr/bin/env -S node FLAGS` line: what systemd and Docker run it with. */
export function shebangFlags(bin = AGENT_BIN): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0]!;
  const words = first.replace(/^#!\S+\s+(-S\s+)?/, '').split(/\s+/);
  return words.slice(1).filter(Boolean); // words[0] is node
}

/** Writes `yaml` to `configPath`, starts the agent and waits until it is listening and ready. */
export async function spawnAgent(configPath: string, yaml: string, options: SpawnOptions = {}): Promise<AgentProcess> {
  writeFileSync(configPath, yaml);
  const started = performance.now();
  const child = spawn(agentNode(), [...shebangFlags(), ...(options.nodeFlags ?? []), AGENT_BIN, '--config', configPath], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const logs: string[] = [];
  const remember = (line: string) => {
    logs.push(line);
    if (logs.length > 50) logs.shift();
  };
  let exited: { code: number | null; signal: string | null } | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => { exited = { code, signal }; resolve(); }));
  createInterface({ input: child.stderr! }).on('line', remember);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not listen within 60 s:\n${logs.join('\n')}`)), 60_000);
    // Reading stdout to the end also keeps the pipe drained, so logging never blocks the agent.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      if (!line.includes('gust-agent listening')) return;
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) { clearTimeout(timer); resolve(parsed.url); }
      } catch { /* not JSON: keep waiting */ }
    });
    void exit.then(() => { clearTimeout(timer); reject(new Error(`agent exited (${JSON.stringify(exited)}) before listening:\n${logs.join('\n')}`)); });
  });
  const handle: AgentProcess = {
    pid: child.pid!,
    url,
    startupMs: 0,
    recentLogs: () => [...logs],
    stop: () => stopChild(child, exit, () => exited !== undefined),
  };
  try {
    await waitFor(async () => ((await timedGet(`${url}/-/ready`)).status === 200 ? true : undefined), options.readyTimeoutMs ?? 120_000, 'agent readiness');
  } catch (err) {
    await handle.stop();
    throw err;
  }
  handle.startupMs = performance.now() - started;
  return handle;
}

async function stopChild(child: ChildProcess, exit: Promise<void>, hasExited: () => boolean): Promise<void> {
  if (hasExited()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exit;
  clearTimeout(timer);
}
