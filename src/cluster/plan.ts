/**
 * Which leases a member keeps, gives back and tries to take on one heartbeat: pure functions
 * of what it saw in Redis, one per mode.
 */
import type { Lease } from './lease.ts';
import { byPreference, share } from './rendezvous.ts';

export interface PlanInput {
  self: string;
  /** Leasable servers in the config. */
  servers: readonly string[];
  /** Live member ids, this one included. */
  members: readonly string[];
  /** Leases this member holds and Redis still shows as its own. */
  held: ReadonlyMap<string, Lease>;
  /** Every lease Redis shows. */
  leases: ReadonlyMap<string, Lease>;
  /** How long each free lease has been seen free (ms). */
  freeForMs: (server: string) => number;
  graceMs: number;
  /**
   * Held leases never given back for rebalancing: servers whose last poll failed to
   * authenticate. Each new holder would spend its own attempts against Rust's 5-failure IP ban.
   */
  sticky?: ReadonlySet<string>;
}

export interface Plan {
  keep: string[];
  release: string[];
  acquire: string[];
}

/**
 * HA: every member takes up to its fair share (servers / members, rounded up), preferring the
 * servers that rendezvous hashing gives it (so members rarely race for the same lease), and
 * gives back what it holds beyond that share so a member that joins later gets work. A free
 * lease beyond the fair share is taken only after `graceMs`: the member that should take it
 * normally does so first.
 */
export function planReplicate(input: PlanInput): Plan {
  const { self, servers, members, held, leases } = input;
  const fair = Math.ceil(servers.length / Math.max(1, members.length));
  const sticky = [...held.keys()].filter((s) => input.sticky?.has(s));
  const ranked = byPreference(self, [...held.keys()].filter((s) => !input.sticky?.has(s)));
  const keep = [...sticky, ...ranked.slice(0, Math.max(0, fair - sticky.length))];
  const release = ranked.slice(Math.max(0, fair - sticky.length));
  const free = byPreference(self, servers.filter((s) => !leases.has(s)));
  const room = Math.max(0, fair - keep.length);
  const acquire = [...free.slice(0, room), ...free.slice(room).filter((s) => input.freeForMs(s) >= input.graceMs)];
  return { keep, release, acquire };
}

/** Scale: a member holds exactly the servers rendezvous hashing gives it among the live members. */
export function planShard(input: PlanInput): Plan & { share: Set<string> } {
  const { self, servers, members, held, leases } = input;
  const mine = share(self, servers, members);
  const keep = [...held.keys()].filter((s) => mine.has(s));
  const release = [...held.keys()].filter((s) => !mine.has(s));
  // A lease still held by its previous owner is taken once that owner gives it back or it expires.
  const acquire = [...mine].filter((s) => !leases.has(s));
  return { keep, release, acquire, share: mine };
}
