/**
 * Rust (Facepunch) WebRCON (PROTOCOLS.md section 2) over `ws`.
 *
 * Replies are matched on Identifier. Frames with Identifier 0 (console output) or -1
 * (broadcasts: chat, reports) are handed to `onConsole` so they count like log lines. A
 * command with no output sends no frame at all: only the timeout ends it.
 *
 * The password is part of the URL, so the URL is never logged or put in an error. A wrong
 * password shows as the server closing the socket before any frame: Rust bans the IP after 5
 * failures in 300 s, so after 4 the transport stops connecting until the window has passed.
 */
import WebSocket from 'ws';
import { GustError } from '../../../errors.ts';
import type { Secret } from '../../../config/secret.ts';
import { connectError, failureReason, noHooks, type ConnectionHooks, type Transport } from './types.ts';

export const AUTH_FAILURE_LIMIT = 4;
export const AUTH_FAILURE_WINDOW_MS = 300_000;
/** Rust refuses a second connection from the same IP within 1 s. */
const CONNECT_COOLDOWN_MS = 1_000;

/** Failed auths per host:port; module-wide so a reload that rebuilds the transport keeps them. */
const authFailures = new Map<string, number[]>();

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
  hooks?: ConnectionHooks;
  /** Console output and broadcasts (Identifier 0 / -1), as log-like lines. */
  onConsole?: (line: string) => void;
}

interface Pending {
  resolve(text: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
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
  #ws: WebSocket | undefined;
  #connecting: Promise<WebSocket> | undefined;
  #lastConnectMs = 0;
  #nextId = 1000;
  readonly #pending = new Map<number, Pending>();
  #closed = false;

  constructor(options: WebRconOptions) {
    this.#options = options;
    this.#hooks = options.hooks ?? noHooks;
    this.#key = `${options.host}:${options.port}`;
  }

  get connected(): boolean {
    return this.#ws !== undefined;
  }

  async send(command: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const ws = await this.#connect(deadline);
    return new Promise<string>((resolve, reject) => {
      const id = this.#nextId;
      this.#nextId = this.#nextId >= 0x7fffffff ? 1000 : this.#nextId + 1;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new GustError('GUST_RCON_TIMEOUT', `no reply to "${command}" within ${timeoutMs} ms`));
      }, Math.max(1, deadline - Date.now()));
      this.#pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ Identifier: id, Message: command, Name: 'WebRcon' }));
    });
  }

  close(): void {
    this.#closed = true;
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
    const recent = (authFailures.get(this.#key) ?? []).filter((t) => now - t < AUTH_FAILURE_WINDOW_MS);
    authFailures.set(this.#key, recent);
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
      const ws = new WebSocket(url, { handshakeTimeout: connectTimeout, perMessageDeflate: false });
      let opened = false;
      let confirmed = false;
      ws.on('open', () => {
        opened = true;
        this.#ws = ws;
        this.#hooks.connected();
        resolve(ws);
      });
      ws.on('message', (data) => {
        confirmed = true;
        this.#hooks.message();
        this.#onFrame(String(data));
      });
      ws.on('error', (err: NodeJS.ErrnoException) => {
        if (opened) return; // 'close' follows and drops the pending requests
        const gustErr = err.message.includes('timed out')
          ? new GustError('GUST_RCON_TIMEOUT', `WebRCON connect to port ${port} timed out`)
          : connectError(err, `WebRCON port ${port}`);
        this.#hooks.connectFailed(failureReason(gustErr));
        reject(gustErr);
      });
      ws.on('close', () => {
        if (!opened) return;
        if (this.#ws === ws) this.#ws = undefined;
        this.#hooks.disconnected();
        if (!confirmed && !this.#closed) {
          // Rust accepts the upgrade, then closes without a frame when the password is wrong.
          authFailures.set(this.#key, [...(authFailures.get(this.#key) ?? []), Date.now()]);
          this.#hooks.connectFailed('auth');
          this.#drop(new GustError('GUST_RCON_AUTH', 'WebRCON authentication failed (server closed the connection)'));
        } else {
          this.#drop(new GustError('GUST_RCON_CLOSED', 'WebRCON connection closed by the server'));
        }
      });
    });
  }

  #onFrame(text: string): void {
    let frame: WebRconFrame;
    try {
      frame = JSON.parse(text) as WebRconFrame;
    } catch {
      return; // not JSON: nothing to match it to
    }
    if (typeof frame.Message !== 'string') return;
    const pending = this.#pending.get(frame.Identifier);
    if (pending) {
      this.#pending.delete(frame.Identifier);
      clearTimeout(pending.timer);
      pending.resolve(frame.Message);
      return;
    }
    this.#options.onConsole?.(consoleLine(frame));
  }

  #drop(err: Error): void {
    const ws = this.#ws;
    this.#ws = undefined;
    ws?.terminate();
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
    this.#pending.clear();
  }
}
