/**
 * Pairs the agent's view of each command with the fake's: the agent's duration comes from its
 * own histogram (each server runs one command per round, so the change of a server's
 * gust_command_duration_seconds_sum between two scrapes is that one command's duration), the
 * fake's from its receive and reply timestamps.
 */
import { mean, percentile } from '../lib/stats.ts';

/** Per server: the sum of `metric` over its series (all commands). */
export function perServer(exposition: string, metric: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const server = /[{,]server="([^"]*)"/.exec(line)?.[1];
    if (server === undefined) continue;
    out.set(server, (out.get(server) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

export interface HistogramSnapshot {
  sum: Map<string, number>;
  count: Map<string, number>;
}

export function commandHistogram(exposition: string): HistogramSnapshot {
  return { sum: perServer(exposition, 'gust_command_duration_seconds_sum'), count: perServer(exposition, 'gust_command_duration_seconds_count') };
}

/**
 * Each server's one command of the round between two snapshots, in ms (index = server
 * number, ids s0..sN-1). Throws when a server did not complete exactly one command: the
 * pairing with the fakes' timestamps would be wrong.
 */
export function roundDurationsMs(before: HistogramSnapshot, after: HistogramSnapshot, servers: number, round: number): number[] {
  const out: number[] = [];
  const off: string[] = [];
  for (let i = 0; i < servers; i++) {
    const id = `s${i}`;
    const n = (after.count.get(id) ?? 0) - (before.count.get(id) ?? 0);
    if (n !== 1) off.push(`${id}: ${n}`);
    out.push(((after.sum.get(id) ?? 0) - (before.sum.get(id) ?? 0)) * 1000);
  }
  if (off.length > 0) throw new Error(`round ${round}: servers without exactly one successful command (${off.slice(0, 10).join(', ')}${off.length > 10 ? ', ...' : ''})`);
  return out;
}

export interface Distribution {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export function distribution(samples: readonly number[]): Distribution {
  return { mean: mean(samples), p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.length ? Math.max(...samples) : Number.NaN };
}
