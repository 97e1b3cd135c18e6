/** The agent as its own process (`bin/gust-agent --config FILE`), for SIGKILL and privilege tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../support/agent.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildAgent {
  child: ChildProcess;
  url: string;
  scrape(): Promise<string>;
  kill(signal: NodeJS.Signals): Promise<void>;
  logs: string[];
}

/**
 * `withoutFileOverride`: as root, run without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (setpriv
 * execs in place, same pid), so file modes apply to the agent while it can still reach the
 * repository wherever it was cloned (a different user could not enter a root-only temp dir).
 */
export async function spawnAgent(configPath: string, options: { withoutFileOverride?: boolean } = {}): Promise<ChildAgent> {
  const agentArgs = [path.join(ROOT, 'bin/gust-agent'), '--config', configPath];
  const [command, args] = options.withoutFileOverride
    ? ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--', process.execPath, ...agentArgs]]
    : [process.execPath, agentArgs];
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stderr! }).on('line', (l) => logs.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not listen:\n${logs.join('\n')}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      if (!line.includes('gust-agent listening')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`agent exited before listening:\n${logs.join('\n')}`)));
  });
  await eventually(async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 60_000, 'agent ready');
  return {
    child,
    url,
    logs,
    async scrape() {
      const res = await fetch(`${url}/metrics`);
      return res.text();
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
