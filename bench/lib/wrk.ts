/** Runs Debian's wrk and reads requests/s, latency percentiles and error counts from its report. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export const WRK = '/usr/bin/wrk';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  socketErrors: string | undefined;
  raw: string;
}

export function wrkAvailable(): boolean {
  return existsSync(WRK);
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(m[1]) * factor;
}

export function runWrk(url: string, options: { connections: number; threads: number; seconds: number }): Promise<WrkResult> {
  const args = [`-t${options.threads}`, `-c${options.connections}`, `-d${options.seconds}s`, '--latency', url];
  return new Promise((resolve, reject) => {
    execFile(WRK, args, { timeout: (options.seconds + 30) * 1000 }, (err, stdout) => {
      if (err) return reject(err);
      const percentileLine = (p: string) => new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(stdout)?.[1];
      resolve({
        requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN),
        p50Ms: toMs(percentileLine('50') ?? ''),
        p99Ms: toMs(percentileLine('99') ?? ''),
        requests: Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0),
        non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0),
        socketErrors: /Socket errors:.*/.exec(stdout)?.[0],
        raw: stdout,
      });
    });
  });
}
