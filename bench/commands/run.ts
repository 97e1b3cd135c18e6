/**
 * Auto-command benchmark (issue 4): N fake game servers on loopback (a third each SRCDS,
 * Minecraft, Rust WebRCON) and the agent as its own process. Measures, against the
 * configured interval:
 * - round duration: from the first to the last command of a full round, as the fakes saw it;
 * - the agent's own overhead per command: mean command duration minus the fakes' reply
 *   delay, and agent CPU time per command;
 * - agent RSS and CPU while rounds run;
 * - the highest number of commands in flight the fakes saw (must be <= max_concurrent).
 *
 *   node --import tsx bench/commands/run.ts [--servers 500] [--max-concurrent 50] [--rounds 3]
 *
 * writes bench/results/commands.json. `runCommandBench()` is the entry point for the suite.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, spawnAgent } from '../lib/agent-process.ts';
import { seriesValues } from '../lib/exposition.ts';
import { timedGet } from '../lib/http.ts';
import { cpuPercent, sampleProcess } from '../lib/proc.ts';
import { mean, MiB, round } from '../lib/stats.ts';
import { InFlightTracker } from '../../test/fakes/common.ts';
import { startSrcdsFake } from '../../test/fakes/srcds.ts';
import { startMinecraftFake } from '../../test/fakes/minecraft.ts';
import { startWebRconFake } from '../../test/fakes/webrcon.ts';

export interface CommandBenchOptions {
  servers: number;
  maxConcurrent: number;
  /** Full rounds measured after the first (which includes connecting). */
  rounds: number;
  intervalMs: number;
  /** The fakes' own reply delay: what a real game server's work would cost. */
  replyDelayMs: number;
  workDir: string;
  nodeFlags?: string[];
}

export interface CommandBenchResult {
  servers: number;
  max_concurrent: number;
  interval_seconds: number;
  fake_reply_delay_ms: number;
  startup_seconds: number;
  round_duration_seconds: number[];
  round_duration_max_seconds: number;
  round_vs_interval_ratio: number;
  commands_measured: number;
  command_duration_mean_ms: number;
  overhead_per_command_ms: number;
  agent_cpu_ms_per_command: number;
  agent_cpu_percent: number;
  agent_rss_mib: number;
  agent_peak_rss_mib: number;
  max_in_flight_seen_by_fakes: number;
  failures: number;
}

interface AnyFake {
  port: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export async function runCommandBench(options: CommandBenchOptions): Promise<CommandBenchResult> {
  const { servers, maxConcurrent, rounds, intervalMs, replyDelayMs, workDir } = options;
  const tracker = new InFlightTracker();
  const fakes: AnyFake[] = [];
  const entries: string[] = [];
  try {
    for (let i = 0; i < servers; i++) {
      const kind = i % 3;
      const common = { password: 'bench-pw', players: i % 50, replyDelayMs, tracker };
      const fake = kind === 0 ? await startSrcdsFake(common) : kind === 1 ? await startMinecraftFake(common) : await startWebRconFake(common);
      fakes.push(fake);
      const [game, transport, command] = kind === 0 ? ['source', 'source', 'status'] : kind === 1 ? ['minecraft', 'source', 'list'] : ['rust', 'webrcon', 'serverinfo'];
      entries.push(`  - id: s${i}\n    game: ${game}\n    rcon: { transport: ${transport}, host: 127.0.0.1, port: ${fake.port}, password: bench-pw }\n    commands: [${command}]`);
    }
    const yaml = [
      'listen: { host: 127.0.0.1, port: 0 }',
      `state_dir: ${path.join(workDir, 'state')}`,
      'log: { level: info }', // spawnAgent waits for the "listening" info line
      'host: { enabled: false }',
      `auto_commands: { interval: ${intervalMs}ms, timeout: 8s, retries: 0, max_concurrent: ${maxConcurrent}, adaptive_interval: false, rotate_servers: true }`,
      'servers:',
      ...entries,
      '',
    ].join('\n');
    const agent = await spawnAgent(path.join(workDir, 'commands-bench.yaml'), yaml, { nodeFlags: options.nodeFlags });
    try {
      // Readiness waited for the first round (connects + auth + one command each).
      await waitUntil(() => tracker.total >= servers, 60_000, 'first round');
      const scrape = async () => (await timedGet(`${agent.url}/metrics`)).body;
      const before = await scrape();
      const cpu0 = sampleProcess(agent.pid);
      const count0 = tracker.total;
      const durations: number[] = [];
      for (let r = 1; r <= rounds; r++) {
        await waitUntil(() => tracker.total >= servers * (r + 1), intervalMs * 3 + 60_000, `round ${r + 1}`);
        const round = tracker.arrivals.slice(servers * r, servers * (r + 1));
        durations.push((round[round.length - 1]! - round[0]! + replyDelayMs) / 1000);
      }
      await waitUntil(() => tracker.current === 0, 30_000, 'replies of the last round');
      await sleep(200);
      const cpu1 = sampleProcess(agent.pid);
      const after = await scrape();
      const commands = tracker.total - count0;
      const sum = (text: string) => seriesValues(text, 'gust_command_duration_seconds_sum').reduce((a, b) => a + b, 0);
      const count = (text: string) => seriesValues(text, 'gust_command_duration_seconds_count').reduce((a, b) => a + b, 0);
      const measured = count(after) - count(before);
      const meanMs = measured > 0 ? ((sum(after) - sum(before)) / measured) * 1000 : Number.NaN;
      const failures = seriesValues(after, 'gust_command_failures_total').reduce((a, b) => a + b, 0);
      const maxRound = Math.max(...durations);
      return {
        servers,
        max_concurrent: maxConcurrent,
        interval_seconds: intervalMs / 1000,
        fake_reply_delay_ms: replyDelayMs,
        startup_seconds: round(agent.startupMs / 1000, 3),
        round_duration_seconds: durations.map((d) => round(d, 3)),
        round_duration_max_seconds: round(maxRound, 3),
        round_vs_interval_ratio: round(maxRound / (intervalMs / 1000), 3),
        commands_measured: commands,
        command_duration_mean_ms: round(meanMs, 3),
        overhead_per_command_ms: round(meanMs - replyDelayMs, 3),
        agent_cpu_ms_per_command: round(((cpu1.cpuSeconds - cpu0.cpuSeconds) * 1000) / Math.max(1, commands), 3),
        agent_cpu_percent: round(cpuPercent(cpu0, cpu1), 2),
        agent_rss_mib: round(cpu1.rssBytes / MiB, 1),
        agent_peak_rss_mib: round(cpu1.peakRssBytes / MiB, 1),
        max_in_flight_seen_by_fakes: tracker.max,
        failures,
      };
    } finally {
      await agent.stop();
    }
  } finally {
    await Promise.all(fakes.map((f) => f.close()));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      servers: { type: 'string', default: '500' },
      'max-concurrent': { type: 'string', default: '50' },
      rounds: { type: 'string', default: '3' },
      interval: { type: 'string', default: '10000' },
      'reply-delay': { type: 'string', default: '5' },
      out: { type: 'string', default: path.join(REPO_ROOT, 'bench/results/commands.json') },
    },
  });
  const workDir = mkdtempSync(path.join(tmpdir(), 'gust-bench-commands-'));
  try {
    const result = await runCommandBench({
      servers: Number(values.servers),
      maxConcurrent: Number(values['max-concurrent']),
      rounds: Number(values.rounds),
      intervalMs: Number(values.interval),
      replyDelayMs: Number(values['reply-delay']),
      workDir,
    });
    const out = { benchmark: 'commands', at: new Date().toISOString(), node: process.version, result };
    mkdirSync(path.dirname(values.out!), { recursive: true });
    writeFileSync(values.out!, `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
