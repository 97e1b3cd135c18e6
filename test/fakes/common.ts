/**
 * Shared parts of the protocol fakes: an in-flight tracker (several fakes can share one, so
 * a test can assert an agent-wide concurrency bound from the servers' side) and an
 * independent Source RCON packet codec (deliberately not the agent's own).
 */
import type net from 'node:net';
import { EventEmitter } from 'node:events';
export class InFlightTracker {
  current = 0;
  max = 0;
  total = 0;
  /** performance.now() of every command's arrival (benchmarks time rounds with it). */
  readonly arrivals: number[] = [];
  enter(): void {
    this.arrivals.push(performance.now());
    this.current++;
    this.total++;
    if (this.current > this.max) this.max = this.current;
  }
  leave(): void {
    this.current--;
  }
}

export interface FakePacket {
  size: number;
  id: number;
  type: number;
  body: string;
}

/** size = body + 10; body null-terminated, then an empty string (two trailing 0x00). */
export function packet(id: number, type: number, body: string, sizeOverstatement = 0): Buffer {
  const b = Buffer.from(body, 'utf8');
  const out = Buffer.alloc(4 + 4 + 4 + b.length + 2);
  out.writeInt32LE(b.length + 10 + sizeOverstatement, 0);
  out.writeInt32LE(id, 4);
  out.writeInt32LE(type, 8);
  b.copy(out, 12);
  return out;
}

/** Reads whole packets off a stream buffer. */
export function readPackets(buf: Buffer): { packets: FakePacket[]; rest: Buffer } {
  const packets: FakePacket[] = [];
  let off = 0;
  while (buf.length - off >= 4) {
    const size = buf.readInt32LE(off);
    if (buf.length - off - 4 < size) break;
    const bodyEnd = off + 4 + size - 2;
    packets.push({ size, id: buf.readInt32LE(off + 4), type: buf.readInt32LE(off + 8), body: buf.toString('utf8', off + 12, bodyEnd) });
    off += 4 + size;
  }
  return { packets, rest: buf.subarray(off) };
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A fake player list: Player1..PlayerN. */
export function playerNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `Player${i + 1}`);
}

/**
 * kill() and close() of a TCP fake: kill() stops accepting and drops every connection at once
 * (a crashed server); close() does the same and waits for the listener to be gone.
 */
export function tcpLifecycle(server: net.Server, sockets: Set<net.Socket>): { kill(): void; close(): Promise<void> } {
  return {
    kill() {
      server.close();
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Takes a new connection of a TCP fake: counted, tracked for kill()/close(), Nagle off, errors
 * ignored. `events` gets 'disconnect' when the connection is gone, so a test can await the
 * client having closed (its own close handlers have run by then) instead of sleeping.
 */
export function adoptSocket(socket: net.Socket, sockets: Set<net.Socket>, stats: { connections: number }, events?: EventEmitter): void {
  stats.connections++;
  sockets.add(socket);
  socket.setNoDelay(true); // a reply and the terminator mirror are separate writes: no Nagle/delayed-ACK stall
  socket.on('close', () => {
    sockets.delete(socket);
    events?.emit('disconnect');
  });
  socket.on('error', () => {});
}
