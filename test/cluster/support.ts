/**
 * A group of real agent processes (bin/gust-agent, compiled dist/) sharing one real Redis,
 * polling Source RCON fakes that timestamp every command they receive.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { InFlightTracker } from '../fakes/common.ts';
import { startSrcdsFake, type SrcdsFake } from '../fakes/srcds.ts';
import { spawnAgent, type ChildAgent } from '../logs/child.ts';
import { seriesValue, tempDir } from '../support/agent.ts';

/** Short enough that the tests stay quick, long enough for a loaded 2-core machine. */
export const INTERVAL_MS = 1_000;
export const PASSWORD = 'cluster-test-pass';

export interface Fleet {
  fakes: SrcdsFake[];
  /** performance.now() of every command each fake received. */
  arrivals: number[][];
  ids: string[];
  close(): Promise<void>;
}

export const serverId = (i: number) => `s${String(i).padStart(2, '0')}`;

/** Calls `hook` as each command arrives (before the reply). */
class HookedTracker extends InFlightTracker {
  constructor(private readonly hook: () => void) {
    super();
  }
  override enter(): void {
    super.enter();
    this.hook();
  }
}

export async function startFleet(n: number, options: { replyDelayMs?: number; onCommand?: (server: number) => void } = {}): Promise<Fleet> {
  const fakes: SrcdsFake[] = [];
  const arrivals: number[][] = [];
  for (let i = 0; i < n; i++) {
    const tracker = new HookedTracker(() => options.onCommand?.(i));
    arrivals.push(tracker.arrivals);
    fakes.push(await startSrcdsFake({ password: PASSWORD, players: i, maxPlayers: 64, tracker, replyDelayMs: options.replyDelayMs }));
  }
  return {
    fakes,
    arrivals,
    ids: fakes.map((_, i) => serverId(i)),
    close: async () => void (await Promise.all(fakes.map((f) => f.close()))),
  };
}

export interface MemberOptions {
  id: string;
  mode: 'replicate' | 'shard';
  redisUrl: string;
  prefix: string;
  fleet: Fleet;
  /** `servers:` entries instead of the fleet's (one YAML line each). */
  servers?: string[];
  /** Extra top-level YAML lines (e.g. a `rules:` section). */
  extra?: string[];
}

export function memberConfig(o: MemberOptions): string {
  const servers = o.servers ?? o.fleet.fakes.map(
    (f, i) => `  - { id: ${serverId(i)}, game: source, rcon: { transport: source, host: 127.0.0.1, port: ${f.port}, password: ${PASSWORD} }, commands: [status] }`,
  );
  return [
    'listen: { host: 127.0.0.1, port: 0 }',
    'host: { enabled: false }',
    'log: { level: info }',
    `cache: { redis: { url: "${o.redisUrl}", key_prefix: "${o.prefix}", operation_timeout: 250ms } }`,
    `auto_commands: { interval: ${INTERVAL_MS}ms, adaptive_interval: false, max_concurrent: 10, timeout: 500ms, retries: 0, error_backoff: 500ms }`,
    `cluster: { mode: ${o.mode}, member_id: ${o.id}, expected_members: 3, heartbeat: 200ms, member_ttl: 700ms, lease_ttl: 1s, takeover_grace: 500ms }`,
    'servers:',
    ...servers,
    ...(o.extra ?? []),
    '',
  ].join('\n');
}

export interface Member {
  id: string;
  agent: ChildAgent;
}

export async function startMembers(ids: string[], options: Omit<MemberOptions, 'id'>): Promise<Member[]> {
  return Promise.all(
    ids.map(async (id) => {
      const dir = tempDir('gust-cluster-');
      const configPath = path.join(dir, 'config.yaml');
      writeFileSync(configPath, memberConfig({ ...options, id }).replace('host: { enabled: false }', `host: { enabled: false }\nstate_dir: ${dir}/state`));
      return { id, agent: await spawnAgent(configPath) };
    }),
  );
}

export interface ClusterApi {
  member: string;
  fallback: boolean;
  members: Array<{ id: string; address: string }>;
  leases: Array<{ server: string; holder: string; epoch: number; since: string }>;
  unheld: string[];
}

export async function clusterApi(member: Member): Promise<ClusterApi> {
  const res = await fetch(`${member.agent.url}/api/v1/cluster`);
  return (await res.json()) as ClusterApi;
}

/** Which member holds each server, from one member's view. */
export async function holders(member: Member): Promise<Map<string, string>> {
  return new Map((await clusterApi(member)).leases.map((l) => [l.server, l.holder]));
}

export function countHeld(map: Map<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const holder of map.values()) counts.set(holder, (counts.get(holder) ?? 0) + 1);
  return counts;
}

export async function metric(member: Member, series: string): Promise<number | undefined> {
  return seriesValue(await member.agent.scrape(), series);
}

/** Commands each server received in [from, to) (performance.now() times). */
export function pollsBetween(fleet: Fleet, from: number, to: number): number[] {
  return fleet.arrivals.map((times) => times.filter((t) => t >= from && t < to).length);
}

/** The shortest gap between two commands a server received in [from, to). */
export function minGapsBetween(fleet: Fleet, from: number, to: number): number[] {
  return fleet.arrivals.map((times) => {
    const inside = times.filter((t) => t >= from && t < to);
    let min = Infinity;
    for (let i = 1; i < inside.length; i++) min = Math.min(min, inside[i]! - inside[i - 1]!);
    return min;
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function stopMembers(members: Member[]): Promise<void> {
  await Promise.all(members.map((m) => m.agent.kill('SIGTERM')));
}
