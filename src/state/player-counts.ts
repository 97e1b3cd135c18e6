/**
 * The plausibility check every source applies before a game server's numbers reach the state
 * store: a server (or anyone answering on its port) must not be able to export -5 players,
 * 1e23 players or NaN. Player counts follow the log rules' check (seed 000,
 * `validPlayers` in extract/rules.ts): 0 <= current <= max <= 1000.
 */
import { validPlayers } from '../extract/rules.ts';
import type { GameObservation } from './servers.ts';

/** Fields that count things or measure sizes and rates: finite and never negative. */
const NON_NEGATIVE = ['playersQueued', 'playersJoining', 'tickRateHz', 'entities', 'memoryBytes', 'networkReceiveBytesPerSecond', 'networkTransmitBytesPerSecond', 'startTimeSeconds', 'lastSaveTimestampSeconds'] as const;
const COUNTS = new Set<string>(['playersQueued', 'playersJoining', 'entities']);

/** The problem with an observation's numbers, or undefined when they are plausible. */
export function implausible(o: GameObservation): string | undefined {
  const { playersOnline: online, playersMax: max } = o;
  if (online !== undefined || max !== undefined) {
    // A source that reports only one of the two is held to the same bounds (max 1000).
    if (!validPlayers(online ?? 0, max ?? 1000)) {
      return `player count ${online ?? '?'} of ${max ?? '?'} is outside 0 <= current <= max <= 1000`;
    }
  }
  for (const key of NON_NEGATIVE) {
    const v = o[key];
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v < 0 || (COUNTS.has(key) && !Number.isInteger(v))) return `${key} ${v} is not a plausible value`;
  }
  return undefined;
}
