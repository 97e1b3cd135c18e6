/**
 * A Source RCON server as SRCDS speaks it (PROTOCOLS.md section 1): an empty RESPONSE_VALUE
 * before the AUTH_RESPONSE, id -1 on a wrong password, replies longer than 4096 bytes split
 * into several packets, and the mirror of an empty RESPONSE_VALUE (the terminator trick:
 * an empty packet, then one with body 00 01 00 00) answered in order after the reply.
 *
 * `dialect: 'palworld'` answers every reply with id 0 and a length header that overstates the
 * body; `dialect: 'ark'` answers ARK's ListPlayers and "Server received, But no response!!".
 *
 * Quirks of other servers: `answerTerminator: false` never answers the empty RESPONSE_VALUE
 * (gorcon/rcon's test server); `hostile` answers a command with an endless stream of packets
 * carrying its id ('flood') or a header whose size field is -1 or 2^31-1 (and answers no terminator).
 */
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { InFlightTracker, delay, packet, playerNames, readPackets, tcpLifecycle, adoptSocket } from './common.ts';

export interface SrcdsFakeOptions {
  password: string;
  /** Listen on this port (to restart a killed fake in place); default any free port. */
  port?: number;
  dialect?: 'srcds' | 'palworld' | 'ark';
  players?: number;
  maxPlayers?: number;
  /** Delay before each reply (to hold commands in flight). */
  replyDelayMs?: number;
  /** Shared with other fakes to assert an agent-wide bound. */
  tracker?: InFlightTracker;
  /** Custom replies; undefined falls back to the built-in ones. */
  respond?: (command: string) => string | undefined;
  /** false: the empty RESPONSE_VALUE after a command is never answered. Default true. */
  answerTerminator?: boolean;
  /** Bytes of RESPONSE_VALUE packets (id 0) sent before each login answer. */
  bytesBeforeLogin?: number;
  /** `flood-before-auth`: packets without end from the moment a client connects, no login answer. */
  hostile?: 'flood' | 'flood-before-auth' | 'negative-size' | 'huge-size';
}

export interface SrcdsFake {
  port: number;
  stats: { connections: number; authFailures: number; commands: string[]; maxInFlight: number; floodedBytes: number };
  /** 'disconnect' when a client connection is gone. */
  events: EventEmitter;
  setPlayers(n: number): void;
  /** Commands get no reply at all while silent. */
  setSilent(silent: boolean): void;
  /** Destroy every socket and stop listening, like a crashed server. */
  kill(): void;
  close(): Promise<void>;
}

function sourceStatus(players: number, max: number): string {
  return [
    'hostname: Fake TF2 Server',
    'version : 8835751/24 8835751 secure',
    'udp/ip  : 127.0.0.1:27015  (public ip: 127.0.0.1)',
    'map     : ctf_2fort at: 0 x, 0 y, 0 z',
    'tags    : cp',
    `players : ${players} humans, 2 bots (${max} max)`,
    'edicts  : 521 used of 2048 max',
    '# userid name                uniqueid            connected ping loss state  adr',
    ...playerNames(players).map((n, i) => `#     ${i + 2} "${n}"   [U:1:${1000 + i}]  01:00  50  0 active 10.0.0.${i + 1}:27005`),
    '',
  ].join('\n');
}

export async function startSrcdsFake(options: SrcdsFakeOptions): Promise<SrcdsFake> {
  const dialect = options.dialect ?? 'srcds';
  let players = options.players ?? 0;
  const max = options.maxPlayers ?? 24;
  let silent = false;
  let inFlight = 0;
  const stats = { connections: 0, authFailures: 0, commands: [] as string[], maxInFlight: 0, floodedBytes: 0 };
  const sockets = new Set<net.Socket>();
  const events = new EventEmitter();

  const builtIn = (command: string): string => {
    const c = command.trim();
    if (c === 'status') return sourceStatus(players, max);
    if (c === 'ShowPlayers') return ['name,playeruid,steamid', ...playerNames(players).map((n, i) => `${n},${1000 + i},7656119800000${i}`)].join('\n') + '\n';
    if (c === 'ListPlayers') return players === 0 ? 'No Players Connected \n ' : playerNames(players).map((n, i) => `${i}. ${n}, 0002${i}abcdef`).join('\n') + '\n ';
    if (c.startsWith('long ')) return 'x'.repeat(Number(c.slice(5)));
    if (dialect === 'ark') return 'Server received, But no response!! \n ';
    return `Unknown command "${c}"\n`;
  };

  const server = net.createServer((socket) => {
    adoptSocket(socket, sockets, stats, events);
    if (options.hostile === 'flood-before-auth') return misbehave(socket, 0, 'flood', stats);
    let buffer: Buffer = Buffer.alloc(0);
    let authed = false;
    // SRCDS handles a connection's packets in order: replies (even delayed ones) keep that order.
    let chain = Promise.resolve();
    const send = (id: number, type: number, body: string) => {
      if (dialect === 'palworld' && type === 0) return socket.write(packet(0, 0, body, 4));
      // Bodies longer than 4096 bytes go out as several RESPONSE_VALUE packets with the same id.
      for (let i = 0; i < Math.max(1, body.length); i += 4096) socket.write(packet(id, type, body.slice(i, i + 4096)));
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const { packets, rest } = readPackets(buffer);
      buffer = rest;
      for (const p of packets) {
        if (p.type === 3) {
          for (let sent = 0; sent < (options.bytesBeforeLogin ?? 0); sent += 4096) socket.write(packet(0, 0, 'z'.repeat(4096 - 14)));
          if (p.body === options.password) {
            authed = true;
            if (dialect !== 'palworld') send(p.id, 0, '');
            send(p.id, 2, '');
          } else {
            stats.authFailures++;
            send(p.id, 0, '');
            send(-1, 2, '');
          }
          continue;
        }
        if (!authed) continue;
        if (p.type === 0) {
          if (options.answerTerminator === false || options.hostile) continue;
          // The terminator: mirrored after everything queued before it.
          const isSilent = silent;
          chain = chain.then(() => {
            if (isSilent || socket.destroyed) return;
            socket.write(packet(p.id, 0, ''));
            socket.write(Buffer.from([0x0e, 0, 0, 0, ...int32(p.id), 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]));
          });
          continue;
        }
        if (p.type !== 2) continue;
        stats.commands.push(p.body);
        inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
        options.tracker?.enter();
        const isSilent = silent;
        chain = chain.then(async () => {
          if (options.replyDelayMs) await delay(options.replyDelayMs);
          inFlight--;
          options.tracker?.leave();
          if (isSilent || socket.destroyed) return;
          if (options.hostile) return misbehave(socket, p.id, options.hostile, stats);
          send(p.id, 0, options.respond?.(p.body) ?? builtIn(p.body));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stats,
    events,
    setPlayers: (n) => (players = n),
    setSilent: (s) => (silent = s),
    ...tcpLifecycle(server, sockets),
  };
}

/** Streams packets with the request's id until the client goes, or sends an impossible size field. */
function misbehave(socket: net.Socket, id: number, how: NonNullable<SrcdsFakeOptions['hostile']>, stats: { floodedBytes: number }): void {
  if (how === 'negative-size' || how === 'huge-size') {
    const header = Buffer.alloc(12);
    header.writeInt32LE(how === 'negative-size' ? -1 : 0x7fffffff, 0);
    header.writeInt32LE(id, 4);
    socket.write(Buffer.concat([header, Buffer.alloc(64, 0x41)]));
    return;
  }
  const chunk = packet(id, 0, 'z'.repeat(4086));
  const pump = () => {
    while (!socket.destroyed) {
      stats.floodedBytes += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
  };
  pump();
}

function int32(n: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return [...b];
}
