/**
 * One group of protocol fakes for the soak, as its own process so the harness can kill it
 * (SIGKILL), hang it (SIGSTOP/SIGCONT) or restart it on the same ports with another password
 * or in flood mode. Started by soak/run.ts with `node --import tsx soak/fakes.ts SPEC_JSON`
 * over an IPC channel; it sends "listening" once every fake accepts connections.
 *
 * Normal mode: the fakes of test/fakes (Source RCON, Minecraft RCON, Rust WebRCON).
 * Flood mode: every port is a TCP server that, once connected, writes RCON-framed packets
 * without end: the agent must bound what it reads and close the connection.
 */
import net from 'node:net';
import { startMinecraftFake } from '../test/fakes/minecraft.ts';
import { startSrcdsFake } from '../test/fakes/srcds.ts';
import { startWebRconFake } from '../test/fakes/webrcon.ts';

export type FakeKind = 'srcds' | 'minecraft' | 'webrcon';

export interface FakeGroupSpec {
  kinds: FakeKind[];
  ports: number[];
  password: string;
  mode: 'normal' | 'flood';
  players: number;
}

/** A 4 KiB Source RCON response packet (id 0, type 0) repeated to make one 1 MiB write. */
function floodChunk(): Buffer {
  const body = Buffer.alloc(4096 - 14, 'x');
  const packet = Buffer.alloc(4 + 4 + 4 + body.length + 2);
  packet.writeInt32LE(packet.length - 4, 0);
  packet.writeInt32LE(0, 4);
  packet.writeInt32LE(0, 8);
  body.copy(packet, 12);
  return Buffer.concat(Array.from({ length: 256 }, () => packet));
}

function startFlood(port: number): Promise<void> {
  const chunk = floodChunk();
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    const pump = () => {
      while (!socket.destroyed && socket.write(chunk));
    };
    socket.on('drain', pump);
    pump();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

async function start(spec: FakeGroupSpec): Promise<void> {
  await Promise.all(
    spec.kinds.map((kind, i) => {
      const port = spec.ports[i]!;
      if (spec.mode === 'flood') return startFlood(port);
      const options = { password: spec.password, port, players: spec.players, maxPlayers: 50 };
      if (kind === 'srcds') return startSrcdsFake(options);
      if (kind === 'minecraft') return startMinecraftFake(options);
      return startWebRconFake(options);
    }),
  );
}

if (process.send) {
  const spec = JSON.parse(process.argv[2]!) as FakeGroupSpec;
  start(spec).then(
    () => process.send!({ type: 'listening' }),
    (err: unknown) => {
      process.send!({ type: 'error', message: String(err) });
      process.exit(1);
    },
  );
  process.on('disconnect', () => process.exit(0));
}
