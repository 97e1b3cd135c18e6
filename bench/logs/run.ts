/**
 * Log tailing versus Debian's mtail on the same generated input (TAILING.md "Benchmark against
 * mtail", issue 3):
 *   - backfill: whole-process CPU time of `gust-agent parse` (start-up included) against
 *     `mtail --one_shot --emit_prog_label=false`; lines per CPU-second, peak RSS; plus the peak
 *     RSS of gust-agent over a 1 GiB backfill;
 *   - live tail at 10k and 50k lines/s with a rename rotation every 10 s: write-to-scrape lag
 *     p50/p99, lost and duplicated lines, CPU;
 *   - 1,000 quiet files + 1 hot file: CPU with the hot file at 1k lines/s, in the first idle
 *     window after it stops, and with all idle (the window after that).
 *
 *   node --import tsx bench/logs/run.ts [--quick] [--only backfill,big,live,quiet] [--out FILE]
 *
 * mtail is installed by test/setup/install-deps.sh (apt `mtail`), or by this file when missing. Results: JSON in
 * bench/results/logs.json, a Markdown table on stdout (copied into docs/benchmarks.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync, createWriteStream } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { AGENT_BIN, REPO_ROOT, agentNode, shebangFlags, spawnAgent } from '../lib/agent-process.ts';
import { timedGet, waitFor } from '../lib/http.ts';
import { machineFacts } from '../lib/machine.ts';
import { freePort } from '../lib/ports.ts';
import { cpuPercent, sampleProcess } from '../lib/proc.ts';
import { MiB, percentile, round } from '../lib/stats.ts';
import { lineGenerator } from './generate.ts';

const MTAIL_PROGRAM = `counter players_lines_total
gauge players_online
gauge players_max
counter lines_total
/players:\\s*(?P<online>\\d+)\\/(?P<max>\\d+)/ {
  players_lines_total++
  players_online = $online
  players_max = $max
}
/seq=/ {
  lines_total++
}
`;

export interface LogBenchOptions {
  workDir: string;
  backfillLines: number;
  /** Size of the big backfill (peak RSS); 0 skips it. */
  bigBackfillBytes: number;
  liveSeconds: number;
  rates: number[];
  rotateEverySeconds: number;
  quietFiles: number;
  quietSeconds: number;
  /** Parts to run (backfill, big, live, quiet); all when empty. */
  only: string[];
}

interface ProcessCost {
  cpu_seconds: number;
  peak_rss_mib: number;
  wall_seconds: number;
  stdout: string;
}

/** Runs a command to completion under /usr/bin/time: CPU of the whole process (start-up included), peak RSS. */
function timedWithStderr(command: string, args: string[]): ProcessCost {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'GUST_TIME %U %S %M', command, ...args], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 256 * MiB });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('GUST_TIME ')) ?? '';
  return { ...parseTime(line), wall_seconds: (performance.now() - started) / 1000, stdout: r.stdout };
}

/** The run with the median CPU time of three; peak RSS is the highest of the three. */
function median3(run: () => ProcessCost): ProcessCost {
  const runs = [run(), run(), run()].sort((a, b) => a.cpu_seconds - b.cpu_seconds);
  return { ...runs[1]!, peak_rss_mib: Math.max(...runs.map((r) => r.peak_rss_mib)) };
}

function parseTime(line: string): { cpu_seconds: number; peak_rss_mib: number } {
  const [, user, sys, rssKiB] = line.split(' ');
  return { cpu_seconds: round(Number(user) + Number(sys), 3), peak_rss_mib: round(Number(rssKiB) / 1024, 1) };
}

function metricValue(exposition: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(exposition);
  return m ? Number(m[1]) : undefined;
}

async function generateFile(file: string, lines: number, seed = 42, startSeq = 0): Promise<{ lines: number; bytes: number; lastPlayers: number | undefined }> {
  const gen = lineGenerator(seed);
  const stream = createWriteStream(file);
  let bytes = 0;
  let lastPlayers: number | undefined;
  let batch = '';
  for (let i = 0; i < lines; i++) {
    const line = gen(startSeq + i);
    if (line.players !== undefined) lastPlayers = line.players;
    batch += `${line.text}\n`;
    if (batch.length > 1 << 20) {
      bytes += Buffer.byteLength(batch);
      if (!stream.write(batch)) await once(stream, 'drain');
      batch = '';
    }
  }
  bytes += Buffer.byteLength(batch);
  stream.end(batch);
  await once(stream, 'finish');
  return { lines, bytes, lastPlayers };
}

export async function backfill(o: LogBenchOptions) {
  const file = path.join(o.workDir, 'backfill.log');
  const input = await generateFile(file, o.backfillLines);
  const progs = path.join(o.workDir, 'mtail-progs');
  mkdirSync(progs, { recursive: true });
  writeFileSync(path.join(progs, 'players.mtail'), MTAIL_PROGRAM);
  // Three runs each, median CPU: one run on a shared machine is noisy.
  const gust = median3(() => timedWithStderr(agentNode(), [...shebangFlags(), AGENT_BIN, 'parse', '--game', 'generic', file]));
  const mtail = median3(() => timedWithStderr('mtail', ['--one_shot', '--one_shot_format', 'prometheus', '--emit_prog_label=false', '--progs', progs, '--logs', file]));
  const check = {
    expected_players_online: input.lastPlayers,
    gust_players_online: metricValue(gust.stdout, 'gust_players_online'),
    mtail_players_online: metricValue(mtail.stdout, 'players_online'),
    gust_lines: metricValue(gust.stdout, 'gust_log_lines_total'),
    mtail_lines: metricValue(mtail.stdout, 'lines_total'),
  };
  const gustRate = input.lines / gust.cpu_seconds;
  const mtailRate = input.lines / mtail.cpu_seconds;
  return {
    input: { lines: input.lines, bytes: input.bytes },
    gust: { cpu_seconds: gust.cpu_seconds, wall_seconds: round(gust.wall_seconds, 2), peak_rss_mib: gust.peak_rss_mib, lines_per_cpu_second: Math.round(gustRate) },
    mtail: { cpu_seconds: mtail.cpu_seconds, wall_seconds: round(mtail.wall_seconds, 2), peak_rss_mib: mtail.peak_rss_mib, lines_per_cpu_second: Math.round(mtailRate) },
    speedup: round(gustRate / mtailRate, 2),
    check,
  };
}

export async function bigBackfill(o: LogBenchOptions) {
  const file = path.join(o.workDir, 'big.log');
  const lines = Math.round(o.bigBackfillBytes / 100); // lines average about 100 bytes
  const input = await generateFile(file, lines, 7);
  const gust = timedWithStderr(agentNode(), [...shebangFlags(), AGENT_BIN, 'parse', '--game', 'generic', file]);
  rmSync(file, { force: true });
  return {
    input: { lines: input.lines, bytes: input.bytes },
    gust: { cpu_seconds: gust.cpu_seconds, wall_seconds: round(gust.wall_seconds, 2), peak_rss_mib: gust.peak_rss_mib, lines_per_cpu_second: Math.round(input.lines / gust.cpu_seconds) },
  };
}

interface Tool {
  name: 'gust-agent' | 'mtail';
  pid: number;
  metricsUrl: string;
  /** The counter of lines seen in an exposition. */
  linesSeen(exposition: string): number;
  stop(): Promise<void>;
}

async function startGust(o: LogBenchOptions, name: string, logPath: string): Promise<Tool> {
  const dir = path.join(o.workDir, `gust-${name}`);
  mkdirSync(dir, { recursive: true });
  const yaml = `listen: { host: 127.0.0.1, port: 0 }
state_dir: ${dir}/state
host: { enabled: false }
log: { level: info }
alerts: { enabled: false }
servers:
  - id: s
    game: generic
    logs:
      - path: ${logPath}
        start_at: beginning
`;
  const agent = await spawnAgent(path.join(dir, 'config.yaml'), yaml);
  return {
    name: 'gust-agent',
    pid: agent.pid,
    metricsUrl: `${agent.url}/metrics`,
    linesSeen: (text) => metricValue(text, 'gust_log_lines_total') ?? 0,
    stop: () => agent.stop(),
  };
}

async function startMtail(o: LogBenchOptions, name: string, logPath: string): Promise<Tool> {
  const progs = path.join(o.workDir, `mtail-${name}`);
  mkdirSync(progs, { recursive: true });
  writeFileSync(path.join(progs, 'players.mtail'), MTAIL_PROGRAM);
  const port = await freePort();
  const child = spawn('mtail', ['--progs', progs, '--logs', logPath, '--address', '127.0.0.1', '--port', String(port), '--emit_prog_label=false'], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitFor(async () => ((await timedGet(url).catch(() => undefined))?.status === 200 ? true : undefined), 30_000, 'mtail listening');
  return {
    name: 'mtail',
    pid: child.pid!,
    metricsUrl: url,
    linesSeen: (text) => metricValue(text, 'lines_total') ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Writes `rate` lines/s in 10 ms batches with rename rotations; scrapes continuously; lag per batch. */
export async function liveTail(o: LogBenchOptions, toolName: Tool['name'], rate: number) {
  const dir = mkdtempSync(path.join(o.workDir, `live-${toolName}-${rate}-`));
  const log = path.join(dir, 'game.log');
  writeFileSync(log, '');
  const tool = toolName === 'gust-agent' ? await startGust(o, `live-${rate}`, log) : await startMtail(o, `live-${rate}`, log);
  const gen = lineGenerator(1);
  let fd = openSync(log, 'a');
  let written = 0;
  const batches: Array<{ upTo: number; atMs: number }> = [];
  const lags: number[] = [];
  let resolved = 0;
  let rotations = 0;
  const perBatch = Math.max(1, Math.round(rate / 100));
  const startMs = performance.now();
  let lastRotation = startMs;
  const cpuStart = sampleProcess(tool.pid);
  let writing = true;
  const writer = (async () => {
    let next = startMs;
    while (performance.now() - startMs < o.liveSeconds * 1000) {
      if (performance.now() - lastRotation >= o.rotateEverySeconds * 1000) {
        closeSync(fd);
        renameSync(log, `${log}.1`);
        fd = openSync(log, 'a');
        lastRotation = performance.now();
        rotations++;
      }
      let text = '';
      for (let i = 0; i < perBatch; i++) text += `${gen(written + i).text}\n`;
      writeSync(fd, text);
      written += perBatch;
      batches.push({ upTo: written, atMs: performance.now() });
      next += 10;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    writing = false;
  })();
  let seen = 0;
  const settleDeadline = () => performance.now() + 5_000;
  let deadline = Infinity;
  while (writing || (seen < written && performance.now() < deadline)) {
    if (!writing && deadline === Infinity) deadline = settleDeadline();
    const res = await timedGet(tool.metricsUrl);
    const now = performance.now();
    seen = tool.linesSeen(res.body);
    while (resolved < batches.length && batches[resolved]!.upTo <= seen) {
      lags.push(now - batches[resolved]!.atMs);
      resolved++;
    }
  }
  await writer;
  const cpuEnd = sampleProcess(tool.pid);
  // Lines still arriving after the settle window would be counted as lost: give one more scrape.
  seen = tool.linesSeen((await timedGet(tool.metricsUrl)).body);
  await tool.stop();
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  return {
    tool: toolName,
    rate_lines_per_second: rate,
    seconds: o.liveSeconds,
    rotations,
    written,
    seen,
    lost: Math.max(0, written - seen),
    duplicated: Math.max(0, seen - written),
    lag_p50_ms: lags.length ? round(percentile(lags, 50), 1) : null,
    lag_p99_ms: lags.length ? round(percentile(lags, 99), 1) : null,
    batches_never_visible: batches.length - resolved,
    cpu_percent: round(cpuPercent(cpuStart, cpuEnd), 1),
    rss_mib: round(cpuEnd.rssBytes / MiB, 1),
  };
}

/** 1,000 quiet files and one hot one: CPU with the hot file at 1k lines/s, then twice idle (settling, steady). */
export async function quietFiles(o: LogBenchOptions, toolName: Tool['name']) {
  const dir = mkdtempSync(path.join(o.workDir, `quiet-${toolName}-`));
  for (let i = 0; i < o.quietFiles; i++) writeFileSync(path.join(dir, `quiet-${String(i).padStart(4, '0')}.log`), 'seq=0 started\n');
  const hot = path.join(dir, 'hot.log');
  writeFileSync(hot, '');
  const glob = path.join(dir, '*.log');
  const tool = toolName === 'gust-agent' ? await startGust(o, 'quiet', glob) : await startMtail(o, 'quiet', glob);
  // Let the initial discovery settle before measuring.
  await new Promise((r) => setTimeout(r, 3_000));
  const gen = lineGenerator(3);
  const fd = openSync(hot, 'a');
  let written = 0;
  const hotStart = sampleProcess(tool.pid);
  const until = performance.now() + o.quietSeconds * 1000;
  while (performance.now() < until) {
    let text = '';
    for (let i = 0; i < 10; i++) text += `${gen(written + i).text}\n`;
    writeSync(fd, text);
    written += 10;
    await new Promise((r) => setTimeout(r, 10));
  }
  const hotEnd = sampleProcess(tool.pid);
  await new Promise((r) => setTimeout(r, 2_000));
  // Two idle windows: the first still pays for the burst (V8's memory reducer runs a few full
  // GCs once allocation stops, ~0.1-0.2 CPU-s); the second is the steady state.
  const settleStart = sampleProcess(tool.pid);
  await new Promise((r) => setTimeout(r, o.quietSeconds * 1000));
  const idleStart = sampleProcess(tool.pid);
  await new Promise((r) => setTimeout(r, o.quietSeconds * 1000));
  const idleEnd = sampleProcess(tool.pid);
  const body = (await timedGet(tool.metricsUrl)).body;
  await tool.stop();
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  return {
    tool: toolName,
    files: o.quietFiles + 1,
    cpu_percent_hot_1k_lines_per_second: round(cpuPercent(hotStart, hotEnd), 2),
    cpu_percent_first_idle_window: round(cpuPercent(settleStart, idleStart), 2),
    cpu_percent_all_idle: round(cpuPercent(idleStart, idleEnd), 2),
    rss_mib: round(idleEnd.rssBytes / MiB, 1),
    lines_seen: tool.linesSeen(body),
  };
}

/** The bench setup: Debian's mtail (installed with apt when missing and we are root). */
export function ensureMtail(): string {
  const version = () => spawnSync('mtail', ['--version'], { encoding: 'utf8' });
  let probe = version();
  if (probe.error && process.getuid?.() === 0) {
    console.error('installing mtail (apt-get install mtail) ...');
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'mtail'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    probe = version();
  }
  if (probe.error) throw new Error('mtail is not installed: sudo apt-get install mtail');
  return probe.stdout.split('\n')[0]!.trim();
}

export async function runLogBench(o: LogBenchOptions) {
  // Other work on the machine shows up in CPU and lag figures: keep the load with the result.
  const result: Record<string, unknown> = { machine: machineFacts(), mtail: ensureMtail(), load_average_start: loadavg(), options: { ...o, workDir: undefined } };
  const want = (part: string) => o.only.length === 0 || o.only.includes(part);
  if (want('backfill')) {
    console.error('backfill ...');
    result.backfill = await backfill(o);
    console.error(JSON.stringify(result.backfill));
  }
  if (o.bigBackfillBytes > 0 && want('big')) {
    console.error('big backfill ...');
    result.big_backfill = await bigBackfill(o);
    console.error(JSON.stringify(result.big_backfill));
  }
  const live = [];
  for (const rate of want('live') ? o.rates : []) {
    for (const tool of ['gust-agent', 'mtail'] as const) {
      console.error(`live ${tool} ${rate} lines/s ...`);
      const r = await liveTail(o, tool, rate);
      console.error(JSON.stringify(r));
      live.push(r);
    }
  }
  result.live = live;
  const quiet = [];
  for (const tool of want('quiet') ? (['gust-agent', 'mtail'] as const) : []) {
    console.error(`quiet files ${tool} ...`);
    const r = await quietFiles(o, tool);
    console.error(JSON.stringify(r));
    quiet.push(r);
  }
  result.quiet = quiet;
  result.load_average_end = loadavg();
  return result;
}

export function renderMarkdown(r: Record<string, any>): string {
  const b = r.backfill;
  const rows = ['| scenario | gust-agent | mtail | target |', '|---|---|---|---|'];
  // Parts not measured (--only into a new file) are left out.
  if (b) rows.push(
    `| backfill ${b.input.lines.toLocaleString('en')} lines (${round(b.input.bytes / MiB, 1)} MiB), lines per CPU-second | ${b.gust.lines_per_cpu_second.toLocaleString('en')} (${b.gust.cpu_seconds} CPU-s) | ${b.mtail.lines_per_cpu_second.toLocaleString('en')} (${b.mtail.cpu_seconds} CPU-s) | >= 5x mtail (got ${b.speedup}x) |`,
    `| backfill peak RSS | ${b.gust.peak_rss_mib} MiB | ${b.mtail.peak_rss_mib} MiB | |`,
  );
  if (r.big_backfill) rows.push(`| backfill ${round(r.big_backfill.input.bytes / 1024 / MiB, 2)} GiB: peak RSS, lines per CPU-second | ${r.big_backfill.gust.peak_rss_mib} MiB, ${r.big_backfill.gust.lines_per_cpu_second.toLocaleString('en')} | — | < 96 MB |`);
  const live = r.live ?? [];
  for (const rate of [...new Set(live.map((l: any) => l.rate_lines_per_second))]) {
    const g = live.find((l: any) => l.tool === 'gust-agent' && l.rate_lines_per_second === rate);
    const m = live.find((l: any) => l.tool === 'mtail' && l.rate_lines_per_second === rate);
    const fmt = (l: any) => `p50 ${l.lag_p50_ms} ms, p99 ${l.lag_p99_ms} ms; lost ${l.lost}, duplicated ${l.duplicated} of ${l.written}; CPU ${l.cpu_percent} %`;
    rows.push(`| live ${Number(rate).toLocaleString('en')} lines/s, ${g.seconds} s, rotation every ${r.options.rotateEverySeconds} s: write-to-scrape lag | ${fmt(g)} | ${fmt(m)} | p99 < 100 ms at 10k, 0 lost / duplicated |`);
  }
  const qg = r.quiet?.find((q: any) => q.tool === 'gust-agent');
  const qm = r.quiet?.find((q: any) => q.tool === 'mtail');
  if (!qg || !qm) return rows.join('\n');
  rows.push(`| ${qg.files} files, 1 hot at 1k lines/s: CPU | ${qg.cpu_percent_hot_1k_lines_per_second} % | ${qm.cpu_percent_hot_1k_lines_per_second} % | |`);
  const window = `${r.options.quietSeconds} s`;
  if (qg.cpu_percent_first_idle_window !== undefined) {
    rows.push(`| ${qg.files} files, first ${window} after the hot file stops: CPU | ${qg.cpu_percent_first_idle_window} % | ${qm.cpu_percent_first_idle_window} % | |`);
  }
  rows.push(`| ${qg.files} files, all idle (the next ${window}): CPU | ${qg.cpu_percent_all_idle} % | ${qm.cpu_percent_all_idle} % | < 1 % of a core |`);
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, only: { type: 'string', default: '' } } });
  const quick = values.quick!;
  const workDir = mkdtempSync(path.join(tmpdir(), 'gust-bench-logs-'));
  const options: LogBenchOptions = {
    workDir,
    backfillLines: quick ? 200_000 : 1_000_000,
    bigBackfillBytes: quick ? 0 : 1024 ** 3,
    liveSeconds: quick ? 10 : 60,
    rates: [10_000, 50_000],
    rotateEverySeconds: quick ? 5 : 10,
    quietFiles: 1000,
    quietSeconds: quick ? 5 : 20,
    only: values.only!.split(',').filter(Boolean),
  };
  try {
    const result = await runLogBench(options);
    const out = values.out ?? path.join(REPO_ROOT, 'bench/results/logs.json');
    mkdirSync(path.dirname(out), { recursive: true });
    // --only re-measures some parts: the others stay as they were in the results file.
    const previous = options.only.length > 0 && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
    const merged = { ...previous, ...Object.fromEntries(Object.entries(result).filter(([, v]) => !(Array.isArray(v) && v.length === 0))) };
    writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
    Object.assign(result, merged);
    process.stdout.write(`${renderMarkdown(result)}\n\nresults: ${out}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
