import type { Game } from '../../config/schema.ts';
import type { FileReader } from '../files.ts';
import type { RawServer } from '../types.ts';

/** What /proc says about a running process. */
export interface ProcessFacts {
  pid: number;
  comm: string;
  argv: string[];
  /** Working directory; undefined when it may not be read (a problem is recorded). */
  cwd: string | undefined;
  /** The executable's directory (argv[0] resolved against cwd, else /proc/PID/exe). */
  binDir: string | undefined;
}

/** A server as a game module sees it; the source adds where it was found. */
export interface Candidate {
  /** Name the id comes from (world, identity or directory), before sanitising. */
  idFrom: string;
  server: Omit<RawServer, 'id'>;
  notes: string[];
}

/** One game's process signature and how to read its settings. */
export interface GameProbe {
  game: Game;
  /** The server's /proc/PID/comm: its executable's name cut at 15 characters. */
  comm: RegExp;
  /** When the name alone does not tell (java): whether the command line is this game's server. */
  matches?(argv: readonly string[]): boolean;
  inspect(process: ProcessFacts, files: FileReader): Promise<Candidate>;
}

export function portOf(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value.trim());
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}
