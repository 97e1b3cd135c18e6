/** How many log files may be followed: what the process's descriptor limit leaves for them. */
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/schema.ts';

/** Descriptors kept for everything but log files: HTTP clients, Redis, checkpoints, child processes. */
const FD_RESERVE = 256;

/**
 * log_files.max_followed, or (0) the process's open-file limit less a reserve: 256 plus one per
 * RCON server (each keeps a connection open). Node raises the soft limit to the hard one at start.
 */
export function maxFollowedFiles(config: Config, limits = readOpenFileLimit()): number {
  if (config.log_files.max_followed > 0) return config.log_files.max_followed;
  if (limits === undefined) return Number.POSITIVE_INFINITY;
  const rcon = config.servers.filter((s) => s.rcon && s.rcon.transport !== 'exec').length;
  return Math.max(16, limits - FD_RESERVE - rcon);
}

function readOpenFileLimit(): number | undefined {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return soft === undefined ? undefined : Number(soft);
  } catch {
    return undefined; // not Linux: no derived cap
  }
}
