/**
 * One agent run per fleet size, shared by the scrape-latency and memory scenarios: start the
 * agent on a generated fleet, warm it up, read its RSS, then time sequential scrapes. Results
 * are kept per size so `npm run bench` starts each fleet once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createFleet } from './fleet.ts';
import { agentNode, spawnAgent } from './agent-process.ts';
import { timeSequential } from './http.ts';
import { sampleProcess } from './proc.ts';
import type { RunOptions } from './result.ts';

export const FLEET_SIZES = [50, 500, 2000] as const;

export interface FleetMeasurement {
  servers: number;
  startupMs: number;
  warmupSeconds: number;
  rssAfterWarmupBytes: number;
  rssAfterScrapesBytes: number;
  peakRssBytes: number;
  scrapeLatenciesMs: number[];
  expositionBytes: number;
  expositionSeries: number;
  cpuSecondsTotal: number;
}

/** Per Node.js binary (`--node`) and fleet size. */
const cache = new Map<string, Promise<FleetMeasurement>>();

export function measureFleet(servers: number, options: RunOptions): Promise<FleetMeasurement> {
  const key = `${agentNode()}\u0000${servers}`;
  let result = cache.get(key);
  if (!result) {
    result = runFleet(servers, options);
    cache.set(key, result);
  }
  return result;
}

async function runFleet(servers: number, options: RunOptions): Promise<FleetMeasurement> {
  const dir = path.join(options.workDir, `fleet-${servers}`);
  mkdirSync(dir, { recursive: true });
  const fleet = await createFleet({ servers, dir });
  const agent = await spawnAgent(fleet.configPath, fleet.yaml, { nodeFlags: profileFlags(options, `fleet-${servers}`) });
  try {
    const metricsUrl = `${agent.url}/metrics`;
    // Warm-up: the first command round and queries fail, log files are read, JIT settles.
    const warmupSeconds = options.quick ? 2 : 30;
    const warmupEnd = performance.now() + warmupSeconds * 1000;
    await timeSequential(metricsUrl, options.quick ? 5 : 20);
    await new Promise((r) => setTimeout(r, Math.max(0, warmupEnd - performance.now())));
    const afterWarmup = sampleProcess(agent.pid);
    const count = options.quick ? (servers >= 2000 ? 30 : servers >= 500 ? 50 : 100) : servers >= 2000 ? 200 : 500;
    const { latencies, last } = await timeSequential(metricsUrl, count);
    const afterScrapes = sampleProcess(agent.pid);
    return {
      servers,
      startupMs: agent.startupMs,
      warmupSeconds,
      rssAfterWarmupBytes: afterWarmup.rssBytes,
      rssAfterScrapesBytes: afterScrapes.rssBytes,
      peakRssBytes: afterScrapes.peakRssBytes,
      scrapeLatenciesMs: latencies,
      expositionBytes: Buffer.byteLength(last.body),
      expositionSeries: last.body.split('\n').filter((l) => l && !l.startsWith('#')).length,
      cpuSecondsTotal: afterScrapes.cpuSeconds,
    };
  } finally {
    await agent.stop();
  }
}

export function profileFlags(options: RunOptions, name: string): string[] {
  if (!options.profileDir) return [];
  const dir = path.join(options.profileDir, name);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir];
}
