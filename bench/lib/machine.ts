/** Facts about the machine and the code a run measured, stored next to every result. */
import os from 'node:os';
import { execFileSync } from 'node:child_process';

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export interface MachineFacts {
  hostname: string;
  cpus: number;
  cpu_model: string;
  memory_bytes: number;
  os: string;
  kernel: string;
  node: string;
  git_revision: string | undefined;
  git_dirty: boolean;
  /** 1/5/15-minute load averages when the facts were taken: figures from a busy machine are not comparable. */
  load_average: number[];
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    cpus: os.availableParallelism(),
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    memory_bytes: os.totalmem(),
    os: `${os.type()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    git_revision: git(['rev-parse', 'HEAD']),
    git_dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    load_average: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
