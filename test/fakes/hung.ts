/**
 * A server that accepts TCP connections and never answers: a hung game server (or a firewall
 * that swallows packets after the handshake). Unlike a killed fake, which refuses at once, it
 * makes the agent take its timeout path.
 */
import net from 'node:net';
import { adoptSocket, tcpLifecycle } from './common.ts';

export interface HungFake {
  port: number;
  /** Connections accepted, and bytes received on them (a client that sent nothing sent 0). */
  stats: { connections: number; bytes: number };
  close(): Promise<void>;
}

/** `port`: take over the port of a fake just closed (a server that hangs after a restart). */
export async function startHungFake(options: { port?: number } = {}): Promise<HungFake> {
  const sockets = new Set<net.Socket>();
  const stats = { connections: 0, bytes: 0 };
  const server = net.createServer((socket) => {
    adoptSocket(socket, sockets, stats);
    socket.on('data', (chunk) => (stats.bytes += chunk.length));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { close } = tcpLifecycle(server, sockets);
  return { port: (server.address() as net.AddressInfo).port, stats, close };
}
