/**
 * Game process resources per server (`process: {pid_file | name | container}`), sampled in
 * the background. PIDs and names are read from /proc (exact CPU seconds and RSS, no
 * subprocess); containers through systeminformation's Docker functions (loaded only for them). A missing pid file,
 * process or Docker socket means gust_server_process_up 0, never an agent failure.
 */
import { access, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { FastCounter, FastGauge } from '../../metrics/fast.ts';
import type { AgentContext, Component } from '../../agent/context.ts';
import type { ProcessConfig } from '../../config/schema.ts';
import { BackgroundSampler } from '../../metrics/collector.ts';
import { errorMessage } from '../../errors.ts';

const CLOCK_TICKS = 100; // USER_HZ on Linux
const PAGE_SIZE = 4096;

interface ProcessSample {
  cpuSeconds: number;
  rssBytes: number;
}

export function createProcessCollector(ctx: AgentContext): Component {
  const registers = [ctx.registry];
  const up = new FastGauge({ name: 'gust_server_process_up', help: 'Whether the game server process or container is running.', labelNames: ['server'], registers });
  const cpu = new FastCounter({ name: 'gust_server_process_cpu_seconds_total', help: 'CPU time used by the game server process (and its children named alike).', labelNames: ['server'], registers });
  const rss = new FastGauge({ name: 'gust_server_process_resident_memory_bytes', help: 'Resident memory of the game server process.', labelNames: ['server'], registers });
  // CPU is a counter: follow the kernel total, restarting the delta when the process changes.
  const lastCpu = new Map<string, number>();
  const warned = new Set<string>();

  const sample = async () => {
    const servers = ctx.config.servers.filter((s) => s.process);
    const configured = new Set(servers.map((s) => s.id));
    for (const id of lastCpu.keys()) {
      if (configured.has(id)) continue;
      lastCpu.delete(id);
      up.remove({ server: id });
      cpu.remove({ server: id });
      rss.remove({ server: id });
    }
    await Promise.all(
      servers.map(async (server) => {
        const labels = { server: server.id };
        cpu.inc(labels, 0);
        try {
          const s = await sampleProcess(server.process!);
          up.set(labels, s ? 1 : 0);
          ctx.state.setProcessUp(server.id, s !== undefined);
          if (!s) {
            rss.remove(labels);
            return;
          }
          const last = lastCpu.get(server.id);
          cpu.inc(labels, last === undefined || s.cpuSeconds < last ? 0 : s.cpuSeconds - last);
          lastCpu.set(server.id, s.cpuSeconds);
          rss.set(labels, s.rssBytes);
          warned.delete(server.id);
        } catch (err) {
          up.set(labels, 0);
          ctx.state.setProcessUp(server.id, false);
          if (!warned.has(server.id)) {
            warned.add(server.id);
            ctx.logger.warn({ server: server.id, err: errorMessage(err) }, 'cannot sample game process');
          }
        }
      }),
    );
  };

  let sampler: BackgroundSampler | undefined;
  return {
    name: 'processes',
    async start() {
      if (!ctx.config.servers.some((s) => s.process)) return;
      sampler = new BackgroundSampler('processes', ctx.collectors, ctx.config.host.interval, sample);
      await sampler.start();
    },
    async stop() {
      await sampler?.stop();
      sampler = undefined;
    },
    async reload() {
      await this.stop();
      await this.start();
    },
  };
}

/** undefined = not running. Throws only for problems worth a log line (e.g. no Docker socket). */
export async function sampleProcess(target: ProcessConfig): Promise<ProcessSample | undefined> {
  if ('pid_file' in target) {
    let text: string;
    try {
      text = await readFile(target.pid_file, 'utf8');
    } catch {
      return undefined;
    }
    const pid = Number.parseInt(text.trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? readProc(pid) : undefined;
  }
  if ('name' in target) {
    const pids = await pidsByName(target.name, target.cwd);
    const samples = (await Promise.all(pids.map(readProc))).filter((s): s is ProcessSample => s !== undefined);
    if (samples.length === 0) return undefined;
    return samples.reduce((a, b) => ({ cpuSeconds: a.cpuSeconds + b.cpuSeconds, rssBytes: a.rssBytes + b.rssBytes }));
  }
  return sampleContainer(target.container);
}

async function readProc(pid: number): Promise<ProcessSample | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssBytes: rssPages * PAGE_SIZE };
  } catch {
    return undefined;
  }
}

/** PIDs whose comm or argv[0] basename equals `name` (comm is cut at 15 characters), running in `cwd` when given. */
async function pidsByName(name: string, cwd?: string): Promise<number[]> {
  const pids = await pidsNamed(name);
  if (cwd === undefined) return pids;
  const dir = path.resolve(cwd);
  const inDir = await Promise.all(pids.map((pid) => readlink(`/proc/${pid}/cwd`).then((d) => d === dir, () => false)));
  return pids.filter((_, i) => inDir[i]);
}

async function pidsNamed(name: string): Promise<number[]> {
  const entries = await readdir('/proc');
  const pids: number[] = [];
  await Promise.all(
    entries.filter((e) => /^\d+$/.test(e)).map(async (e) => {
      try {
        const comm = (await readFile(`/proc/${e}/comm`, 'utf8')).trim();
        if (comm === name || (name.length > 15 && comm === name.slice(0, 15))) {
          pids.push(Number(e));
          return;
        }
        const argv0 = (await readFile(`/proc/${e}/cmdline`, 'utf8')).split('\0')[0] ?? '';
        if (argv0 && path.basename(argv0) === name) pids.push(Number(e));
      } catch {
        /* the process ended while we looked */
      }
    }),
  );
  return pids;
}

const DOCKER_SOCKET = '/var/run/docker.sock';

async function sampleContainer(name: string): Promise<ProcessSample | undefined> {
  // systeminformation answers [] both for "no containers" and "no Docker": tell them apart.
  try {
    await access(DOCKER_SOCKET);
  } catch (err) {
    throw new Error(`Docker socket ${DOCKER_SOCKET} is not reachable (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const { default: si } = await import('systeminformation');
  const containers = await si.dockerContainers(true);
  const container = containers.find((c) => c.name === name || c.id.startsWith(name));
  if (!container || container.state !== 'running') return undefined;
  const [stats] = await si.dockerContainerStats(container.id);
  if (!stats) return undefined;
  const cpuNs = (stats.cpuStats as { cpu_usage?: { total_usage?: number } } | undefined)?.cpu_usage?.total_usage ?? 0;
  return { cpuSeconds: cpuNs / 1e9, rssBytes: stats.memUsage };
}
