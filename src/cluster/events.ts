/**
 * Shared extraction events (replicate mode): what the lease holder fed to its extraction
 * engine besides the probe snapshot — command replies that user rules read, and WebRCON
 * console lines — so every member counts the same rule and console series.
 *
 * One Redis Stream per server (`cluster:events:<server>`), trimmed to about MAX_STREAM_LEN
 * entries and expiring with the results. The holder appends through a Lua script that refuses
 * (like the result store) when the server's epoch counter or lease shows a newer lease, so a
 * holder that lost its lease appends nothing after its successor took over. Readers keep the
 * id of the last entry they consumed; they start at the stream's end when they first see a
 * server (no history from before they joined).
 */
import { execAll, type ClusterRedis } from './redis.ts';

/** What the holder's extraction engine was fed. */
export type SharedEvent =
  | { kind: 'reply'; command: string; text: string; atMs: number }
  | { kind: 'console'; text: string; atMs: number };

export interface StoredEvent {
  /** The stream entry id. */
  id: string;
  epoch: number;
  member: string;
  event: SharedEvent;
}

export interface EventBatch {
  server: string;
  epoch: number;
  member: string;
  events: readonly SharedEvent[];
}

/** Streams are trimmed (approximately) to this many entries: readers further behind lose the oldest. */
export const MAX_STREAM_LEN = 1_000;
/** Entries one read takes per stream; a reader further behind catches up over the next heartbeats. */
export const READ_COUNT = 250;
/** Larger texts are not shared (a rule on a reply that large stays on the holder). */
export const MAX_EVENT_BYTES = 64 * 1024;

/** Stream ids are "<ms>-<seq>": compares two of them. */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

const KIND = { reply: 'r', console: 'c' } as const;

/**
 * Appends each batch in one round trip. Returns the servers whose batch was refused as stale,
 * and the id of the last entry appended per server (the holder's own read position).
 */
export async function publishEvents(redis: ClusterRedis, batches: readonly EventBatch[], ttlMs: number): Promise<{ refused: string[]; lastIds: Map<string, string> }> {
  const out = { refused: [] as string[], lastIds: new Map<string, string>() };
  if (batches.length === 0) return out;
  const p = redis.pipeline();
  for (const { server, epoch, member, events } of batches) {
    const fields = events.flatMap((e) => [KIND[e.kind], e.kind === 'reply' ? e.command : '', e.atMs, e.text]);
    p.clusterEvents(redis.keys.events(server), redis.keys.epoch(server), redis.keys.lease(server), epoch, member, MAX_STREAM_LEN, ttlMs, ...fields);
  }
  const results = await execAll(p);
  batches.forEach(({ server }, i) => {
    const id = results[i];
    if (typeof id === 'string') out.lastIds.set(server, id);
    else out.refused.push(server);
  });
  return out;
}

/** The id of each server's newest entry ("0-0" for a stream that does not exist yet): where a new reader starts. */
export async function lastEventIds(redis: ClusterRedis, servers: readonly string[]): Promise<Map<string, string>> {
  if (servers.length === 0) return new Map();
  const p = redis.pipeline();
  for (const server of servers) p.xrevrange(redis.keys.events(server), '+', '-', 'COUNT', 1);
  const results = (await execAll(p)) as Array<Array<[string, string[]]>>;
  return new Map(servers.map((server, i) => [server, results[i]?.[0]?.[0] ?? '0-0']));
}

/** Entries after each cursor (at most READ_COUNT per server), in stream order; never blocks. */
export async function readEvents(redis: ClusterRedis, cursors: ReadonlyMap<string, string>): Promise<Map<string, StoredEvent[]>> {
  const out = new Map<string, StoredEvent[]>();
  if (cursors.size === 0) return out;
  const servers = [...cursors.keys()];
  const byKey = new Map(servers.map((s) => [redis.keys.events(s), s]));
  const reply = (await redis.client.xread('COUNT', READ_COUNT, 'STREAMS', ...byKey.keys(), ...cursors.values())) as Array<[string, Array<[string, string[]]>]> | null;
  for (const [key, entries] of reply ?? []) {
    const server = byKey.get(key);
    if (server === undefined) continue;
    out.set(server, entries.map(([id, fields]) => parseEntry(id, fields)).filter((e): e is StoredEvent => e !== undefined));
  }
  return out;
}

function parseEntry(id: string, fields: string[]): StoredEvent | undefined {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const epoch = Number(f.get('e'));
  const member = f.get('m');
  const text = f.get('t');
  const atMs = Number(f.get('a'));
  if (!Number.isFinite(epoch) || member === undefined || text === undefined || !Number.isFinite(atMs)) return undefined;
  const kind = f.get('k');
  if (kind === KIND.reply) return { id, epoch, member, event: { kind: 'reply', command: f.get('c') ?? '', text, atMs } };
  if (kind === KIND.console) return { id, epoch, member, event: { kind: 'console', text, atMs } };
  return undefined; // written by something else: skip it
}
