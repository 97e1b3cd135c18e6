/**
 * Host metrics versus Debian's prometheus-node-exporter, measured in the same run: scrape
 * latency and CPU per scrape of node_exporter (default collectors) against the agent with no
 * game servers and only host metrics on. Ratios < 1 mean the agent is cheaper.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createFleet } from '../lib/fleet.ts';
import { spawnAgent } from '../lib/agent-process.ts';
import { profileFlags } from '../lib/fleet-measure.ts';
import { timedGet, timeSequential, waitFor } from '../lib/http.ts';
import { freePort } from '../lib/ports.ts';
import { sampleProcess } from '../lib/proc.ts';
import { figure, unavailable, type Scenario } from '../lib/result.ts';
import { percentile, round } from '../lib/stats.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

interface ScrapeCost {
  p50Ms: number;
  p99Ms: number;
  cpuMsPerScrape: number;
  bytes: number;
}

async function scrapeCost(pid: number, url: string, count: number): Promise<ScrapeCost> {
  await timeSequential(url, 10); // warm-up
  const before = sampleProcess(pid);
  const { latencies, last } = await timeSequential(url, count);
  const after = sampleProcess(pid);
  return {
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    cpuMsPerScrape: round(((after.cpuSeconds - before.cpuSeconds) * 1000) / count),
    bytes: Buffer.byteLength(last.body),
  };
}

export const nodeExporter: Scenario = {
  id: 'node-exporter',
  number: 8,
  title: 'Host-only scrape versus prometheus-node-exporter (same run)',
  async run(options) {
    if (!existsSync(NODE_EXPORTER)) return unavailable(`${NODE_EXPORTER} is not installed (apt-get install prometheus-node-exporter)`);
    const count = options.quick ? 100 : 500;
    const port = await freePort();
    const exporter = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    const exited = new Promise((r) => exporter.once('exit', r));
    let peer: ScrapeCost;
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      await waitFor(async () => ((await timedGet(url)).status === 200 ? true : undefined), 10_000, 'node_exporter');
      peer = await scrapeCost(exporter.pid!, url, count);
    } finally {
      exporter.kill('SIGTERM');
      await exited;
    }
    const dir = path.join(options.workDir, 'host-only');
    mkdirSync(dir, { recursive: true });
    const fleet = await createFleet({ servers: 0, dir, host: true });
    const agent = await spawnAgent(fleet.configPath, fleet.yaml, { nodeFlags: profileFlags(options, 'host-only') });
    let ours: ScrapeCost;
    try {
      ours = await scrapeCost(agent.pid, `${agent.url}/metrics`, count);
    } finally {
      await agent.stop();
    }
    return {
      status: 'ok',
      figures: [
        figure('agent host scrape p50', ours.p50Ms, 'ms'),
        figure('node_exporter scrape p50', peer.p50Ms, 'ms'),
        figure('scrape time ratio agent/node_exporter', round(ours.p50Ms / peer.p50Ms), 'x', undefined, 'p50; < 1 = agent faster'),
        figure('CPU per scrape ratio agent/node_exporter', round(ours.cpuMsPerScrape / peer.cpuMsPerScrape), 'x', undefined, '< 1 = agent cheaper'),
      ],
      details: { scrapes: count, agent: ours, node_exporter: peer },
    };
  },
};
