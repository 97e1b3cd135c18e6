/**
 * Source RCON (PROTOCOLS.md section 1), the project's own client: the npm clients cut
 * multi-packet replies, mistake a failed SRCDS auth for success, or hang.
 *
 * Framing is on the length prefix, never on TCP chunks. Auth is decided only by the type-2
 * packet (id echoed = ok, id -1 = wrong password). Three dialects:
 * - srcds: after each command an empty RESPONSE_VALUE with its own id; its echo marks the end
 *   of a multi-packet reply. Requests may be pipelined (id → pending map).
 * - minecraft: one request in flight, one write per packet, no terminator (the server closes
 *   on pipelined packets and answers the terminator with "Unknown request"); a reply split at
 *   4096 chars (vanilla) or 4096 bytes (some mods) continues until a shorter packet or a short
 *   quiet gap.
 * - palworld: replies always carry id 0 and the length header can overstate the body: one
 *   request in flight, and a partial packet is accepted after a short quiet gap.
 *
 * Bodies are kept as bytes and decoded once the reply is complete: a server that splits on
 * bytes may cut a UTF-8 character in two. What one connection may hold is bounded: a reply
 * over `maxReplyBytes`, or as many bytes nobody asked for, resets the connection (reason
 * "protocol"), and every map entry of a request goes when it settles or times out.
 */
import net from 'node:net';
import { GustError } from '../../../errors.ts';
import type { Secret } from '../../../config/secret.ts';
import { decodePackets, encodePacket, MAX_PACKET_BYTES, packetAt, type RconPacket } from './rcon-codec.ts';
import { connectError, failureReason, noHooks, type ConnectionHooks, type Transport } from './types.ts';

export type SourceRconMode = 'srcds' | 'minecraft' | 'palworld';

const TYPE_AUTH = 3;
const TYPE_EXEC = 2;
const TYPE_AUTH_RESPONSE = 2;
const TYPE_RESPONSE_VALUE = 0;
/**
 * Minecraft splits replies every 4096 Java chars, some mods every 4096 UTF-8 bytes. A char is
 * at least one byte, so a packet of 4096 chars also has 4096 bytes or more: the byte length
 * alone tells that a follower may come.
 */
const MINECRAFT_SPLIT_BYTES = 4096;
/** How long to wait for a follower packet (minecraft) or the rest of an overstated packet (palworld). */
const QUIET_GAP_MS = 150;
/** Requests one connection may have open at once (the runner sends one at a time per server). */
const MAX_PENDING_REQUESTS = 32;
export const DEFAULT_MAX_REPLY_BYTES = 4 * 1024 * 1024;
/**
 * A login is answered in a few dozen bytes: a server that streams instead is cut off here,
 * not at max_reply_size. Each byte read is a receive buffer the allocator must find room for
 * until the next GC: 4 MiB per connect attempt across a flooding fleet raised the agent's RSS
 * in steps the allocator kept (soak runs).
 */
const MAX_LOGIN_BYTES = 64 * 1024;

export interface SourceRconOptions {
  host: string;
  port: number;
  password: Secret | undefined;
  mode: SourceRconMode;
  connectTimeoutMs: number;
  /** Largest reply (sum of its bodies) accepted; default DEFAULT_MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  hooks?: ConnectionHooks;
}

interface Pending {
  id: number;
  terminatorId: number;
  parts: Buffer[];
  bytes: number;
  resolve(text: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  quietTimer?: NodeJS.Timeout;
}

export class SourceRconTransport implements Transport {
  readonly kind = 'source' as const;
  readonly #options: SourceRconOptions;
  readonly #hooks: ConnectionHooks;
  #socket: net.Socket | undefined;
  #connecting: Promise<net.Socket> | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** minecraft/palworld: requests wait here so only one is in flight. */
  #chain: Promise<unknown> = Promise.resolve();
  #partialTimer: NodeJS.Timeout | undefined;
  /** Bytes received since the last packet that belonged to a pending request. */
  #unsolicitedBytes = 0;
  #closed = false;
  readonly #maxReplyBytes: number;

  constructor(options: SourceRconOptions) {
    this.#options = options;
    this.#hooks = options.hooks ?? noHooks;
    this.#maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  }

  get connected(): boolean {
    return this.#socket !== undefined;
  }

  send(command: string, timeoutMs: number): Promise<string> {
    if (this.#options.mode === 'srcds') return this.#send(command, timeoutMs);
    // One in flight: the next request starts when the previous one settled.
    const deadline = Date.now() + timeoutMs;
    const run = this.#chain.then(() => this.#send(command, Math.max(1, deadline - Date.now())));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.#closed = true;
    if (this.#socket) this.#hooks.disconnected(); // the close event below finds #socket already gone
    this.#drop(new GustError('GUST_RCON_CLOSED', 'RCON connection closed by the agent'));
  }

  async #send(command: string, timeoutMs: number): Promise<string> {
    if (Buffer.byteLength(command) > 1400) throw new GustError('GUST_RCON_PROTOCOL', 'RCON command longer than 1400 bytes');
    const deadline = Date.now() + timeoutMs;
    const socket = await this.#withDeadline(this.#connect(), deadline, 'RCON connect/auth');
    if (socket.destroyed) throw new GustError('GUST_RCON_CLOSED', 'RCON connection closed before the command was sent');
    if (new Set(this.#pending.values()).size >= MAX_PENDING_REQUESTS) {
      throw new GustError('GUST_RCON_CLOSED', `more than ${MAX_PENDING_REQUESTS} RCON commands in flight on one connection`);
    }
    return new Promise<string>((resolve, reject) => {
      const id = this.#allocateId();
      const terminatorId = this.#options.mode === 'srcds' ? this.#allocateId() : id;
      const timer = setTimeout(() => {
        // Both of its entries and what it gathered go: a late reply is dropped on arrival.
        this.#end(pending);
        reject(new GustError('GUST_RCON_TIMEOUT', `no reply to "${command}" within ${timeoutMs} ms`));
      }, Math.max(1, deadline - Date.now()));
      const pending: Pending = { id, terminatorId, parts: [], bytes: 0, resolve, reject, timer };
      this.#pending.set(this.#key(id), pending);
      if (this.#options.mode === 'srcds') this.#pending.set(terminatorId, pending);
      socket.write(encodePacket(id, TYPE_EXEC, command));
      if (this.#options.mode === 'srcds') socket.write(encodePacket(terminatorId, TYPE_RESPONSE_VALUE, ''));
    });
  }

  /** Palworld answers every request with id 0. */
  #key(id: number): number {
    return this.#options.mode === 'palworld' ? 0 : id;
  }

  #allocateId(): number {
    const id = this.#nextId;
    this.#nextId = this.#nextId >= 0x7fffffff ? 1 : this.#nextId + 1;
    return id;
  }

  #withDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new GustError('GUST_RCON_TIMEOUT', `${what} timed out`)), Math.max(1, deadline - Date.now()));
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  #connect(): Promise<net.Socket> {
    if (this.#socket) return Promise.resolve(this.#socket);
    if (this.#closed) return Promise.reject(new GustError('GUST_RCON_CLOSED', 'RCON transport was closed'));
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #open(): Promise<net.Socket> {
    const { host, port, password, connectTimeoutMs } = this.#options;
    return new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      let authenticated = false;
      let failed = false;
      const authId = this.#allocateId();
      // The first failure decides: destroying the socket fires 'close', which must not count again.
      const fail = (err: GustError) => {
        clearTimeout(timer);
        socket.destroy();
        if (authenticated || failed) return;
        failed = true;
        this.#hooks.connectFailed(failureReason(err));
        reject(err);
      };
      const timer = setTimeout(() => fail(new GustError('GUST_RCON_TIMEOUT', `RCON connect/auth to port ${port} timed out`)), connectTimeoutMs);
      socket.once('connect', () => {
        if (!password || password.empty) return fail(new GustError('GUST_RCON_AUTH', 'RCON password is empty'));
        socket.write(encodePacket(authId, TYPE_AUTH, password.reveal()));
      });
      let buffer: Buffer = Buffer.alloc(0);
      const maxLoginBytes = Math.min(MAX_LOGIN_BYTES, this.#maxReplyBytes);
      let received = 0;
      const onAuthData = (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxLoginBytes) {
          return fail(new GustError('GUST_RCON_PROTOCOL', `RCON server sent over ${maxLoginBytes} bytes before answering the login`));
        }
        buffer = Buffer.concat([buffer, chunk]);
        let decoded: { packets: RconPacket[]; rest: Buffer };
        try {
          decoded = decodePackets(buffer);
        } catch (err) {
          return fail(err as GustError);
        }
        buffer = decoded.rest;
        for (const packet of decoded.packets) {
          this.#hooks.message();
          // Only the AUTH_RESPONSE decides; the empty RESPONSE_VALUE before it is optional.
          if (packet.type !== TYPE_AUTH_RESPONSE) continue;
          if (packet.id === -1) return fail(new GustError('GUST_RCON_AUTH', 'RCON authentication failed (wrong password)'));
          if (packet.id !== authId && !(this.#options.mode === 'palworld' && packet.id === 0)) {
            return fail(new GustError('GUST_RCON_PROTOCOL', `unexpected auth response id ${packet.id}`));
          }
          authenticated = true;
          clearTimeout(timer);
          if (this.#closed) {
            socket.destroy();
            return reject(new GustError('GUST_RCON_CLOSED', 'RCON transport was closed'));
          }
          socket.off('data', onAuthData);
          this.#attach(socket, buffer);
          this.#hooks.connected();
          resolve(socket);
          return;
        }
      };
      socket.on('data', onAuthData);
      socket.on('error', (err: NodeJS.ErrnoException) => fail(connectError(err, `RCON port ${port}`)));
      socket.on('close', () => {
        if (!authenticated) fail(new GustError('GUST_RCON_REFUSED', `RCON port ${port} closed the connection during auth`));
      });
    });
  }

  #attach(socket: net.Socket, rest: Buffer): void {
    this.#socket = socket;
    this.#buffer = Buffer.alloc(0);
    this.#unsolicitedBytes = 0;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#hooks.disconnected();
      this.#socket = undefined;
      this.#drop(new GustError('GUST_RCON_CLOSED', 'RCON connection closed by the server'));
    });
    if (rest.length > 0) this.#onData(rest);
  }

  #onData(chunk: Buffer): void {
    clearTimeout(this.#partialTimer);
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let decoded: { packets: RconPacket[]; rest: Buffer };
    try {
      decoded = decodePackets(this.#buffer, Math.min(MAX_PACKET_BYTES, this.#maxReplyBytes + 10));
    } catch (err) {
      this.#reset(err as GustError);
      return;
    }
    this.#buffer = decoded.rest;
    for (const packet of decoded.packets) this.#onPacket(packet);
    if (this.#options.mode === 'palworld' && this.#buffer.length >= 12) {
      // The length header may overstate the body: take what arrived once the line is quiet.
      this.#partialTimer = setTimeout(() => {
        const size = this.#buffer.readInt32LE(0);
        const packet = packetAt(this.#buffer, 0, size);
        this.#buffer = Buffer.alloc(0);
        this.#onPacket(packet);
      }, QUIET_GAP_MS);
    }
  }

  #onPacket(packet: RconPacket): void {
    if (!this.#socket) return; // reset while this chunk's packets were handled
    this.#hooks.message();
    const pending = this.#pending.get(this.#key(packet.id));
    if (!pending) {
      // Late packets of a finished or timed-out request, unsolicited chat: dropped, but a
      // server that only streams such packets is cut off.
      this.#unsolicitedBytes += packet.body.length + 14;
      if (this.#unsolicitedBytes > this.#maxReplyBytes) {
        this.#reset(new GustError('GUST_RCON_PROTOCOL', `RCON server sent over ${this.#maxReplyBytes} bytes nobody asked for`));
      }
      return;
    }
    this.#unsolicitedBytes = 0;
    const { mode } = this.#options;
    if (mode === 'srcds' && packet.id === pending.terminatorId) return this.#finish(pending);
    pending.parts.push(Buffer.from(packet.body)); // a copy: the body is a view of the receive buffer
    pending.bytes += packet.body.length;
    if (pending.bytes > this.#maxReplyBytes) {
      return this.#reset(new GustError('GUST_RCON_PROTOCOL', `RCON reply larger than ${this.#maxReplyBytes} bytes (max_reply_size)`));
    }
    if (mode === 'srcds') return;
    clearTimeout(pending.quietTimer);
    if (mode === 'minecraft' && packet.body.length >= MINECRAFT_SPLIT_BYTES) {
      pending.quietTimer = setTimeout(() => this.#finish(pending), QUIET_GAP_MS);
      return;
    }
    this.#finish(pending);
  }

  #finish(pending: Pending): void {
    const text = Buffer.concat(pending.parts).toString('utf8');
    this.#end(pending);
    pending.resolve(text);
  }

  /** Forgets a settled request: its timers, every map entry, what it gathered. */
  #end(pending: Pending): void {
    clearTimeout(pending.timer);
    clearTimeout(pending.quietTimer);
    if (this.#pending.get(this.#key(pending.id)) === pending) this.#pending.delete(this.#key(pending.id));
    if (this.#pending.get(pending.terminatorId) === pending) this.#pending.delete(pending.terminatorId);
    pending.parts = [];
  }

  /** The server broke the protocol or its bounds: counted, the connection closed, pending requests failed. */
  #reset(err: GustError): void {
    if (!this.#socket) return;
    this.#hooks.connectFailed(failureReason(err));
    this.#hooks.disconnected();
    this.#drop(err);
  }

  #drop(err: Error): void {
    clearTimeout(this.#partialTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
    for (const pending of new Set(this.#pending.values())) {
      this.#end(pending);
      pending.reject(err);
    }
    this.#pending.clear();
    this.#buffer = Buffer.alloc(0);
  }
}
