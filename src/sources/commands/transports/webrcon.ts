/**
 * Rust (Facepunch) WebRCON (PROTOCOLS.md section 2) over `ws`.
 *
 * Replies are matched on Identifier, but several frames can carry a request's Identifier:
 * whatever is logged while the command runs (plugins) comes with it, before or after the
 * reply. A JSON command (serverinfo, playerlist) takes the frame its parser accepts (`accept`);
 * a text command gathers the frames until a short quiet gap. Frames that are not the reply,
 * Identifier 0 (console output) and -1 (broadcasts: chat, reports) go to `onConsole` once, so
 * they count like log lines. A command with no output sends no frame: only the timeout ends it.
 *
 * The password is part of the URL, so the URL is never logged or put in an error. A wrong
 * password is never answered with a 101: Rust writes a bare close frame (88 02 03 e8) on the
 * raw socket, which `ws` reports as an HTTP parse error (HPE_INVALID_CONSTANT). Rust bans the
 * IP after 5 failures in 300 s, so after 4 the transport stops connecting until the window
 * has passed.
 *
 * Bounds: a frame over `maxReplyBytes` (ws maxPayload), a text reply gathering more, or as
 * many bytes of frames that are not JSON or carry Identifiers this connection never sent,
 * reset the connection (reason "protocol").
 */
import WebSocket from 'ws';
import { GustError } from '../../../errors.ts';
import type { Secret } from '../../../config/secret.ts';
import { AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_MS, localAuthFailures, type AuthFailureLog } from './auth-failures.ts';
import { DEFAULT_MAX_REPLY_BYTES } from './source-rcon.ts';
import { connectError, failureReason, noHooks, type ConnectionHooks, type SendOptions, type Transport } from './types.ts';

export { AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_MS } from './auth-failures.ts';
/** Rust refuses a second connection from the same IP within 1 s. */
const CONNECT_COOLDOWN_MS = 1_000;
/** A text reply is complete when no frame with its Identifier came for this long. */
const TEXT_QUIET_MS = 150;
/** A JSON command whose frames the parser all refused ends this long after the last one. */
const REFUSED_QUIET_MS = 500;
/** Identifiers this connection sent recently: a late frame with one is console output, not junk. */
const RECENT_IDS = 256;

export interface WebRconFrame {
  Message: string;
  Identifier: number;
  Type: string;
  Stacktrace?: string | null;
}

export interface WebRconOptions {
  host: string;
  port: number;
  password: Secret | undefined;
  connectTimeoutMs: number;
  /** Largest frame and largest gathered reply; default DEFAULT_MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  hooks?: ConnectionHooks;
  /** Console output and broadcasts (Identifier 0 / -1), as log-like lines. */
  onConsole?: (line: string) => void;
  /** Failed authentications per endpoint (the ban guard); default: this process's own count. */
  authFailures?: AuthFailureLog;
}

interface Pending {
  id: number;
  accept: ((text: string) => boolean) | undefined;
  /** Text command: the frames so far. JSON command: the frames the parser refused. */
  frames: string[];
  bytes: number;
  resolve(text: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  quietTimer?: NodeJS.Timeout;
}

/** Whether an `error` from `ws` before the upgrade is Rust's answer to a wrong password. */
function isBareCloseFrame(err: Error): boolean {
  const e = err as Error & { code?: string; rawPacket?: Buffer };
  return e.code === 'HPE_INVALID_CONSTANT' && Buffer.isBuffer(e.rawPacket) && e.rawPacket[0] === 0x88;
}

const CHAT_CHANNELS: Record<number, string> = { 0: 'CHAT', 1: 'TEAM CHAT', 2: 'SERVER CHAT', 3: 'CARDS CHAT', 4: 'LOCAL CHAT', 5: 'CLAN CHAT' };

/** A chat frame's JSON as the line Rust writes to its log, so the same rules match both. */
export function consoleLine(frame: WebRconFrame): string {
  if (frame.Type !== 'Chat') return frame.Message;
  try {
    const chat = JSON.parse(frame.Message) as { Channel?: number; Message?: string; UserId?: string; Username?: string };
    return `[${CHAT_CHANNELS[chat.Channel ?? 0] ?? 'CHAT'}] ${chat.Username ?? ''}[${chat.UserId ?? ''}] : ${chat.Message ?? ''}`;
  } catch {
    return frame.Message;
  }
}

export class WebRconTransport implements Transport {
  readonly kind = 'webrcon' as const;
  readonly #options: WebRconOptions;
  readonly #hooks: ConnectionHooks;
  readonly #key: string;
  readonly #authFailures: AuthFailureLog;
  readonly #maxReplyBytes: number;
  #ws: WebSocket | undefined;
  #connecting: Promise<WebSocket> | undefined;
  #lastConnectMs = 0;
  #nextId = 1000;
  readonly #pending = new Map<number, Pending>();
  readonly #recentIds = new Set<number>();
  /** Bytes of junk frames (not JSON, foreign Identifier) since the last reply frame. */
  #junkBytes = 0;
  #closed = false;

  constructor(options: WebRconOptions) {
    this.#options = options;
    this.#hooks = options.hooks ?? noHooks;
    this.#key = `${options.host}:${options.port}`;
    this.#authFailures = options.authFailures ?? localAuthFailures;
    this.#maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  }

  get connected(): boolean {
    return this.#ws !== undefined;
  }

  async send(command: string, timeoutMs: number, options: SendOptions = {}): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const ws = await this.#connect(deadline);
    return new Promise<string>((resolve, reject) => {
      const id = this.#nextId;
      this.#nextId = this.#nextId >= 0x7fffffff ? 1000 : this.#nextId + 1;
      const timer = setTimeout(() => {
        // Frames gathered by the deadline are the reply as it is.
        if (pending.frames.length > 0) return this.#finish(pending);
        this.#end(pending);
        reject(new GustError('GUST_RCON_TIMEOUT', `no reply to "${command}" within ${timeoutMs} ms`));
      }, Math.max(1, deadline - Date.now()));
      const pending: Pending = { id, accept: options.accept, frames: [], bytes: 0, resolve, reject, timer };
      this.#pending.set(id, pending);
      this.#recentIds.add(id);
      if (this.#recentIds.size > RECENT_IDS) this.#recentIds.delete(this.#recentIds.values().next().value!);
      ws.send(JSON.stringify({ Identifier: id, Message: command, Name: 'WebRcon' }));
    });
  }

  close(): void {
    this.#closed = true;
    if (this.#ws) this.#hooks.disconnected(); // the close event below finds #ws already gone
    this.#drop(new GustError('GUST_RCON_CLOSED', 'WebRCON connection closed by the agent'));
  }

  #connect(deadline: number): Promise<WebSocket> {
    if (this.#ws) return Promise.resolve(this.#ws);
    if (this.#closed) return Promise.reject(new GustError('GUST_RCON_CLOSED', 'WebRCON transport was closed'));
    this.#connecting ??= this.#open(deadline).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(deadline: number): Promise<WebSocket> {
    const { host, port, password } = this.#options;
    if (!password || password.empty) throw new GustError('GUST_RCON_AUTH', 'WebRCON password is empty (Rust disables RCON)');
    // Rust compares the path exactly (no URL decoding): these characters cannot reach it intact.
    if (/[\s#?]/.test(password.reveal())) throw new GustError('GUST_RCON_AUTH', 'WebRCON password contains whitespace, # or ?, which cannot be sent in the URL path');
    const now = Date.now();
    const recent = await this.#authFailures.recent(this.#key, now);
    if (recent.length >= AUTH_FAILURE_LIMIT) {
      const waitS = Math.ceil((recent[0]! + AUTH_FAILURE_WINDOW_MS - now) / 1000);
      throw new GustError('GUST_RCON_AUTH', `WebRCON not retried for ${waitS} s: ${recent.length} failed authentications (Rust bans the IP after 5)`);
    }
    const cooldown = this.#lastConnectMs + CONNECT_COOLDOWN_MS - now;
    if (cooldown > 0) {
      if (now + cooldown >= deadline) throw new GustError('GUST_RCON_TIMEOUT', 'WebRCON reconnect cooldown exceeds the command deadline');
      await new Promise((r) => setTimeout(r, cooldown));
    }
    this.#lastConnectMs = Date.now();
    const connectTimeout = Math.max(1, Math.min(this.#options.connectTimeoutMs, deadline - Date.now()));
    // The password is compared exactly (no URL decoding): it goes into the path as-is.
    const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}/${password.reveal()}`;
    return new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: connectTimeout, perMessageDeflate: false, maxPayload: this.#maxReplyBytes });
      let opened = false;
      ws.on('open', () => {
        opened = true;
        if (this.#closed) {
          // close() ran while the handshake was under way: this connection must not stay open.
          ws.close();
          return reject(new GustError('GUST_RCON_CLOSED', 'WebRCON transport was closed'));
        }
        this.#ws = ws;
        this.#junkBytes = 0;
        this.#recentIds.clear();
        this.#hooks.connected();
        resolve(ws);
      });
      ws.on('message', (data) => {
        if (this.#ws !== ws) return;
        this.#hooks.message();
        this.#onFrame(String(data));
      });
      ws.on('error', (err: NodeJS.ErrnoException) => {
        if (opened) {
          // ws closes the socket itself after a protocol error (e.g. over maxPayload: 1009).
          if (this.#ws === ws) this.#reset(new GustError('GUST_RCON_PROTOCOL', `WebRCON protocol error: ${err.message}`));
          return;
        }
        let gustErr: GustError;
        if (isBareCloseFrame(err)) {
          this.#authFailures.record(this.#key, Date.now());
          gustErr = new GustError('GUST_RCON_AUTH', 'WebRCON authentication failed (the server answered the upgrade with a close frame: wrong password)');
        } else if (err.message.includes('timed out')) {
          gustErr = new GustError('GUST_RCON_TIMEOUT', `WebRCON connect to port ${port} timed out`);
        } else {
          gustErr = connectError(err, `WebRCON port ${port}`);
        }
        this.#hooks.connectFailed(failureReason(gustErr));
        reject(gustErr);
      });
      ws.on('close', () => {
        if (!opened || this.#ws !== ws) return;
        this.#ws = undefined;
        this.#hooks.disconnected();
        this.#drop(new GustError('GUST_RCON_CLOSED', 'WebRCON connection closed by the server'));
      });
    });
  }

  #onFrame(text: string): void {
    let frame: WebRconFrame | undefined;
    try {
      frame = JSON.parse(text) as WebRconFrame;
    } catch {
      // not JSON: nothing to match it to
    }
    if (!frame || typeof frame.Message !== 'string' || typeof frame.Identifier !== 'number') return this.#junk(text.length);
    const pending = this.#pending.get(frame.Identifier);
    if (pending) {
      this.#junkBytes = 0;
      return this.#onReplyFrame(pending, frame);
    }
    if (frame.Identifier === 0 || frame.Identifier === -1 || this.#recentIds.has(frame.Identifier)) {
      // Console output, broadcasts, and what a finished command logged after its reply.
      this.#options.onConsole?.(consoleLine(frame));
      return;
    }
    this.#junk(text.length);
  }

  #onReplyFrame(pending: Pending, frame: WebRconFrame): void {
    clearTimeout(pending.quietTimer);
    if (pending.accept?.(frame.Message)) return this.#finish(pending, frame.Message);
    // A JSON command's refused frame was logged while it ran: console output, and part of the
    // reply (then a parse failure) only if no frame the parser accepts comes.
    if (pending.accept) this.#options.onConsole?.(consoleLine(frame));
    pending.frames.push(frame.Message);
    pending.bytes += frame.Message.length;
    if (pending.bytes > this.#maxReplyBytes) {
      return this.#reset(new GustError('GUST_RCON_PROTOCOL', `WebRCON reply larger than ${this.#maxReplyBytes} bytes (max_reply_size)`));
    }
    pending.quietTimer = setTimeout(() => this.#finish(pending), pending.accept ? REFUSED_QUIET_MS : TEXT_QUIET_MS);
  }

  /** Frames nobody can use: bounded like a reply, then the connection is reset. */
  #junk(bytes: number): void {
    this.#junkBytes += bytes;
    if (this.#junkBytes > this.#maxReplyBytes) {
      this.#reset(new GustError('GUST_RCON_PROTOCOL', `WebRCON server sent over ${this.#maxReplyBytes} bytes of frames that are not JSON or carry unknown Identifiers`));
    }
  }

  #finish(pending: Pending, reply = pending.frames.join('\n')): void {
    this.#end(pending);
    pending.resolve(reply);
  }

  #end(pending: Pending): void {
    clearTimeout(pending.timer);
    clearTimeout(pending.quietTimer);
    if (this.#pending.get(pending.id) === pending) this.#pending.delete(pending.id);
    pending.frames = [];
  }

  /** The server broke the protocol or its bounds: counted, the connection closed, pending requests failed. */
  #reset(err: GustError): void {
    if (!this.#ws) return;
    this.#hooks.connectFailed(failureReason(err));
    this.#hooks.disconnected();
    this.#drop(err);
  }

  #drop(err: Error): void {
    const ws = this.#ws;
    this.#ws = undefined;
    ws?.terminate();
    for (const pending of [...this.#pending.values()]) {
      this.#end(pending);
      pending.reject(err);
    }
  }
}
