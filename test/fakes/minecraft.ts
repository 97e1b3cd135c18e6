/**
 * A Minecraft RCON server (PROTOCOLS.md sections 1 and 3): each request must arrive in one
 * read (a chunk whose length does not match its size field — pipelining — closes the
 * socket), auth success is a lone (id, 2, ""), failure or a command before auth is
 * (-1, 2, "") with the socket kept open, replies split every 4096 chars with no terminator,
 * and an unknown packet type gets "Unknown request <type>". `splitOn: 'bytes'` splits every
 * 4096 UTF-8 bytes instead, as some mods do (KryptonFNP), even inside a multi-byte character.
 */
import net from 'node:net';
import { InFlightTracker, delay, packet, playerNames, tcpLifecycle, adoptSocket } from './common.ts';

export type ListFormat = 'vanilla112' | 'bukkit112' | 'v113' | 'v116';

export interface MinecraftFakeOptions {
  password: string;
  /** Listen on this port (to restart a killed fake in place); default any free port. */
  port?: number;
  players?: number;
  maxPlayers?: number;
  listFormat?: ListFormat;
  replyDelayMs?: number;
  tracker?: InFlightTracker;
  respond?: (command: string) => string | undefined;
  /** Where replies are split: every 4096 Java chars (vanilla, default) or 4096 UTF-8 bytes. */
  splitOn?: 'chars' | 'bytes';
}

export interface MinecraftFake {
  port: number;
  stats: { connections: number; authFailures: number; commands: string[]; maxInFlight: number; pipelineCloses: number };
  setPlayers(n: number): void;
  setSilent(silent: boolean): void;
  kill(): void;
  close(): Promise<void>;
}

export function minecraftList(players: number, max: number, format: ListFormat): string {
  const names = playerNames(players).join(', ');
  switch (format) {
    case 'vanilla112':
      return `There are ${players}/${max} players online:${names}`;
    case 'bukkit112':
      return `There are ${players}/${max} players online:\n${names}\n`;
    case 'v113':
      return `There are ${players} of a max ${max} players online: ${names}`;
    case 'v116':
      return `There are ${players} of a max of ${max} players online: ${names}`;
  }
}

/** Vanilla: every 4096 Java chars (UTF-16 units), so a packet can exceed 4096 bytes. Mods: every 4096 bytes. */
function split(reply: string, on: 'chars' | 'bytes'): Buffer[] {
  const parts: Buffer[] = [];
  if (on === 'chars') {
    for (let i = 0; i < Math.max(1, reply.length); i += 4096) parts.push(Buffer.from(reply.slice(i, i + 4096), 'utf8'));
    return parts;
  }
  const bytes = Buffer.from(reply, 'utf8');
  for (let i = 0; i < Math.max(1, bytes.length); i += 4096) parts.push(bytes.subarray(i, i + 4096));
  return parts;
}

function packetOfBytes(id: number, type: number, body: Buffer): Buffer {
  const head = packet(id, type, '');
  head.writeInt32LE(body.length + 10, 0);
  return Buffer.concat([head.subarray(0, 12), body, Buffer.alloc(2)]);
}

export async function startMinecraftFake(options: MinecraftFakeOptions): Promise<MinecraftFake> {
  let players = options.players ?? 0;
  const max = options.maxPlayers ?? 20;
  let silent = false;
  let inFlight = 0;
  const stats = { connections: 0, authFailures: 0, commands: [] as string[], maxInFlight: 0, pipelineCloses: 0 };
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    adoptSocket(socket, sockets, stats);
    let authed = false;
    socket.on('data', async (chunk: Buffer) => {
      // One read() per request: anything but exactly one whole packet is a protocol violation.
      if (chunk.length < 14 || chunk.readInt32LE(0) !== chunk.length - 4) {
        stats.pipelineCloses++;
        socket.destroy();
        return;
      }
      const id = chunk.readInt32LE(4);
      const type = chunk.readInt32LE(8);
      const body = chunk.toString('utf8', 12, chunk.length - 2);
      if (type === 3) {
        if (body !== '' && body === options.password) {
          authed = true;
          socket.write(packet(id, 2, ''));
        } else {
          stats.authFailures++;
          socket.write(packet(-1, 2, ''));
        }
        return;
      }
      if (type !== 2) {
        socket.write(packet(id, 0, `Unknown request ${type.toString(16)}`));
        return;
      }
      if (!authed) {
        socket.write(packet(-1, 2, ''));
        return;
      }
      stats.commands.push(body);
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      options.tracker?.enter();
      const isSilent = silent;
      if (options.replyDelayMs) await delay(options.replyDelayMs);
      inFlight--;
      options.tracker?.leave();
      if (isSilent || socket.destroyed) return;
      let reply = options.respond?.(body);
      if (reply === undefined) {
        if (body === 'list') reply = minecraftList(players, max, options.listFormat ?? 'v116');
        else if (body.startsWith('long ')) reply = 'y'.repeat(Number(body.slice(5)));
        else reply = `Unknown or incomplete command, see below for error`;
      }
      for (const body of split(reply, options.splitOn ?? 'chars')) socket.write(packetOfBytes(id, 0, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stats,
    setPlayers: (n) => (players = n),
    setSilent: (s) => (silent = s),
    ...tcpLifecycle(server, sockets),
  };
}
