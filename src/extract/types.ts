/** The extraction engine as the sources see it: one engine for log lines, console streams and command replies. */
import type { Config, Game } from '../config/schema.ts';

export type LineOrigin = 'log' | 'console';

export interface Extraction {
  /**
   * A line from a log file, or from a console stream (Rust WebRCON broadcasts count like log lines).
   * `game` overrides the server's built-in rule set (a log file's `game:` key).
   */
  line(serverId: string, line: string, origin: LineOrigin, atMs?: number, game?: Game): void;
  /** A command reply: apply the user rules named in the command's config (`rules:`). */
  reply(serverId: string, command: string, text: string, ruleNames: readonly string[]): void;
  /** Rules changed (reload): recompile, keep counter values. `running`: the config before the reload. */
  reload(running?: Config): void;
}
