/**
 * Reads a process's CPU time and memory from /proc (Linux), the same numbers `ps` and the
 * kernel accounting use, so the figures do not depend on the agent reporting on itself.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcSample {
  /** Wall clock (ms, monotonic) when the sample was taken. */
  atMs: number;
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  rssBytes: number;
  /** Peak RSS so far (VmHWM). */
  peakRssBytes: number;
}

export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { atMs: performance.now(), cpuSeconds: cpuTicks / clockTicks(), rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

/** CPU used between two samples as a percentage of one core. */
export function cpuPercent(from: ProcSample, to: ProcSample): number {
  const wallSeconds = (to.atMs - from.atMs) / 1000;
  return wallSeconds > 0 ? ((to.cpuSeconds - from.cpuSeconds) / wallSeconds) * 100 : 0;
}
