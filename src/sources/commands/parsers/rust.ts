/** Rust replies (PROTOCOLS.md section 2): serverinfo and playerlist are JSON inside the frame's Message; status is text. */
import { GustError } from '../../../errors.ts';
import type { GameObservation } from '../../../state/servers.ts';

const MIB = 1024 * 1024;

function json(text: string, command: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GustError('GUST_COMMAND_PARSE', `${command} reply is not JSON`);
  }
}

// Number.isFinite does not coerce: a string, a boolean or null is not a number to it.
const num = (v: unknown): number | undefined => (Number.isFinite(v) ? (v as number) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export function parseRustServerinfo(text: string, nowMs: number): GameObservation {
  // Any JSON value: a number, a string or `null` (read as {}) has no Players either.
  const info = (json(text, 'serverinfo') ?? {}) as Record<string, unknown>;
  const players = num(info.Players);
  const max = num(info.MaxPlayers);
  if (players === undefined || max === undefined) throw new GustError('GUST_COMMAND_PARSE', 'serverinfo reply has no Players/MaxPlayers');
  const uptime = num(info.Uptime);
  const memory = num(info.Memory);
  return {
    playersOnline: players,
    playersMax: max,
    playersQueued: num(info.Queued),
    playersJoining: num(info.Joining),
    tickRateHz: num(info.Framerate),
    entities: num(info.EntityCount),
    memoryBytes: memory === undefined ? undefined : memory * MIB,
    networkReceiveBytesPerSecond: num(info.NetworkIn),
    networkTransmitBytesPerSecond: num(info.NetworkOut),
    startTimeSeconds: uptime === undefined ? undefined : Math.round(nowMs / 1000 - uptime),
    restarting: typeof info.Restarting === 'boolean' ? info.Restarting : undefined,
    name: str(info.Hostname),
    map: str(info.Map),
    version: str(info.Protocol) ?? str(info.Version),
  };
}

export function parseRustPlayerlist(text: string): GameObservation {
  const list = json(text, 'playerlist');
  if (!Array.isArray(list)) throw new GustError('GUST_COMMAND_PARSE', 'playerlist reply is not a JSON array');
  return { playersOnline: list.length };
}

const STATUS_PLAYERS = /players\s*:\s*(\d+)\s*\((\d+)\s*max\)(?:\s*\((\d+)\s*queued\))?(?:\s*\((\d+)\s*joining\))?/;

export function parseRustStatus(text: string): GameObservation {
  const m = STATUS_PLAYERS.exec(text);
  if (!m) throw new GustError('GUST_COMMAND_PARSE', 'status reply has no "players : N (M max)" line');
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+?)\\s*$`, 'm').exec(text)?.[1];
  return {
    playersOnline: Number(m[1]),
    playersMax: Number(m[2]),
    playersQueued: m[3] === undefined ? undefined : Number(m[3]),
    playersJoining: m[4] === undefined ? undefined : Number(m[4]),
    name: field('hostname'),
    map: field('map'),
    version: field('version'),
  };
}
