/**
 * A Source A2S query server on UDP (PROTOCOLS.md section 5) with the challenge handshake:
 * the first A2S_INFO gets `FF FF FF FF 41 <challenge>`, the resend with the challenge
 * appended gets the `49` info reply. A2S_PLAYER (55) and A2S_RULES (56) use the challenge in
 * front, as gamedig sends them. Rust's real counts travel in the `cp`/`mp` keyword tags.
 */
import dgram from 'node:dgram';
import { playerNames } from './common.ts';

export interface A2sFakeOptions {
  name?: string;
  map?: string;
  folder?: string;
  game?: string;
  appId?: number;
  players?: number;
  maxPlayers?: number;
  bots?: number;
  version?: string;
  /** Keyword tags, e.g. "mp50,cp7" for Rust. */
  keywords?: string;
}

export interface A2sFake {
  port: number;
  stats: { requests: number; challenges: number };
  setPlayers(n: number): void;
  /** Stop answering (packets are read and dropped), like a hung server. */
  setSilent(silent: boolean): void;
  close(): Promise<void>;
}

const HEADER = Buffer.from([0xff, 0xff, 0xff, 0xff]);
const cstr = (s: string) => Buffer.from(`${s}\0`, 'utf8');

export async function startA2sFake(options: A2sFakeOptions = {}): Promise<A2sFake> {
  let players = options.players ?? 0;
  let silent = false;
  const challenge = 0x4a3b2c1d;
  const stats = { requests: 0, challenges: 0 };
  const socket = dgram.createSocket('udp4');

  const info = () => {
    const u16 = Buffer.alloc(2);
    const appId = options.appId ?? 440;
    // App ids above 16 bits (Rust 252490) only fit in the EDF game id.
    u16.writeUInt16LE(appId & 0xffff);
    const parts = [
      HEADER, Buffer.from([0x49, 17]), cstr(options.name ?? 'Fake A2S Server'), cstr(options.map ?? 'ctf_2fort'),
      cstr(options.folder ?? 'tf'), cstr(options.game ?? 'Team Fortress'), u16,
      Buffer.from([players, options.maxPlayers ?? 24, options.bots ?? 0, 'd'.charCodeAt(0), 'l'.charCodeAt(0), 0, 1]),
      cstr(options.version ?? '8835751'),
    ];
    const gameId = Buffer.alloc(8);
    gameId.writeUInt32LE(appId, 0);
    parts.push(Buffer.from([(options.keywords ? 0x20 : 0) | 0x01]));
    if (options.keywords) parts.push(cstr(options.keywords));
    parts.push(gameId);
    return Buffer.concat(parts);
  };

  const playerList = () => {
    const names = playerNames(players);
    const body = names.map((n, i) => {
      const score = Buffer.alloc(8);
      score.writeInt32LE(i, 0);
      score.writeFloatLE(60 + i, 4);
      return Buffer.concat([Buffer.from([i]), cstr(n), score]);
    });
    return Buffer.concat([HEADER, Buffer.from([0x44, names.length]), ...body]);
  };

  const challengeReply = () => {
    stats.challenges++;
    const b = Buffer.alloc(9);
    HEADER.copy(b);
    b[4] = 0x41;
    b.writeInt32LE(challenge, 5);
    return b;
  };

  socket.on('message', (msg, rinfo) => {
    stats.requests++;
    if (silent || msg.length < 5 || msg.readInt32LE(0) !== -1) return;
    const send = (b: Buffer) => socket.send(b, rinfo.port, rinfo.address);
    const type = msg[4];
    if (type === 0x54) {
      const query = 'Source Engine Query\0';
      const rest = msg.subarray(5 + query.length);
      return send(rest.length === 4 && rest.readInt32LE(0) === challenge ? info() : challengeReply());
    }
    if (type === 0x55 || type === 0x56) {
      if (msg.length < 9 || msg.readInt32LE(5) !== challenge) return send(challengeReply());
      return send(type === 0x55 ? playerList() : Buffer.concat([HEADER, Buffer.from([0x45, 0, 0])]));
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    stats,
    setPlayers: (n) => (players = n),
    setSilent: (s) => (silent = s),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
