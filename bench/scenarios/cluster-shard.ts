/**
 * Scenario 9: 2,000 servers polled by three agents in `cluster: { mode: shard }` against one
 * agent polling all of them: each agent's CPU and RSS, read from /proc after a warm-up. The
 * servers are the bench fleet's (RCON and query to closed loopback ports, every probe fails at
 * once) without log files: a central poller has none, and logs are never sharded.
 * GUST_BENCH_CLUSTER_SERVERS sets the fleet size (a smoke run on a shared machine).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startRedis } from '../../test/support/redis.ts';
import { spawnAgent, type AgentProcess } from '../lib/agent-process.ts';
import { createFleet } from '../lib/fleet.ts';
import { timedGet } from '../lib/http.ts';
import { cpuPercent, sampleProcess, type ProcSample } from '../lib/proc.ts';
import { figure, type Figure, type Scenario } from '../lib/result.ts';
import { MiB, round } from '../lib/stats.ts';

const SERVERS = Number(process.env.GUST_BENCH_CLUSTER_SERVERS ?? 2000);
const MEMBERS = 3;

export const clusterShard: Scenario = {
  id: 'cluster-shard',
  number: 9,
  title: `${SERVERS} servers: 3 agents in shard mode against 1 agent, CPU and RSS per agent`,
  async run(options) {
    const dir = path.join(options.workDir, 'cluster-shard');
    mkdirSync(dir, { recursive: true });
    const fleet = await createFleet({
      servers: SERVERS,
      dir,
      host: false,
      overrides: { auto_commands: { interval: '10s', adaptive_interval: false, max_concurrent: 50, timeout: '1s' } },
    });
    const base = JSON.parse(fleet.yaml) as { servers: Array<Record<string, unknown>>; [key: string]: unknown };
    for (const server of base.servers) delete server.logs;
    const redis = await startRedis();
    const warmupMs = options.quick ? 5_000 : 30_000;
    const seconds = options.quick ? 15 : 120;
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    try {
      const alone = await measure([{ ...base, state_dir: path.join(dir, 'alone') }], dir, 'alone', warmupMs, seconds);
      const members = await measure(
        Array.from({ length: MEMBERS }, (_, i) => ({
          ...base,
          state_dir: path.join(dir, `member-${i}`),
          cache: { redis: { url: redis.url, key_prefix: 'bench:' } },
          cluster: { mode: 'shard', member_id: `member-${i}`, expected_members: MEMBERS },
        })),
        dir,
        'member',
        warmupMs,
        seconds,
      );
      figures.push(
        figure(`CPU, 1 agent @${SERVERS}`, alone[0]!.cpu, '% core'),
        figure(`RSS max, 1 agent @${SERVERS}`, alone[0]!.rssMiB, 'MiB'),
        figure(`CPU per member, max of ${MEMBERS} @${SERVERS}`, Math.max(...members.map((m) => m.cpu)), '% core'),
        figure(`CPU of all ${MEMBERS} members @${SERVERS}`, round(members.reduce((a, m) => a + m.cpu, 0), 2), '% core'),
        figure(`RSS max per member @${SERVERS}`, Math.max(...members.map((m) => m.rssMiB)), 'MiB'),
        figure(`servers per member (min-max) @${SERVERS}`, Math.min(...members.map((m) => m.leases)), 'servers', undefined, `max ${Math.max(...members.map((m) => m.leases))}`),
      );
      details.alone = alone;
      details.members = members;
      details.measured_seconds = seconds;
      return { status: 'ok', figures, details };
    } finally {
      await redis.stop();
    }
  },
};

interface Measured {
  cpu: number;
  rssMiB: number;
  leases: number;
}

async function measure(configs: Array<Record<string, unknown>>, dir: string, name: string, warmupMs: number, seconds: number): Promise<Measured[]> {
  const agents: AgentProcess[] = [];
  try {
    for (const [i, config] of configs.entries()) {
      // JSON is YAML.
      agents.push(await spawnAgent(path.join(dir, `${name}-${i}.yaml`), `${JSON.stringify(config)}\n`));
    }
    await sleep(warmupMs);
    const first = agents.map((a) => sampleProcess(a.pid));
    const samples: ProcSample[][] = agents.map((_, i) => [first[i]!]);
    for (let s = 0; s < seconds; s++) {
      await sleep(1000);
      agents.forEach((a, i) => samples[i]!.push(sampleProcess(a.pid)));
    }
    return Promise.all(
      agents.map(async (a, i) => {
        const text = (await timedGet(`${a.url}/metrics`)).body;
        const leases = /^gust_cluster_leases_held (\S+)$/m.exec(text)?.[1];
        return {
          cpu: round(cpuPercent(samples[i]![0]!, samples[i]!.at(-1)!), 2),
          rssMiB: round(Math.max(...samples[i]!.map((p) => p.rssBytes)) / MiB, 1),
          leases: leases === undefined ? configs.length === 1 ? SERVERS : 0 : Number(leases),
        };
      }),
    );
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
