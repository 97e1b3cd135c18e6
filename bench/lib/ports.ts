/** Loopback ports: free ones to listen on, closed ones to point unreachable game servers at. */
import { readFileSync } from 'node:fs';
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A port that was free a moment ago: connecting to it is refused at once (fails fast). */
export const closedPort = freePort;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct free ports below the kernel's ephemeral range, for listeners that are
 * killed and restarted on the same port. Ports from freePort() come out of the ephemeral
 * range: 200 of them repeat (a birthday collision is likely) and an outgoing connection can
 * take one while its listener is down.
 */
export async function stablePorts(count: number): Promise<number[]> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: keep the IANA default's lower bound
  }
  const floor = 10000;
  const ports: number[] = [];
  let port = floor + Math.floor(Math.random() * Math.max(1, low - floor - count * 2));
  while (ports.length < count && port < low) {
    if (await canListen(port)) ports.push(port);
    port++;
  }
  if (ports.length < count) throw new Error(`only ${ports.length} of ${count} free ports below ${low}`);
  return ports;
}
