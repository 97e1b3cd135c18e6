/**
 * Auto-command benchmark (issues 4 and 8): N fake game servers (a third each SRCDS, Minecraft,
 * Rust WebRCON, from test/fakes/) in their own process (bench/commands/fleet-process.ts), the
 * agent in another (`bin/gust-agent`), this process only coordinating and reading /proc. Each
 * server has one command. Round 0 (connect and authenticate) and the warm-up rounds (10,000
 * commands in all: V8 needs them to optimise the command path) are not measured; for each
 * measured round:
 *
 * - round duration: first command received to last reply written, as the fakes saw it;
 * - per command, agent CPU (the budget figure): the agent process's CPU time (user + system,
 *   all threads, /proc/PID/stat) from 500 ms before the round is due until 100 ms after the
 *   fakes wrote its last reply, divided by the round's commands. This is what a command costs
 *   the agent: scheduling, framing and writing it, reading and parsing the reply, metrics,
 *   state and cache. Background timers' share of the window (agent_idle_share_ms_per_command,
 *   from the CPU measured between rounds) is left in, so the figure errs high;
 * - per command, wall clock beyond the fake: the agent's duration of the command (its own
 *   gust_command_duration_seconds, send to reply received; each server runs one command per
 *   round, so a server's _sum change between two scrapes is that one command) minus the time
 *   the fake spent on it (command received to reply written, its reply delay included). This
 *   is latency, not cost: with max_concurrent commands sent at once, their replies come back
 *   in a burst and each waits on the agent's one event loop behind the others (about
 *   max_concurrent / 2 × CPU per command on average), plus loopback and scheduling. It also
 *   holds any delay of the fakes' own event loop before they saw a command (fake_loop_delay);
 * - agent RSS, the fakes' CPU per command and event-loop delay (to show they kept up), and
 *   the highest number of commands in flight the fakes saw (must be <= max_concurrent).
 *
 * Scrapes (for the histogram) happen between rounds, outside the CPU windows. Alerts are off
 * (see configYaml).
 *
 *   node --import tsx bench/commands/run.ts [--servers 500[,2000...]] [--max-concurrent 50]
 *     [--rounds 3] [--warmup-commands 10000] [--interval MS] [--reply-delay 5] [--profile DIR]
 *     [--out FILE]
 *
 * writes bench/results/commands.json (one result per size, the machine and its load).
 * `runCommandBench()` is the entry point for the suite (bench/scenarios/command-round.ts);
 * docs/benchmarks.md section 4 says why the budget is judged on CPU, not the wall clock.
 * With --profile DIR the agent runs with --cpu-prof (profiles in DIR/commands-N/);
 * bench/commands/profile-top.ts reads one for the rounds' windows only.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, spawnAgent, type AgentProcess } from '../lib/agent-process.ts';
import { seriesValues } from '../lib/exposition.ts';
import { machineFacts } from '../lib/machine.ts';
import { timedGet } from '../lib/http.ts';
import { sampleProcess, type ProcSample } from '../lib/proc.ts';
import { MiB, round } from '../lib/stats.ts';
import { startFleetProcess, type FleetHandle } from './fleet-client.ts';
import type { FleetRound } from './fleet-process.ts';
import { commandHistogram, distribution, roundDurationsMs, type Distribution, type HistogramSnapshot } from './measure.ts';

export interface CommandBenchOptions {
  servers: number;
  maxConcurrent: number;
  /** Rounds measured, after round 0 (connecting) and the warm-up rounds. */
  rounds: number;
  /**
   * Commands run before measuring (round 0 included), rounded up to whole rounds: the agent's
   * CPU per command falls about fourfold over its first ~8,000 commands as V8 optimises the
   * command path, and an agent runs for days. Default 10,000.
   */
  warmupCommands?: number;
  /** Round interval; it does not enter the per-command figures (see defaultIntervalMs). */
  intervalMs: number;
  /** The fakes' own reply delay: what a real game server's work would cost. */
  replyDelayMs: number;
  workDir: string;
  nodeFlags?: string[];
}

export interface RoundFigures {
  duration_seconds: number;
  agent_cpu_ms_per_command: number;
  overhead_wall_mean_ms: number;
  overhead_wall_p99_ms: number;
  fleet_cpu_ms_per_command: number;
  fake_loop_delay_p99_ms: number;
  fake_loop_delay_max_ms: number;
  /** CLOCK_MONOTONIC µs (the clock of V8's CPU profiles) of the CPU window. */
  window_monotonic_us: [number, number];
}

export interface CommandBenchResult {
  servers: number;
  max_concurrent: number;
  interval_seconds: number;
  warmup_rounds: number;
  /** Rounds let pass unmeasured because the previous one ran too late to open the next CPU window. */
  rounds_skipped: number;
  fake_reply_delay_ms: number;
  startup_seconds: number;
  rounds: RoundFigures[];
  round_duration_seconds: number[];
  round_duration_max_seconds: number;
  commands_measured: number;
  /** The agent's command duration (send to reply handled), ms. */
  agent_command_ms: Distribution;
  /** The fakes' time per command (received to reply written, reply delay included), ms. */
  fake_command_ms: Distribution;
  /** Per command: agent duration minus fake time, ms (includes queueing on the agent's event loop). */
  overhead_wall_ms: Distribution;
  /** Agent CPU time per command over the rounds' windows (the budget figure), ms. */
  agent_cpu_ms_per_command: number;
  /** Agent CPU over the rounds' durations (% of one core): near 100, the agent's loop is the bottleneck. */
  agent_cpu_percent_during_rounds: number;
  agent_idle_cpu_percent: number;
  /** The part of agent_cpu_ms_per_command that idle background work (timers) would explain: idle rate × window / commands. */
  agent_idle_share_ms_per_command: number;
  fleet_cpu_ms_per_command: number;
  agent_rss_mib: number;
  agent_peak_rss_mib: number;
  max_in_flight_seen_by_fakes: number;
  max_in_flight_per_fake: number;
  failures: number;
}

const PASSWORD = 'bench-pw';
/** The CPU window opens this long before a round is due (the agent is idle then). */
const PRE_ROUND_MS = 500;
/** After the fakes wrote the last reply: time for the agent to read and handle it. */
const SETTLE_MS = 100;

const DEFAULT_WARMUP_COMMANDS = 10_000;

/**
 * Short intervals keep the warm-up to a minute: a measured round needs PRE_ROUND_MS, the round
 * (under 0.4 s at 500 servers, 1 s at 2,000 once warm, more on a busy machine) and a scrape
 * (up to 1 s at 2,000) before the next one.
 */
export function defaultIntervalMs(servers: number): number {
  return servers > 1000 ? 5_000 : 2_000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const epochNow = () => performance.timeOrigin + performance.now();
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function configYaml(options: CommandBenchOptions, fleet: FleetHandle): string {
  const entries = fleet.ports.map((port, i) => {
    const kind = fleet.kinds[i];
    const [game, transport, command] = kind === 'srcds' ? ['source', 'source', 'status'] : kind === 'minecraft' ? ['minecraft', 'source', 'list'] : ['rust', 'webrcon', 'serverinfo'];
    return `  - id: s${i}\n    game: ${game}\n    rcon: { transport: ${transport}, host: 127.0.0.1, port: ${port}, password: ${PASSWORD} }\n    commands: [${command}]`;
  });
  return [
    'listen: { host: 127.0.0.1, port: 0 }',
    `state_dir: ${path.join(options.workDir, 'state')}`,
    'log: { level: info }', // spawnAgent waits for the "listening" info line
    'host: { enabled: false }',
    // The alert evaluator runs every host.interval whatever the command rate (its cost is per
    // series, part of the steady-state scenario); here it would land in some rounds' windows only.
    'alerts: { enabled: false }',
    `auto_commands: { interval: ${options.intervalMs}ms, timeout: 8s, retries: 0, max_concurrent: ${options.maxConcurrent}, adaptive_interval: false, rotate_servers: true }`,
    'servers:',
    ...entries,
    '',
  ].join('\n');
}

export async function runCommandBench(options: CommandBenchOptions): Promise<CommandBenchResult> {
  const fleet = await startFleetProcess(options.servers, options.replyDelayMs, PASSWORD);
  try {
    const agent = await spawnAgent(path.join(options.workDir, 'commands-bench.yaml'), configYaml(options, fleet), { nodeFlags: options.nodeFlags });
    try {
      return await measureRounds(options, fleet, agent);
    } finally {
      await agent.stop();
    }
  } finally {
    await fleet.close();
  }
}

interface RoundSample {
  fleet: FleetRound;
  agentMs: number[];
  cpuBefore: ProcSample;
  cpuAfter: ProcSample;
  fleetCpuBefore: ProcSample;
  fleetCpuAfter: ProcSample;
  windowUs: [number, number];
}

async function measureRounds(options: CommandBenchOptions, fleet: FleetHandle, agent: AgentProcess): Promise<CommandBenchResult> {
  const { servers, intervalMs, rounds } = options;
  const warmupRounds = warmupRoundsFor(options);
  const roundTimeoutMs = intervalMs * 2 + 60_000;
  // Readiness waited for round 0 (connect + auth + one command each); then the warm-up rounds.
  let previous = await fleet.round(warmupRounds, roundTimeoutMs * (warmupRounds + 1));
  await sleep(SETTLE_MS);
  let histogram = await scrapeAfterRound(agent, servers, warmupRounds);
  let idleFrom = sampleProcess(agent.pid);
  const idle: Array<[ProcSample, ProcSample]> = [];
  const samples: RoundSample[] = [];
  let skipped = 0;
  for (let r = warmupRounds + 1; samples.length < rounds; r++) {
    // The scheduler arms the next round when a round starts: round r is due one interval after round r-1's first command.
    const wait = previous.firstReceivedEpochMs + intervalMs - PRE_ROUND_MS - epochNow();
    if (wait < 0) {
      // The last round and its scrape ran late (a busy machine): let this round pass unmeasured.
      if (++skipped > rounds * 2) throw new Error(`round ${r}: ${skipped} rounds started before their CPU window could open; use a longer --interval`);
      previous = await fleet.round(r, roundTimeoutMs);
      await sleep(SETTLE_MS);
      histogram = await scrapeAfterRound(agent, servers, r);
      idleFrom = sampleProcess(agent.pid);
      continue;
    }
    await sleep(wait);
    const cpuBefore = sampleProcess(agent.pid);
    const fleetCpuBefore = sampleProcess(fleet.pid);
    const startUs = monotonicUs();
    idle.push([idleFrom, cpuBefore]);
    const current = await fleet.round(r, roundTimeoutMs);
    await sleep(SETTLE_MS);
    const cpuAfter = sampleProcess(agent.pid);
    const fleetCpuAfter = sampleProcess(fleet.pid);
    const windowUs: [number, number] = [startUs, monotonicUs()];
    const next = await scrapeAfterRound(agent, servers, r);
    samples.push({ fleet: current, agentMs: roundDurationsMs(histogram, next, servers, r), cpuBefore, cpuAfter, fleetCpuBefore, fleetCpuAfter, windowUs });
    histogram = next;
    previous = current;
    idleFrom = sampleProcess(agent.pid);
  }
  const failures = seriesValues(await scrape(agent), 'gust_command_failures_total').reduce((a, b) => a + b, 0);
  return summarise(options, agent, samples, idle, skipped, failures);
}

const scrape = async (agent: AgentProcess) => (await timedGet(`${agent.url}/metrics`, 60_000)).body;

/**
 * The agent's histogram once it counts every command up to round r: the fakes report a round
 * when they wrote its last reply, which the agent may not have handled yet.
 */
async function scrapeAfterRound(agent: AgentProcess, servers: number, r: number): Promise<HistogramSnapshot> {
  const expected = servers * (r + 1);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const snapshot = commandHistogram(await scrape(agent));
    const counted = [...snapshot.count.values()].reduce((a, b) => a + b, 0);
    if (counted >= expected) return snapshot;
    if (Date.now() > deadline) throw new Error(`round ${r}: the agent counts ${counted} successful commands, expected ${expected} (failures? see gust_command_failures_total)`);
    await sleep(20);
  }
}

function warmupRoundsFor(options: CommandBenchOptions): number {
  return Math.max(0, Math.ceil((options.warmupCommands ?? DEFAULT_WARMUP_COMMANDS) / options.servers) - 1);
}

/** First command received to last reply written, as the fakes saw it. */
const roundSeconds = (s: RoundSample) => (Math.max(...s.fleet.repliedMs) - Math.min(...s.fleet.receivedMs)) / 1000;

function summarise(options: CommandBenchOptions, agent: AgentProcess, samples: RoundSample[], idle: Array<[ProcSample, ProcSample]>, skipped: number, failures: number): CommandBenchResult {
  const { servers, intervalMs } = options;
  const cpuMs = (a: ProcSample, b: ProcSample) => (b.cpuSeconds - a.cpuSeconds) * 1000;
  const agentMs = samples.flatMap((s) => s.agentMs);
  const fakeMs = samples.flatMap((s) => s.fleet.repliedMs.map((t, i) => t - s.fleet.receivedMs[i]!));
  const overheadMs = agentMs.map((d, i) => d - fakeMs[i]!);
  const perRound = samples.map((s, k): RoundFigures => {
    const overhead = distribution(overheadMs.slice(k * servers, (k + 1) * servers));
    return {
      duration_seconds: round(roundSeconds(s), 3),
      agent_cpu_ms_per_command: round(cpuMs(s.cpuBefore, s.cpuAfter) / servers, 3),
      overhead_wall_mean_ms: round(overhead.mean, 3),
      overhead_wall_p99_ms: round(overhead.p99, 3),
      fleet_cpu_ms_per_command: round(cpuMs(s.fleetCpuBefore, s.fleetCpuAfter) / servers, 3),
      fake_loop_delay_p99_ms: round(s.fleet.fakeLoopDelayP99Ms, 2),
      fake_loop_delay_max_ms: round(s.fleet.fakeLoopDelayMaxMs, 2),
      window_monotonic_us: s.windowUs,
    };
  });
  const total = (f: (s: RoundSample) => number) => samples.reduce((a, s) => a + f(s), 0);
  const commands = servers * samples.length;
  const durations = perRound.map((r) => r.duration_seconds);
  const maxRound = Math.max(...durations);
  const rounded = (d: Distribution): Distribution => ({ mean: round(d.mean, 3), p50: round(d.p50, 3), p99: round(d.p99, 3), max: round(d.max, 3) });
  const idleSeconds = idle.reduce((a, [x, y]) => a + (y.atMs - x.atMs), 0) / 1000;
  const idlePercent = idle.reduce((a, [x, y]) => a + cpuMs(x, y), 0) / 10 / idleSeconds;
  const last = samples[samples.length - 1]!;
  return {
    servers,
    max_concurrent: options.maxConcurrent,
    interval_seconds: intervalMs / 1000,
    warmup_rounds: warmupRoundsFor(options),
    rounds_skipped: skipped,
    fake_reply_delay_ms: options.replyDelayMs,
    startup_seconds: round(agent.startupMs / 1000, 3),
    rounds: perRound,
    round_duration_seconds: durations,
    round_duration_max_seconds: maxRound,
    commands_measured: commands,
    agent_command_ms: rounded(distribution(agentMs)),
    fake_command_ms: rounded(distribution(fakeMs)),
    overhead_wall_ms: rounded(distribution(overheadMs)),
    agent_cpu_ms_per_command: round(total((s) => cpuMs(s.cpuBefore, s.cpuAfter)) / commands, 3),
    agent_cpu_percent_during_rounds: round(total((s) => cpuMs(s.cpuBefore, s.cpuAfter)) / 10 / total((s) => roundSeconds(s)), 1),
    agent_idle_cpu_percent: round(idlePercent, 2),
    agent_idle_share_ms_per_command: round((idlePercent / 100) * total((s) => s.cpuAfter.atMs - s.cpuBefore.atMs) / commands, 3),
    fleet_cpu_ms_per_command: round(total((s) => cpuMs(s.fleetCpuBefore, s.fleetCpuAfter)) / commands, 3),
    agent_rss_mib: round(Math.max(...samples.map((s) => s.cpuAfter.rssBytes)) / MiB, 1),
    agent_peak_rss_mib: round(last.cpuAfter.peakRssBytes / MiB, 1),
    max_in_flight_seen_by_fakes: last.fleet.maxInFlight,
    max_in_flight_per_fake: last.fleet.maxInFlightPerFake,
    failures,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      servers: { type: 'string', default: '500' },
      'max-concurrent': { type: 'string', default: '50' },
      rounds: { type: 'string', default: '3' },
      interval: { type: 'string' },
      'warmup-commands': { type: 'string', default: String(DEFAULT_WARMUP_COMMANDS) },
      'reply-delay': { type: 'string', default: '5' },
      profile: { type: 'string' },
      out: { type: 'string', default: path.join(REPO_ROOT, 'bench/results/commands.json') },
    },
  });
  const sizes = values.servers!.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bench/commands/run.ts: --servers ${values.servers}: expected N or N,M,...`);
  const profileDir = values.profile ? path.resolve(values.profile) : undefined;
  const loadAtStart = machineFacts().load_average;
  const results: CommandBenchResult[] = [];
  for (const servers of sizes) {
    const workDir = mkdtempSync(path.join(tmpdir(), 'gust-bench-commands-'));
    const profileTo = profileDir ? path.join(profileDir, `commands-${servers}`) : undefined;
    if (profileTo) mkdirSync(profileTo, { recursive: true });
    const profileFlags = profileTo ? ['--cpu-prof', '--cpu-prof-dir', profileTo] : undefined;
    try {
      const r = await runCommandBench({
        servers,
        maxConcurrent: Number(values['max-concurrent']),
        rounds: Number(values.rounds),
        warmupCommands: Number(values['warmup-commands']),
        intervalMs: values.interval ? Number(values.interval) : defaultIntervalMs(servers),
        replyDelayMs: Number(values['reply-delay']),
        workDir,
        nodeFlags: profileFlags,
      });
      results.push(r);
      process.stderr.write(
        `${servers} servers: agent CPU ${r.agent_cpu_ms_per_command} ms/command; wall clock beyond the fake mean ${r.overhead_wall_ms.mean} ms, p99 ${r.overhead_wall_ms.p99} ms; ` +
          `round ${r.round_duration_max_seconds} s; RSS ${r.agent_rss_mib} MiB; max in flight ${r.max_in_flight_seen_by_fakes}; failures ${r.failures}\n`,
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  const out = { benchmark: 'commands', at: new Date().toISOString(), machine: { ...machineFacts(), load_average_at_start: loadAtStart }, results };
  mkdirSync(path.dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
