import path from 'node:path';
import { createHash } from 'node:crypto';

/** A `server` label value ([a-z0-9_-]{1,32}) from a world, identity or directory name. */
export function serverId(name: string, fallback: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '');
  return id || fallback;
}

/** Directory names that say nothing about the server (LinuxGSM's serverfiles, a container's data dir). */
const GENERIC_DIRS = new Set(['serverfiles', 'server', 'servers', 'data', 'container', 'home', 'game', 'bin', 'linux', 'linuxsteamrt64', 'srv', 'opt', '']);

/** The nearest directory name at or above `dir` that is not generic. */
export function dirName(dir: string): string {
  let cur = path.resolve(dir);
  while (GENERIC_DIRS.has(path.basename(cur).toLowerCase()) && path.dirname(cur) !== cur) cur = path.dirname(cur);
  return path.basename(cur);
}

/** `id` made unique with a short stable hash of where the server was found. */
export function disambiguate(id: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 6);
  return `${id.slice(0, 25)}-${hash}`;
}
