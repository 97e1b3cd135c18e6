import type { Game } from '../config/schema.ts';
import type { PasswordRef } from '../config/password-from.ts';

export const DISCOVERY_SOURCES = ['process', 'linuxgsm', 'docker'] as const;
export type DiscoverySource = (typeof DISCOVERY_SOURCES)[number];

/** A server entry as a user would write it under `servers:` (before validation). */
export interface RawServer {
  id: string;
  name?: string;
  game: Game;
  logs?: Array<{ path: string }>;
  rcon?: {
    transport: 'source' | 'webrcon';
    host?: string;
    port: number;
    password_from?: PasswordRef;
  };
  commands?: string[];
  query?: { type: string; host?: string; port: number };
  process?: { name: string; cwd?: string } | { container: string };
}

/** A password that no file or command line holds (a container's environment): kept in memory, never printed. */
export interface InlinePassword {
  value: string;
  /** Where it is, for the comment: e.g. "RCON_PASSWORD in container mc's environment". */
  where: string;
  /** The ${ENV} name `discover` prints in its place. */
  env: string;
}

/** One server a discovery source found. */
export interface Found {
  source: DiscoverySource;
  /** Stable across restarts (a directory or container name, never a pid): breaks id ties. */
  key: string;
  /** Where, in words: "pid 4242 RustDedicated in /srv/rust", "LinuxGSM /home/rust/lgsm/...". */
  from: string;
  server: RawServer;
  /** Where each value came from, one line each (the comment `discover` prints). */
  notes: string[];
  /** Files that could not be read (file, error, permission needed). */
  problems: string[];
  inlinePassword?: InlinePassword;
  /** The command line of the process it was found as (may hold a password: memory only, never printed). */
  argv?: string[];
}
