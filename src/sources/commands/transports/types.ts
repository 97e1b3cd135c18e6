/**
 * What the scheduler needs from a way of talking to a game server: send one command, get its
 * reply text. Transports keep their connection open between commands and reconnect lazily.
 * Failures are GustErrors whose code maps to a `reason` label (see failureReason).
 */
import { GustError } from '../../../errors.ts';
import type { FailureReason } from '../../../state/servers.ts';

export type TransportKind = 'source' | 'webrcon' | 'exec';

export interface SendOptions {
  /**
   * Where one request can get several messages (WebRCON frames with its Identifier), the one
   * this accepts is the reply (a JSON command: the frame its parser reads).
   */
  accept?: (text: string) => boolean;
}

export interface Transport {
  readonly kind: TransportKind;
  /** Resolves with the reply text; rejects with a GustError after at most `timeoutMs`. */
  send(command: string, timeoutMs: number, options?: SendOptions): Promise<string>;
  /** Close the connection and reject whatever is pending. Idempotent. */
  close(): void;
}

/** Connection events, fed into CATALOGUE section C by the command source. */
export interface ConnectionHooks {
  connected(): void;
  disconnected(): void;
  connectFailed(reason: FailureReason): void;
  /** One protocol message (packet, frame) received. */
  message(): void;
}

export const noHooks: ConnectionHooks = { connected() {}, disconnected() {}, connectFailed() {}, message() {} };

/** The `reason` label of a failure. */
export function failureReason(err: unknown): FailureReason {
  if (!(err instanceof GustError)) return 'error';
  switch (err.code) {
    case 'GUST_RCON_TIMEOUT':
      return 'timeout';
    case 'GUST_RCON_REFUSED':
      return 'refused';
    case 'GUST_RCON_AUTH':
      return 'auth';
    case 'GUST_RCON_PROTOCOL':
      return 'protocol';
    case 'GUST_COMMAND_PARSE':
      return 'parse';
    default:
      return 'error';
  }
}

/** Maps a socket error to a GustError without leaking anything but the errno. */
export function connectError(err: NodeJS.ErrnoException, what: string): GustError {
  const code = err.code ?? 'unknown';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET') {
    return new GustError('GUST_RCON_REFUSED', `${what}: connection refused (${code})`);
  }
  if (code === 'ETIMEDOUT') return new GustError('GUST_RCON_TIMEOUT', `${what}: connect timed out`);
  return new GustError('GUST_RCON_CLOSED', `${what}: connection error (${code})`);
}
