/**
 * Soak: `npm run soak -- --duration 2h [--scale 1] [--fault-every 20s] [--out FILE]`.
 *
 * Runs the agent as its own process against 200 × scale protocol fakes (Source RCON,
 * Minecraft RCON, Rust WebRCON, in groups of up to 20 per process) and as many log files, a
 * real Redis as the cache's second layer, and injects faults on a fixed schedule:
 * fakes killed and restarted, hung (SIGSTOP), flooding, answering with another password;
 * logs rotated by rename and by copytruncate, and truncated; Redis killed and restarted, and
 * hung; the config reloaded good and bad; the agent SIGKILLed and restarted (the first fault
 * of each round; after the first round only in the first quarter and at least 14 minutes
 * before the last half, so the last half measures one process past its warm-up that has been
 * through every fault: one SIGKILL in a 30-minute run, eight in a 2-hour one).
 *
 * Checked continuously: no log line is counted twice (the agent's count of a file never
 * exceeds the lines written to it); at the end every line is counted (exactly once); every
 * scrape answers within 100 ms; RSS, open descriptors and event-loop delay stay flat: RSS
 * slope over the last half under 1 MiB per 10 minutes, the last quarter's highest descriptor
 * count within 10 % (+5) of the third quarter's, its median event-loop p99 within 1.5x (+1 ms).
 * Results go to bench/results/soak.json (or --out) and a summary is printed; exit 0 only when
 * every check passed. `--scale 0.1` gives 20 fakes and 20 files. Not part of `npm test`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawnAgent, REPO_ROOT, type AgentProcess } from '../bench/lib/agent-process.ts';
import { timedGet } from '../bench/lib/http.ts';
import { machineFacts } from '../bench/lib/machine.ts';
import { stablePorts } from '../bench/lib/ports.ts';
import { sampleProcess } from '../bench/lib/proc.ts';
import { percentile, round, MiB } from '../bench/lib/stats.ts';
import { parseDuration } from '../src/config/units.ts';
import { startRedis, type TestRedis } from '../test/support/redis.ts';
import type { FakeGroupSpec, FakeKind } from './fakes.ts';
import { LINE_MARK, LogFiles, type LogFile } from './logs.ts';

const PASSWORD = 'soak-rcon-pw';
const TOKEN = 'soak-api-token';
const GROUP_SIZE = 20;
const SCRAPE_BUDGET_MS = 100;
const RSS_SLOPE_BUDGET_MIB_PER_10MIN = 1;
/**
 * A started agent grows most of the way to its working size in about 14 minutes (30-minute
 * run (e): RSS 158 → 164 MiB between its 10th and 14th minute, then flat for 7), so the last
 * restart comes at least that long before the last half, whose RSS slope is checked. V8's
 * committed heap kept rising slowly after that (run (g): 65 → 73 MiB in minutes 15-30) until the
 * agent gave the old generation a 64 MiB floor (run (h): 71-79 MiB from the 2nd minute on).
 */
const WARM_UP_MS = 14 * 60_000;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30m' },
    scale: { type: 'string', default: '1' },
    'fault-every': { type: 'string', default: '20s' },
    'lines-per-second': { type: 'string' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'bench/results/soak.json') },
  },
});
const durationMs = parseDuration(values.duration!);
const faultEveryMs = parseDuration(values['fault-every']!);
const scale = Number(values.scale);
if (durationMs === undefined || faultEveryMs === undefined || !(scale > 0)) {
  console.error('usage: npm run soak -- [--duration 30m] [--scale 1] [--fault-every 20s] [--lines-per-second N] [--out FILE]');
  process.exit(2);
}
const servers = Math.max(3, Math.round(200 * scale));
/** Agent SIGKILLs after the first happen up to here: in the first quarter, and WARM_UP_MS before the last half. */
const lastSigkillMs = Math.min(durationMs / 4, durationMs / 2 - WARM_UP_MS);
const linesPerSecond = Number(values['lines-per-second'] ?? servers * 2);

// --- the world -------------------------------------------------------------------------------

interface Group {
  index: number;
  spec: FakeGroupSpec;
  child?: ChildProcess;
}

const kindOf = (i: number): FakeKind => (['srcds', 'minecraft', 'webrcon'] as const)[i % 3]!;

function startGroup(group: Group, change: Partial<FakeGroupSpec> = {}): Promise<void> {
  const spec = { ...group.spec, ...change };
  const child = fork(path.join(import.meta.dirname, 'fakes.ts'), [JSON.stringify(spec)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  group.child = child;
  return new Promise((resolve, reject) => {
    child.once('message', (m: { type: string; message?: string }) => (m.type === 'listening' ? resolve() : reject(new Error(m.message))));
    child.once('exit', (code) => reject(new Error(`fake group ${group.index} exited (${code}) before listening`)));
  });
}

async function stopGroup(group: Group, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const child = group.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGCONT'); // a hung group must be able to die
  child.kill(signal);
  await exited;
}

function agentYaml(opts: { port: number; stateDir: string; logs: LogFiles; redis: TestRedis; bad?: boolean }): string {
  const lines = [
    `listen: { host: 127.0.0.1, port: ${opts.port} }`,
    `state_dir: ${opts.stateDir}`,
    'log: { level: info }',
    'host: { interval: 15s }',
    `api: { tokens: [${TOKEN}], rate_limit: { max: 1000000, window: 1m } }`,
    `cache: { ttl: 60s, redis: { url: "${opts.redis.url}", operation_timeout: 250ms } }`,
    'auto_commands: { interval: 5s, timeout: 2s, retries: 1, error_backoff: 2s, max_backoff: 30s, max_concurrent: 10, adaptive_interval: false }',
    'rules:',
    `  - { name: soak_lines, match: "${LINE_MARK} \\\\d+ of", metric: gust_soak_lines_total, type: counter, sources: [log] }`,
    'servers:',
  ];
  opts.logs.files.forEach((f, i) => {
    const kind = kindOf(i);
    const transport = kind === 'webrcon' ? 'webrcon' : 'source';
    const game = kind === 'srcds' ? 'source' : kind === 'minecraft' ? 'minecraft' : 'rust';
    const command = kind === 'srcds' ? 'status' : kind === 'minecraft' ? 'list' : 'serverinfo';
    lines.push(
      `  - id: ${f.server}`,
      `    game: ${game}`,
      `    logs: [{ path: "${f.path}", game: generic, start_at: beginning }]`,
      `    rcon: { transport: ${transport}, port: ${ports[i]}, password: ${PASSWORD}, connect_timeout: 2s }`,
      `    commands: [${command}]`,
    );
  });
  if (opts.bad) lines.push('bogus_top_level_key: true');
  return `${lines.join('\n')}\n`;
}

// --- state of the run --------------------------------------------------------------------------

const dir = mkdtempSync(path.join(tmpdir(), 'gust-soak-'));
const logDir = path.join(dir, 'logs');
mkdirSync(logDir);
const configPath = path.join(dir, 'config.yaml');
const stateDir = path.join(dir, 'state');
const serverIds = Array.from({ length: servers }, (_, i) => `s${i}`);
const [agentPort, ...ports] = (await stablePorts(servers + 1)) as [number, ...number[]];

const logs = new LogFiles(logDir, serverIds);
const redis = await startRedis();
const groups: Group[] = [];
for (let g = 0; g * GROUP_SIZE < servers; g++) {
  const idx = serverIds.map((_, i) => i).slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE);
  groups.push({ index: g, spec: { kinds: idx.map(kindOf), ports: idx.map((i) => ports[i]!), password: PASSWORD, mode: 'normal', players: 5 } });
}
await Promise.all(groups.map((g) => startGroup(g)));

// Interrupted (Ctrl-C): leave no agent, fake or redis-server behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    try {
      process.kill(agent.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    for (const g of groups) g.child?.kill('SIGKILL');
    void redis.stop().finally(() => process.exit(130));
  });
}

const goodYaml = () => agentYaml({ port: agentPort, stateDir, logs, redis });
let agent: AgentProcess = await spawnAgent(configPath, goodYaml());
let agentDown = false;
const startedMs = Date.now();
const elapsedS = () => (Date.now() - startedMs) / 1000;
logs.start(linesPerSecond);

const scrapeMs: number[] = [];
const slowScrapes: Array<{ atS: number; ms: number }> = [];
const failedScrapes: Array<{ atS: number; error: string }> = [];
const doubleCounts: Array<{ atS: number; server: string; counted: number; written: number }> = [];
const samples: Array<{ atS: number; pid: number; rssMiB: number; fds: number; loopP99Ms: number | null; cpuSeconds: number }> = [];
const faults: Array<{ atS: number; kind: string; target: string; ok: boolean; note?: string }> = [];
let lastCounts = new Map<string, number>();
let lastLoopP99Ms: number | null = null;

const COUNT_RE = /^gust_soak_lines_total\{server="([^"]+)"\} (\S+)$/gm;

function readCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(COUNT_RE)) counts.set(m[1]!, Number(m[2]));
  return counts;
}

async function scrape(): Promise<string | undefined> {
  if (agentDown) return undefined;
  const pid = agent.pid;
  try {
    const res = await timedGet(`${agent.url}/metrics`, 5_000);
    if (agentDown || pid !== agent.pid) return undefined;
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    scrapeMs.push(res.ms);
    if (res.ms > SCRAPE_BUDGET_MS) slowScrapes.push({ atS: round(elapsedS(), 1), ms: round(res.ms, 1) });
    const counts = readCounts(res.body);
    // Compared with what was written after the scrape answered: a count above it is a double count.
    for (const f of logs.files) {
      const counted = counts.get(f.server) ?? 0;
      if (counted > f.written && doubleCounts.length < 100) doubleCounts.push({ atS: round(elapsedS(), 1), server: f.server, counted, written: f.written });
    }
    lastCounts = counts;
    const p99 = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(res.body)?.[1];
    lastLoopP99Ms = p99 === undefined ? null : Number(p99) * 1000;
    return res.body;
  } catch (err) {
    if (!agentDown && pid === agent.pid) failedScrapes.push({ atS: round(elapsedS(), 1), error: String(err).slice(0, 200) });
    return undefined;
  }
}

const caughtUp = async (f: LogFile) => {
  const text = await scrape();
  return text !== undefined && (readCounts(text).get(f.server) ?? 0) === f.written;
};

// --- faults ---------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let turn = 0;
const pick = <T>(list: T[]): T => list[turn % list.length]!;

/** The group answers as `change` says (another password, flooding) for `ms`, then normally again. */
async function restartGroupAs(g: Group, change: Partial<FakeGroupSpec>, ms: number) {
  await stopGroup(g);
  await startGroup(g, change);
  await sleep(ms);
  await stopGroup(g);
  await startGroup(g);
  return { target: `group ${g.index}`, ok: true };
}

async function reload(expected: number): Promise<boolean> {
  const res = await fetch(`${agent.url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status === expected;
}

const FAULTS: Array<{ kind: string; run(): Promise<{ target: string; ok: boolean; note?: string }> }> = [
  { kind: 'agent_sigkill_restart', async run() {
    // The first round's always: a short run still restarts the agent once.
    if (turn >= FAULTS.length && Date.now() - startedMs > lastSigkillMs) return { target: 'agent', ok: true, note: 'skipped: the last half measures one process past its warm-up' };
    agentDown = true;
    process.kill(agent.pid, 'SIGKILL');
    await sleep(500);
    agent = await spawnAgent(configPath, goodYaml());
    agentDown = false;
    return { target: 'agent', ok: true };
  } },
  { kind: 'fake_kill_restart', async run() {
    const g = pick(groups);
    await stopGroup(g);
    await sleep(3_000);
    await startGroup(g);
    return { target: `group ${g.index}`, ok: true };
  } },
  { kind: 'log_rotate_rename', async run() {
    const targets = logs.files.filter((_, i) => i % 10 === turn % 10);
    for (const f of targets) logs.rotateRename(f);
    return { target: `${targets.length} files`, ok: true };
  } },
  { kind: 'redis_kill_restart', async run() {
    await redis.kill();
    await sleep(10_000);
    await redis.start();
    return { target: 'redis', ok: true };
  } },
  { kind: 'fake_hang', async run() {
    const g = pick(groups);
    g.child?.kill('SIGSTOP');
    await sleep(10_000);
    g.child?.kill('SIGCONT');
    return { target: `group ${g.index}`, ok: true };
  } },
  { kind: 'log_copytruncate', async run() {
    const f = pick(logs.files);
    const ok = await logs.truncate(f, true, caughtUp, 30_000);
    return { target: f.server, ok, note: ok ? undefined : 'the agent did not catch up within 30 s' };
  } },
  { kind: 'config_reload_good', async run() {
    writeFileSync(configPath, goodYaml());
    return { target: 'config', ok: await reload(200) };
  } },
  { kind: 'fake_wrong_password', run: () => restartGroupAs(pick(groups), { password: 'not-the-configured-one' }, 15_000) },
  { kind: 'log_truncate', async run() {
    const f = pick(logs.files);
    const ok = await logs.truncate(f, false, caughtUp, 30_000);
    return { target: f.server, ok, note: ok ? undefined : 'the agent did not catch up within 30 s' };
  } },
  { kind: 'redis_hang', async run() {
    redis.pause();
    await sleep(5_000);
    redis.resume();
    return { target: 'redis', ok: true };
  } },
  { kind: 'fake_flood', run: () => restartGroupAs(pick(groups), { mode: 'flood' }, 10_000) },
  { kind: 'config_reload_bad', async run() {
    writeFileSync(configPath, agentYaml({ port: agentPort, stateDir, logs, redis, bad: true }));
    const refused = await reload(400);
    writeFileSync(configPath, goodYaml());
    const restored = await reload(200);
    return { target: 'config', ok: refused && restored };
  } },
];

async function faultLoop(until: number): Promise<void> {
  while (Date.now() + faultEveryMs! < until) {
    const next = Date.now() + faultEveryMs!;
    const fault = FAULTS[turn % FAULTS.length]!;
    const atS = round(elapsedS(), 1);
    try {
      faults.push({ atS, kind: fault.kind, ...(await fault.run()) });
    } catch (err) {
      faults.push({ atS, kind: fault.kind, target: '', ok: false, note: String(err).slice(0, 200) });
    }
    turn++;
    await sleep(Math.max(0, next - Date.now()));
  }
}

async function scrapeLoop(until: () => boolean): Promise<void> {
  while (!until()) {
    const next = Date.now() + 1_000;
    await scrape();
    await sleep(Math.max(0, next - Date.now()));
  }
}

async function sampleLoop(until: () => boolean): Promise<void> {
  while (!until()) {
    if (!agentDown) {
      try {
        const s = sampleProcess(agent.pid);
        samples.push({ atS: round(elapsedS(), 1), pid: agent.pid, rssMiB: round(s.rssBytes / MiB, 2), fds: readdirSync(`/proc/${agent.pid}/fd`).length, loopP99Ms: lastLoopP99Ms, cpuSeconds: round(s.cpuSeconds, 2) });
      } catch {
        // the process went away between the check and the read (a SIGKILL fault)
      }
    }
    await sleep(5_000);
  }
}

// --- run ----------------------------------------------------------------------------------------------

console.log(`soak: ${servers} servers (fakes and log files), ${linesPerSecond} lines/s, a fault every ${values['fault-every']}, for ${values.duration}; work dir ${dir}`);
const endAt = startedMs + durationMs;
let finished = false;
const loops = [scrapeLoop(() => finished), sampleLoop(() => finished)];
const progress = setInterval(() => {
  const counted = [...lastCounts.values()].reduce((a, b) => a + b, 0);
  const since = elapsedS() - 60;
  const cpu = agentCpuPercent(samples.filter((s) => s.atS >= since));
  console.log(`  ${Math.round(elapsedS())} s: ${logs.totalWritten} lines written, ${counted} counted, ${faults.length} faults, ${slowScrapes.length} slow and ${failedScrapes.length} failed scrapes, ${doubleCounts.length} double counts, agent CPU ${cpu ?? '-'} %`);
}, 60_000);
await faultLoop(endAt);
await sleep(Math.max(0, endAt - Date.now()));

// Settle: stop writing, let every group answer normally, wait for the agent to count everything.
logs.stop();
const settleDeadline = Date.now() + 60_000;
let finalCounts = new Map<string, number>();
while (Date.now() < settleDeadline) {
  const text = await scrape();
  if (text) finalCounts = readCounts(text);
  if (logs.files.every((f) => (finalCounts.get(f.server) ?? 0) === f.written)) break;
  await sleep(1_000);
}
finished = true;
clearInterval(progress);
await Promise.all(loops);
const agentPid = agent.pid;
await agent.stop();
await Promise.all(groups.map((g) => stopGroup(g, 'SIGTERM')));
await redis.stop();

// --- results ------------------------------------------------------------------------------------------

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number | null {
  if (points.length < 3) return null;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? null : num / den;
}

/**
 * The agent's CPU (% of one core) over these samples, from the CPU time between consecutive
 * samples of one process. Reported, not checked: the checks do not include CPU, but a
 * regression that makes the agent spin (chokidar re-reading a directory after every write held
 * a core at 60-90 % in a 2-hour run) shows here and in the progress lines.
 */
function agentCpuPercent(list: typeof samples): number | null {
  let cpu = 0;
  let wall = 0;
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.pid !== list[i - 1]!.pid) continue;
    cpu += list[i]!.cpuSeconds - list[i - 1]!.cpuSeconds;
    wall += list[i]!.atS - list[i - 1]!.atS;
  }
  return wall > 0 ? round((cpu / wall) * 100, 1) : null;
}

const half = durationMs / 2000;
const lastHalf = samples.filter((s) => s.atS >= half && s.pid === agentPid);
const rssSlope = slope(lastHalf.map((s) => [s.atS, s.rssMiB]));
const rssSlopePer10Min = rssSlope === null ? null : round(rssSlope * 600, 3);
// Reported beside the check: the lowest RSS of each minute, i.e. the level between GC cycles.
// Heap use swings tens of MiB between major GCs, and RSS with it; a leak raises the lows.
const minuteLows = new Map<number, [number, number]>();
for (const s of lastHalf) {
  const minute = Math.floor(s.atS / 60);
  const low = minuteLows.get(minute);
  if (!low || s.rssMiB < low[1]) minuteLows.set(minute, [minute * 60 + 30, s.rssMiB]);
}
const rssLowsSlope = slope([...minuteLows.values()]);
const fdSlope = slope(lastHalf.map((s) => [s.atS, s.fds]));
// Descriptors and loop delay swing with reconnects and faults: "flat" means the last quarter
// does not reach higher than the quarter before it (plus a margin), not a zero slope.
const quarter = (from: number, to: number) => lastHalf.filter((s) => s.atS >= (durationMs * from) / 4000 && s.atS < (durationMs * to) / 4000);
const [third, fourth] = [quarter(2, 3), quarter(3, 5)];
const maxOf = (list: number[]) => (list.length ? Math.max(...list) : null);
const fdsThird = maxOf(third.map((s) => s.fds));
const fdsFourth = maxOf(fourth.map((s) => s.fds));
const loopThird = third.map((s) => s.loopP99Ms).filter((v): v is number => v !== null);
const loopFourth = fourth.map((s) => s.loopP99Ms).filter((v): v is number => v !== null);
const loops99 = lastHalf.map((s) => s.loopP99Ms).filter((v): v is number => v !== null);
const lost = logs.files.map((f) => ({ server: f.server, missing: f.written - (finalCounts.get(f.server) ?? 0) })).filter((x) => x.missing !== 0);
const faultCounts: Record<string, number> = {};
for (const f of faults) faultCounts[f.kind] = (faultCounts[f.kind] ?? 0) + 1;

const checks = {
  every_line_counted_once: lost.length === 0 && doubleCounts.length === 0,
  scrapes_within_100ms: slowScrapes.length === 0 && failedScrapes.length === 0,
  rss_flat: rssSlopePer10Min !== null && rssSlopePer10Min < RSS_SLOPE_BUDGET_MIB_PER_10MIN,
  fds_flat: fdsThird !== null && fdsFourth !== null && fdsFourth <= fdsThird * 1.1 + 5,
  event_loop_flat: loopThird.length > 0 && loopFourth.length > 0 && percentile(loopFourth, 50) <= percentile(loopThird, 50) * 1.5 + 1,
  faults_applied: faults.every((f) => f.ok),
};
const result = {
  kind: 'soak',
  date: new Date(startedMs).toISOString(),
  options: { duration: values.duration, scale, servers, logFiles: servers, linesPerSecond, faultEvery: values['fault-every'] },
  machine: machineFacts(),
  passed: Object.values(checks).every(Boolean),
  checks,
  lines: { written: logs.totalWritten, counted: [...finalCounts.values()].reduce((a, b) => a + b, 0), filesWithMismatch: lost.slice(0, 20), doubleCounts: doubleCounts.slice(0, 20) },
  scrapes: {
    count: scrapeMs.length,
    failed: failedScrapes.length,
    over100ms: slowScrapes.length,
    p50Ms: scrapeMs.length ? round(percentile(scrapeMs, 50), 1) : null,
    p99Ms: scrapeMs.length ? round(percentile(scrapeMs, 99), 1) : null,
    maxMs: scrapeMs.length ? round(Math.max(...scrapeMs), 1) : null,
    slowest: [...slowScrapes].sort((a, b) => b.ms - a.ms).slice(0, 10),
    failures: failedScrapes.slice(0, 10),
  },
  lastHalf: {
    samples: lastHalf.length,
    rssMiB: lastHalf.length ? { first: lastHalf[0]!.rssMiB, last: lastHalf.at(-1)!.rssMiB, max: Math.max(...lastHalf.map((s) => s.rssMiB)) } : null,
    rssSlopeMiBPer10Min: rssSlopePer10Min,
    rssMinuteLowsSlopeMiBPer10Min: rssLowsSlope === null ? null : round(rssLowsSlope * 600, 3),
    fds: lastHalf.length ? { min: Math.min(...lastHalf.map((s) => s.fds)), max: Math.max(...lastHalf.map((s) => s.fds)) } : null,
    fdSlopePer10Min: fdSlope === null ? null : round(fdSlope * 600, 2),
    fdsMax: { thirdQuarter: fdsThird, lastQuarter: fdsFourth },
    eventLoopP99MedianMs: { thirdQuarter: loopThird.length ? round(percentile(loopThird, 50), 2) : null, lastQuarter: loopFourth.length ? round(percentile(loopFourth, 50), 2) : null },
    eventLoopP99Ms: loops99.length ? { median: round(percentile(loops99, 50), 2), max: round(Math.max(...loops99), 2) } : null,
    agentCpuPercent: { thirdQuarter: agentCpuPercent(third), lastQuarter: agentCpuPercent(fourth) },
  },
  agentCpuPercentPer10Min: Array.from({ length: Math.ceil(durationMs / 600_000) }, (_, i) => agentCpuPercent(samples.filter((s) => s.atS >= i * 600 && s.atS < (i + 1) * 600))),
  faults: { counts: faultCounts, failed: faults.filter((f) => !f.ok), log: faults },
  samples,
};
mkdirSync(path.dirname(values.out!), { recursive: true });
writeFileSync(values.out!, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ passed: result.passed, checks, lines: { written: result.lines.written, counted: result.lines.counted }, scrapes: { ...result.scrapes, slowest: undefined, failures: undefined }, lastHalf: result.lastHalf, faults: faultCounts }, null, 2));
console.log(`results: ${values.out}`);
process.exit(result.passed ? 0 : 1);
