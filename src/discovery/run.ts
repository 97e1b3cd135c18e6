/**
 * One discovery pass over every enabled source: game processes, LinuxGSM instances (which
 * claim the processes running in their serverfiles), Docker containers. Gives each server a
 * stable, valid id and drops the second of two finds with the same id or RCON endpoint.
 */
import type { DiscoveryConfig } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import { findContainers } from './docker.ts';
import { DockerUnavailable } from './docker-api.ts';
import { FileReader } from './files.ts';
import { dirName, disambiguate, serverId } from './ids.ts';
import { findLinuxGsmInstances, linuxGsmCandidate, matchInstances } from './linuxgsm.ts';
import { findGameProcesses, processOrigin, type GameProcess } from './processes.ts';
import type { Candidate } from './games/types.ts';
import type { DiscoverySource, Found, RawServer } from './types.ts';

export interface DiscoveryRun {
  found: Found[];
  failures: Array<{ source: DiscoverySource; error: string }>;
}

/** `held`: ids servers had in earlier passes (by Found.key), kept when two finds want the same id. */
export async function runDiscovery(config: Pick<DiscoveryConfig, 'processes' | 'linuxgsm' | 'docker'>, held: ReadonlyMap<string, string> = new Map()): Promise<DiscoveryRun> {
  const failures: DiscoveryRun['failures'] = [];
  const found: Found[] = [];
  const attempt = async <T>(source: DiscoverySource, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof DockerUnavailable)) failures.push({ source, error: errorMessage(err) });
      return undefined;
    }
  };

  const wantProcesses = config.processes || config.linuxgsm.length > 0;
  const processes = (wantProcesses ? await attempt('process', findGameProcesses) : undefined) ?? [];
  let unclaimed: GameProcess[] = processes;

  if (config.linuxgsm.length > 0) {
    await attempt('linuxgsm', async () => {
      const files = new FileReader();
      const matches = matchInstances(await findLinuxGsmInstances(config.linuxgsm, files), processes);
      unclaimed = processes.filter((p) => !matches.some((m) => m.process === p));
      for (const match of matches) {
        const { instance, process } = match;
        const f = toFound('linuxgsm', `LinuxGSM ${instance.dir} ${instance.instance}`, linuxGsmCandidate(match), [...files.problems, ...process.problems], instance.dir);
        found.push({ ...f, argv: process.facts.argv });
      }
    });
  }
  if (config.processes) {
    for (const p of unclaimed) found.push({ ...toFound('process', processOrigin(p.facts), p.candidate, p.problems, p.facts.cwd ?? p.facts.binDir ?? ''), argv: p.facts.argv });
  }
  if (config.docker) {
    const containers = await attempt('docker', () => findContainers(config.docker));
    for (const error of containers?.errors ?? []) failures.push({ source: 'docker', error });
    for (const c of containers?.servers ?? []) {
      const f = toFound('docker', `container ${c.container}`, c.candidate, c.problems, c.container);
      if (c.inlinePassword) f.inlinePassword = c.inlinePassword;
      found.push(f);
    }
  }
  return { found: unique(found, held), failures };
}

function toFound(source: DiscoverySource, from: string, candidate: Candidate, problems: string[], dir: string): Found {
  const fallback = candidate.idFrom || (dir ? dirName(dir) : '');
  const { name, game, logs, rcon, commands, query, process } = candidate.server;
  // Key order as users write them (the order `discover` prints).
  const server = JSON.parse(JSON.stringify({ id: serverId(fallback, game), name, game, logs, rcon, commands, query, process })) as RawServer;
  return { source, key: `${source}:${dir}`, from, server, notes: candidate.notes, problems };
}

/**
 * The first of two finds with the same RCON endpoint wins (LinuxGSM, then processes, then
 * containers). When two want the same id, the one that held it keeps it, else the first by
 * where it is (never by pid, so a restart does not move an id); the other gets a suffix from
 * where it is.
 */
function unique(found: Found[], held: ReadonlyMap<string, string>): Found[] {
  const endpoints = new Set<string>();
  const ids = new Set<string>();
  const out: Found[] = [];
  const rank = (f: Found) => ['linuxgsm', 'process', 'docker'].indexOf(f.source) * 2 + (held.get(f.key) === f.server.id ? 0 : 1);
  for (const f of [...found].sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const endpoint = rconEndpoint(f.server);
    if (endpoint && endpoints.has(endpoint)) continue;
    if (endpoint) endpoints.add(endpoint);
    if (ids.has(f.server.id)) f.server.id = disambiguate(f.server.id, f.key);
    ids.add(f.server.id);
    out.push(f);
  }
  return out;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0']);

/** `host:port` of a server's RCON, loopback names folded together; undefined without RCON. */
export function rconEndpoint(server: { rcon?: { host?: string; port?: number } }): string | undefined {
  if (!server.rcon?.port) return undefined;
  const host = server.rcon.host ?? '127.0.0.1';
  return `${LOOPBACK.has(host) ? 'loopback' : host}:${server.rcon.port}`;
}
