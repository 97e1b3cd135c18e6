/** Loopback ports: free ones to listen on, closed ones to point unreachable game servers at. */
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
