/** Builds the transport a server's `rcon:` block asks for. */
import { GustError } from '../../../errors.ts';
import type { Game, RconConfig } from '../../../config/schema.ts';
import type { AuthFailureLog } from './auth-failures.ts';
import { ExecTransport } from './exec.ts';
import { SourceRconTransport, type SourceRconMode } from './source-rcon.ts';
import { WebRconTransport } from './webrcon.ts';
import type { ConnectionHooks, Transport } from './types.ts';

export function defaultMode(game: Game): SourceRconMode {
  return game === 'minecraft' ? 'minecraft' : game === 'palworld' ? 'palworld' : 'srcds';
}

export function createTransport(game: Game, rcon: RconConfig, hooks: ConnectionHooks, onConsole: (line: string) => void, authFailures?: AuthFailureLog): Transport {
  if (rcon.transport === 'exec') {
    if (!rcon.command) throw new GustError('GUST_CONFIG_INVALID', 'rcon.command is required for the exec transport');
    return new ExecTransport(rcon.command, rcon.max_reply_size);
  }
  if (rcon.port === undefined) throw new GustError('GUST_CONFIG_INVALID', `rcon.port is required for the ${rcon.transport} transport`);
  const common = { host: rcon.host, port: rcon.port, password: rcon.password, connectTimeoutMs: rcon.connect_timeout, maxReplyBytes: rcon.max_reply_size, hooks };
  if (rcon.transport === 'webrcon') return new WebRconTransport({ ...common, onConsole, authFailures });
  return new SourceRconTransport({ ...common, mode: rcon.mode ?? defaultMode(game) });
}

/** Whether two rcon blocks describe the same connection (then a reload keeps it open). */
export function sameConnection(a: RconConfig, b: RconConfig, gameA: Game, gameB: Game): boolean {
  return (
    a.transport === b.transport &&
    a.host === b.host &&
    a.port === b.port &&
    (a.mode ?? defaultMode(gameA)) === (b.mode ?? defaultMode(gameB)) &&
    a.connect_timeout === b.connect_timeout &&
    a.max_reply_size === b.max_reply_size &&
    (a.password?.reveal() ?? '') === (b.password?.reveal() ?? '') &&
    JSON.stringify(a.command ?? []) === JSON.stringify(b.command ?? [])
  );
}
