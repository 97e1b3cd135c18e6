/**
 * Rendezvous (highest random weight) hashing: a server belongs to the member with the highest
 * hash of (member, server). When a member joins or leaves, only the servers it wins or
 * held change owner; everyone else's share stays put.
 */
import { createHash } from 'node:crypto';

/** A 52-bit weight (exact in a double) from SHA-1 of member and server. */
export function weight(member: string, server: string): number {
  const digest = createHash('sha1').update(member).update('\0').update(server).digest();
  return digest.readUInt32BE(0) * 2 ** 20 + (digest.readUInt32BE(4) >>> 12);
}

/** The owner of `server` among `members` (undefined when there are none). */
export function owner(server: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const member of members) {
    const w = weight(member, server);
    // Ties (practically impossible) go to the smaller id, so every member agrees.
    if (w > bestWeight || (w === bestWeight && best !== undefined && member < best)) {
      best = member;
      bestWeight = w;
    }
  }
  return best;
}

/** The servers `member` owns among `members`. */
export function share(member: string, servers: readonly string[], members: readonly string[]): Set<string> {
  return new Set(servers.filter((s) => owner(s, members) === member));
}

/** `servers` ordered by this member's preference (its weight, highest first). */
export function byPreference(member: string, servers: Iterable<string>): string[] {
  return [...servers].map((s) => [s, weight(member, s)] as const).sort((a, b) => b[1] - a[1]).map(([s]) => s);
}
