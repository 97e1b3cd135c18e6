/**
 * One member of a group. Every heartbeat it announces itself, checks and renews its leases,
 * gives back and takes leases as the mode's plan says, and (replicate) reads the results of
 * the servers others poll into its own state store. Right after a poll of a server it holds,
 * it publishes the result under the lease's epoch, and (replicate) the replies and console
 * lines its extraction engine was fed (events.ts), which the other members feed to theirs.
 *
 * Everything the agent asks of it (polls, exports, status) is answered from memory: no
 * scrape or API read waits on Redis. When a heartbeat fails (Redis down, timed out) the
 * member falls back to polling alone (replicate: every server; shard: its last share) and
 * rejoins on the next heartbeat that works.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ClusterConfig, Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { ClusterMetrics, LeaseLossReason } from '../metrics/cluster.ts';
import { sharedAuthFailures, type AuthFailureLog } from '../sources/commands/transports/auth-failures.ts';
import type { ServerStateStore } from '../state/servers.ts';
import type { Extraction } from '../extract/types.ts';
import { compareIds, lastEventIds, MAX_EVENT_BYTES, publishEvents, readEvents, READ_COUNT, type EventBatch, type SharedEvent } from './events.ts';
import { applyLeaseChanges, readLeases, releaseAll, type Lease } from './lease.ts';
import { heartbeat, leave, type Member, type Self } from './membership.ts';
import { planReplicate, planShard, type Plan } from './plan.ts';
import type { ClusterRedis } from './redis.ts';
import { publishResults, readResults } from './results.ts';

export interface ClusterEvents {
  /** This member now polls `server`; `lastResultMs` is when anyone last probed it (0 = unknown). */
  acquired: [server: string, lastResultMs: number];
  /** This member stopped polling `server` (its connections should close). */
  released: [server: string];
}

export interface ClusterStatus {
  member: string;
  mode: ClusterConfig['mode'];
  fallback: boolean;
  members: Array<{ id: string; address: string; mode: string; started: string; expires: string }>;
  leases: Array<{ server: string; holder: string; epoch: number; since: string }>;
  /** Leasable servers nobody holds right now. */
  unheld: string[];
}

/** What the rest of the agent sees of the group (AgentContext.cluster). */
export interface ClusterView {
  readonly mode: ClusterConfig['mode'];
  /** Whether this member runs the server's commands and queries now. */
  polls(server: string): boolean;
  /** Whether this member exports the server's game series. */
  exports(server: string): boolean;
  status(): ClusterStatus;
  /** Who holds the server's lease, as of the last heartbeat (address as the member announced it). */
  holderOf(server: string): { member: string; address: string | undefined } | undefined;
  /** The WebRCON ban guard's count, shared by the members (a lease may move between them). */
  readonly authFailures: AuthFailureLog;
  /**
   * The extraction engine was just fed `event` for `server` (a reply user rules read, a console
   * line): if this member holds the server in replicate mode, the others get it too.
   */
  share(server: string, event: SharedEvent): void;
  on<E extends keyof ClusterEvents>(event: E, listener: (...args: ClusterEvents[E]) => void): unknown;
  off<E extends keyof ClusterEvents>(event: E, listener: (...args: ClusterEvents[E]) => void): unknown;
}

export interface CoordinatorDeps {
  redis: ClusterRedis;
  self: Self;
  config: () => Config;
  state: ServerStateStore;
  /** Fed the events the holders of other servers share (replicate). */
  extraction: Extraction;
  metrics: ClusterMetrics;
  logger: Logger;
}

/** Events one held server may queue within one turn; more are not shared (a console flood). */
const MAX_QUEUED_EVENTS = 500;

/** `server\ncommand` -> the user rules its config applies to the command's reply. */
function replyRules(config: Config): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const server of config.servers) {
    for (const c of server.commands) if (typeof c !== 'string' && c.rules.length > 0) out.set(`${server.id}\n${c.command}`, c.rules);
  }
  return out;
}

/** Servers shared out by leases: those something polls (commands or a query). Logs stay local. */
export function leasableServers(config: Config): string[] {
  return config.servers.filter((s) => (s.rcon && s.commands.length > 0) || s.query).map((s) => s.id);
}

export class Coordinator extends EventEmitter<ClusterEvents> implements ClusterView {
  readonly #deps: CoordinatorDeps;
  readonly #held = new Map<string, Lease>();
  #leases = new Map<string, Lease>();
  #members: Member[] = [];
  #leasable = new Set<string>();
  /** Local time each free lease was first seen free. */
  readonly #freeSince = new Map<string, number>();
  /** shard: the servers this member owned at the last heartbeat that worked. */
  #share = new Set<string>();
  #fallback = false;
  readonly #publishedAt = new Map<string, number>();
  readonly #importedAt = new Map<string, number>();
  readonly #dirty = new Set<string>();
  /** Events of held servers waiting for this turn's flush. */
  readonly #outbox = new Map<string, SharedEvent[]>();
  /** Per server, the id of the last stream entry this member consumed or appended. */
  readonly #cursors = new Map<string, string>();
  /** Per server, the newest lease epoch seen on an event read (older ones are ignored). */
  readonly #eventEpochs = new Map<string, number>();
  /** Servers whose oversized events were reported once. */
  readonly #oversized = new Set<string>();
  #flushing = false;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #stopped = false;
  /** performance.now() when the last renewal round that succeeded was sent. */
  #renewSentAt = -Infinity;
  /** The `cluster:` section; a reload that removes it keeps these (leaving a group needs a restart). */
  #settings: ClusterConfig;

  readonly authFailures: AuthFailureLog;

  constructor(deps: CoordinatorDeps) {
    super();
    this.#deps = deps;
    this.authFailures = sharedAuthFailures(deps.redis.client, (endpoint) => deps.redis.keys.authFailures(endpoint), deps.self.id);
    this.#settings = deps.config().cluster!;
    this.#leasable = new Set(leasableServers(deps.config()));
    deps.metrics.membersExpected.set(this.#cluster.expected_members);
    deps.metrics.fallback.set(0);
    deps.state.on('change', (server) => this.#changed(server));
  }

  get mode(): ClusterConfig['mode'] {
    return this.#cluster.mode;
  }

  get #cluster(): ClusterConfig {
    return this.#settings;
  }

  polls(server: string): boolean {
    if (!this.#leasable.has(server)) return true;
    if (this.#fallback) return this.mode === 'replicate' || this.#share.has(server);
    return this.#held.has(server) && this.#fresh();
  }

  /**
   * Whether our leases can still be valid by our own clock: after a pause (SIGSTOP, a stalled
   * event loop) longer than lease_ttl since the last renewal was sent, this member stops
   * polling until a heartbeat tells it what it still holds.
   */
  #fresh(): boolean {
    return performance.now() - this.#renewSentAt < this.#cluster.lease_ttl;
  }

  exports(server: string): boolean {
    if (!this.#leasable.has(server) || this.mode === 'replicate') return true;
    return this.#fallback ? this.#share.has(server) : this.#held.has(server);
  }

  get fallback(): boolean {
    return this.#fallback;
  }

  get leasable(): ReadonlySet<string> {
    return this.#leasable;
  }

  status(): ClusterStatus {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      member: this.#deps.self.id,
      mode: this.mode,
      fallback: this.#fallback,
      members: this.#members.map((m) => ({ id: m.id, address: m.address, mode: m.mode, started: iso(m.startedMs), expires: iso(m.expiresMs) })),
      leases: [...this.#leases].sort(([a], [b]) => (a < b ? -1 : 1)).map(([server, l]) => ({ server, holder: l.member, epoch: l.epoch, since: iso(l.sinceMs) })),
      unheld: [...this.#leasable].filter((s) => !this.#leases.has(s)).sort(),
    };
  }

  holderOf(server: string): { member: string; address: string | undefined } | undefined {
    const lease = this.#leases.get(server);
    if (!lease) return undefined;
    return { member: lease.member, address: this.#members.find((m) => m.id === lease.member)?.address };
  }

  /** Runs the first heartbeat (so the first poll round knows its leases), then one per interval. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#tickOnce();
    this.#arm();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#ticking;
    const { redis, self, logger } = this.#deps;
    try {
      // Hand over at once instead of after lease_ttl and member_ttl.
      await releaseAll(redis, this.#held);
      await leave(redis, self.id);
    } catch (err) {
      logger.debug({ err: errorMessage(err) }, 'could not hand over leases on stop; they expire by themselves');
    }
    this.#held.clear();
  }

  /** Timings, mode and expected_members apply from the next heartbeat, as do added and removed servers. */
  reload(): void {
    const next = this.#deps.config().cluster;
    if (!next) this.#deps.logger.warn('cluster: the section was removed from the config; this member stays in the group until restarted');
    else if (next.member_id !== this.#settings.member_id) this.#deps.logger.warn('cluster: member_id changes only at restart');
    this.#settings = next ?? this.#settings;
    this.#deps.metrics.membersExpected.set(this.#cluster.expected_members);
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tickOnce().finally(() => this.#arm()), this.#cluster.heartbeat);
  }

  #tickOnce(): Promise<void> {
    this.#ticking = this.#tick().catch((err: unknown) => this.#enterFallback(err));
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    const { redis, self, metrics, config } = this.#deps;
    const cluster = this.#cluster;
    const servers = leasableServers(config());
    this.#leasable = new Set(servers);
    const hb = await heartbeat(redis, self, cluster.member_ttl);
    const leases = await readLeases(redis, servers);
    if (this.#stopped) return;
    const now = Date.now();
    for (const s of servers) {
      if (leases.has(s)) this.#freeSince.delete(s);
      else if (!this.#freeSince.has(s)) this.#freeSince.set(s, now);
    }
    // Leases Redis no longer shows as ours were lost (expired while we were slow, or taken).
    const release = new Map<string, Lease>();
    for (const [server, mine] of [...this.#held]) {
      if (!this.#leasable.has(server)) release.set(server, mine);
      else if (leases.get(server)?.value !== mine.value) this.#drop(server, 'taken');
    }
    for (const server of release.keys()) this.#held.delete(server);
    const input = {
      self: self.id,
      servers,
      members: hb.members.map((m) => m.id),
      held: this.#held,
      leases,
      freeForMs: (s: string) => now - (this.#freeSince.get(s) ?? now),
      graceMs: cluster.takeover_grace,
      sticky: new Set([...this.#held.keys()].filter((s) => this.#failsAuth(s))),
    };
    const plan: Plan & { share?: Set<string> } = cluster.mode === 'shard' ? planShard(input) : planReplicate(input);
    for (const server of plan.release) release.set(server, this.#held.get(server)!);
    const sentAt = performance.now();
    const outcome = await applyLeaseChanges(redis, self.id, cluster.lease_ttl, {
      renew: new Map(plan.keep.map((s) => [s, this.#held.get(s)!])),
      release,
      acquire: plan.acquire,
    });
    if (this.#stopped) return;
    this.#renewSentAt = sentAt;
    const rejoined = this.#rejoin();
    this.#members = hb.members;
    if (plan.share) this.#share = plan.share;
    for (const server of outcome.lost) this.#drop(server, 'taken');
    for (const server of release.keys()) {
      this.#held.delete(server);
      leases.delete(server);
      this.#lost(server, 'released');
    }
    // When did the previous holder last poll? Its result may be newer than what we imported.
    const previous = outcome.acquired.size > 0 ? await readResults(redis, [...outcome.acquired.keys()]) : new Map();
    for (const [server, lease] of outcome.acquired) {
      this.#held.set(server, lease);
      leases.set(server, lease);
      this.#freeSince.delete(server);
      metrics.acquisitions.inc();
      const lastResultMs = Math.max(previous.get(server)?.snapshot.atMs ?? 0, this.#deps.state.probeSnapshot(server)?.atMs ?? 0);
      this.emit('acquired', server, lastResultMs);
    }
    if (rejoined) for (const server of servers) if (!this.polls(server)) this.emit('released', server);
    this.#leases = leases;
    metrics.members.set(hb.members.length);
    metrics.servers.set(servers.length);
    metrics.leasesHeld.set(this.#held.size);
    for (const server of this.#cursors.keys()) if (!this.#leasable.has(server)) this.#cursors.delete(server);
    if (cluster.mode !== 'replicate') return;
    const readers = servers.filter((s) => !this.#held.has(s));
    // Servers just taken: what their previous holder appended before giving them up is read
    // once more (nothing older can come after: its later appends are refused).
    await Promise.all([this.#importResults(readers), this.#importEvents([...readers, ...outcome.acquired.keys()])]);
  }

  /** The server's last command failed to authenticate (see PlanInput.sticky). */
  #failsAuth(server: string): boolean {
    const command = this.#deps.state.get(server)?.sources.command;
    return command?.ok === false && command.lastErrorReason === 'auth';
  }

  async #importResults(servers: string[]): Promise<void> {
    const results = await readResults(this.#deps.redis, servers);
    for (const [server, { snapshot }] of results) {
      if (this.#held.has(server) || snapshot.atMs <= (this.#importedAt.get(server) ?? 0)) continue;
      this.#importedAt.set(server, snapshot.atMs);
      this.#deps.state.importProbeSnapshot(server, snapshot);
    }
  }

  /**
   * New servers start at their stream's end; the others continue after their cursor. Events
   * this member appended itself (it held the server before) were counted when they happened.
   */
  async #importEvents(servers: string[]): Promise<void> {
    const { redis, self, extraction } = this.#deps;
    const fresh = servers.filter((s) => !this.#cursors.has(s));
    const cursors = new Map(servers.filter((s) => this.#cursors.has(s)).map((s) => [s, this.#cursors.get(s)!]));
    const [ends, read] = await Promise.all([lastEventIds(redis, fresh), readEvents(redis, cursors)]);
    for (const [server, id] of ends) this.#advance(server, id);
    let rules: Map<string, string[]> | undefined;
    for (const [server, entries] of read) {
      for (const { id, epoch, member, event } of entries) {
        this.#advance(server, id);
        if (member === self.id || epoch < (this.#eventEpochs.get(server) ?? 0)) continue;
        this.#eventEpochs.set(server, epoch);
        if (event.kind === 'console') extraction.line(server, event.text, 'console', event.atMs);
        else {
          rules ??= replyRules(this.#deps.config());
          const names = rules.get(`${server}\n${event.command}`);
          if (names) extraction.reply(server, event.command, event.text, names);
        }
      }
      if (entries.length === READ_COUNT) this.#deps.logger.debug({ server }, 'shared events: read the maximum per heartbeat; the rest follows on the next one');
    }
  }

  /** Moves a server's cursor forward only: reads and our own appends may complete in either order. */
  #advance(server: string, id: string): void {
    const current = this.#cursors.get(server);
    if (current === undefined || compareIds(id, current) > 0) this.#cursors.set(server, id);
  }

  share(server: string, event: SharedEvent): void {
    if (this.mode !== 'replicate' || this.#fallback || !this.#held.has(server)) return;
    if (Buffer.byteLength(event.text) > MAX_EVENT_BYTES) {
      if (!this.#oversized.has(server)) this.#deps.logger.warn({ server, bytes: Buffer.byteLength(event.text), limit: MAX_EVENT_BYTES }, 'a reply or console line too large to share with the group: only this member counts it');
      this.#oversized.add(server);
      return;
    }
    const queue = this.#outbox.get(server) ?? [];
    if (queue.length >= MAX_QUEUED_EVENTS) return; // a flood within one turn: the rest stays local
    queue.push(event);
    this.#outbox.set(server, queue);
    this.#schedule();
  }

  /** A poll of a held server finished: publish its result right away (batched per turn). */
  #changed(server: string): void {
    if (!this.#held.has(server) || this.#fallback) return;
    this.#dirty.add(server);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    const { redis, self, state, metrics, config, logger } = this.#deps;
    const publications = [];
    for (const server of this.#dirty) {
      const lease = this.#held.get(server);
      const snapshot = state.probeSnapshot(server);
      if (!lease || !snapshot || snapshot.atMs <= (this.#publishedAt.get(server) ?? 0)) continue;
      this.#publishedAt.set(server, snapshot.atMs);
      publications.push({ server, epoch: lease.epoch, member: self.id, snapshot });
    }
    this.#dirty.clear();
    const batches: EventBatch[] = [];
    for (const [server, events] of this.#outbox) {
      const lease = this.#held.get(server);
      if (lease && !this.#fallback) batches.push({ server, epoch: lease.epoch, member: self.id, events });
    }
    this.#outbox.clear();
    this.#flushing = false;
    const cfg = config();
    // Results outlive a few missed polls, so a new holder and the readers still see the last one.
    const ttlMs = Math.max(cfg.cache.ttl, 3 * cfg.auto_commands.interval, 3 * this.#cluster.lease_ttl);
    try {
      const [refusedResults, events] = await Promise.all([publishResults(redis, publications, ttlMs), publishEvents(redis, batches, ttlMs)]);
      // (After entering fallback meanwhile, positions start over at the stream's end on rejoining.)
      if (!this.#fallback) for (const [server, id] of events.lastIds) this.#advance(server, id);
      for (const server of new Set([...refusedResults, ...events.refused])) {
        metrics.fencedWrites.inc();
        logger.warn({ server }, 'result or events not published: a newer lease holder exists; this member stops polling the server');
        this.#drop(server, 'fenced');
      }
    } catch (err) {
      logger.debug({ err: errorMessage(err) }, 'publishing results failed; the next heartbeat checks Redis');
    }
  }

  /** This member no longer holds `server` although it did not decide so itself. */
  #drop(server: string, reason: LeaseLossReason): void {
    if (!this.#held.delete(server)) return;
    this.#lost(server, reason);
  }

  #lost(server: string, reason: LeaseLossReason): void {
    this.#deps.metrics.losses.inc({ reason });
    this.#deps.metrics.leasesHeld.set(this.#held.size);
    this.emit('released', server);
  }

  #enterFallback(err: unknown): void {
    const { metrics, logger } = this.#deps;
    if (this.#fallback || this.#stopped) {
      logger.debug({ err: errorMessage(err) }, 'cluster heartbeat failed');
      return;
    }
    this.#fallback = true;
    metrics.fallback.set(1);
    metrics.fallbacks.inc();
    // Our leases expire by themselves; until Redis is back this member polls alone.
    if (this.#held.size > 0) metrics.losses.inc({ reason: 'outage' }, this.#held.size);
    this.#held.clear();
    metrics.leasesHeld.set(0);
    // Polling alone, this member counts every server's events itself: after rejoining it reads
    // only what is appended from then on, or it would count the outage's events twice.
    this.#cursors.clear();
    this.#outbox.clear();
    logger.warn(
      { err: errorMessage(err), mode: this.mode },
      this.mode === 'replicate' ? 'cluster: Redis unreachable; polling every server alone until it is back' : 'cluster: Redis unreachable; polling the last known share alone until it is back',
    );
  }

  /** Returns whether this member was in fallback (and now polls only what it holds). */
  #rejoin(): boolean {
    if (!this.#fallback) return false;
    this.#fallback = false;
    this.#deps.metrics.fallback.set(0);
    this.#deps.logger.info('cluster: Redis reachable again; rejoined the group');
    return true;
  }
}
