/**
 * Scenario 7: HTTP API throughput — GET /api/v1/servers/:id with wrk at 50 concurrent
 * connections against an agent with 50 servers: requests/s and latency p50/p99.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createFleet } from '../lib/fleet.ts';
import { spawnAgent } from '../lib/agent-process.ts';
import { profileFlags } from '../lib/fleet-measure.ts';
import { timedGet } from '../lib/http.ts';
import { figure, unavailable, type Scenario } from '../lib/result.ts';
import { round } from '../lib/stats.ts';
import { runWrk, WRK, wrkAvailable } from '../lib/wrk.ts';

const CONNECTIONS = 50;

export const apiThroughput: Scenario = {
  id: 'api',
  number: 7,
  title: 'API throughput: GET /api/v1/servers/:id, wrk, 50 connections',
  async run(options) {
    if (!wrkAvailable()) return unavailable(`${WRK} is not installed (apt-get install wrk)`);
    const dir = path.join(options.workDir, 'api');
    mkdirSync(dir, { recursive: true });
    const fleet = await createFleet({ servers: 50, dir });
    const agent = await spawnAgent(fleet.configPath, fleet.yaml, { nodeFlags: profileFlags(options, 'api') });
    try {
      const url = `${agent.url}/api/v1/servers/${fleet.serverIds[0]}`;
      const probe = await timedGet(url);
      if (probe.status !== 200) return unavailable(`GET /api/v1/servers/:id answered ${probe.status} (API not implemented yet?): ${probe.body.slice(0, 120)}`);
      // Warm-up run (JIT, first command round and log reads after start), not counted.
      await runWrk(url, { connections: CONNECTIONS, threads: 2, seconds: 1 });
      const seconds = options.quick ? 3 : 30;
      const r = await runWrk(url, { connections: CONNECTIONS, threads: 2, seconds });
      return {
        status: 'ok',
        figures: [
          figure('API requests/s @50 conns', round(r.requestsPerSecond, 0), 'req/s'),
          figure('API p50 @50 conns', round(r.p50Ms), 'ms'),
          figure('API p99 @50 conns', round(r.p99Ms), 'ms'),
          figure('API non-2xx', r.non2xx, 'responses'),
        ],
        details: { seconds, connections: CONNECTIONS, requests: r.requests, socket_errors: r.socketErrors ?? null, wrk_output: r.raw },
      };
    } finally {
      await agent.stop();
    }
  },
};
