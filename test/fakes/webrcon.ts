/**
 * A Rust WebRCON server (PROTOCOLS.md section 2): the password is the URL path (compared
 * exactly); a wrong one never gets the HTTP upgrade answered: the server writes a bare close
 * frame (88 02 03 e8) on the raw socket and closes, and after 5 such failures within 300 s it
 * bans the IP (connections dropped at once). Frames are pretty-printed JSON (2-space indent);
 * serverinfo's Message is itself JSON; console output goes out with Identifier 0 and
 * broadcasts (chat) with -1 to every client; some commands send no frame; log lines printed
 * while a command runs (plugins) carry the command's Identifier (`commandLogs`).
 *
 * `hostile` answers every command with a 50 MB console frame ('huge-frame'), or with an endless stream
 * of frames that are not JSON ('invalid-json') or carry Identifiers nobody sent ('foreign-ids').
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { InFlightTracker, delay, playerNames } from './common.ts';

export interface WebRconFakeOptions {
  password: string;
  /** Listen on this port (to restart a killed fake in place); default any free port. */
  port?: number;
  players?: number;
  maxPlayers?: number;
  queued?: number;
  joining?: number;
  uptimeSeconds?: number;
  replyDelayMs?: number;
  tracker?: InFlightTracker;
  /** Commands that print nothing (no frame at all). Default: "say", "server.save". */
  silentCommands?: string[];
  /** Lines logged while a command runs, sent with its Identifier before ('before') or after its reply. */
  commandLogs?: (command: string) => { before?: string[]; after?: string[] } | undefined;
  hostile?: 'huge-frame' | 'invalid-json' | 'foreign-ids';
}

/** Rust's answer to a wrong password, instead of an HTTP 101: a close frame, code 1000. */
export const BARE_CLOSE_FRAME = Buffer.from([0x88, 0x02, 0x03, 0xe8]);
const BAN_FAILURES = 5;
const BAN_WINDOW_MS = 300_000;

export interface WebRconFake {
  port: number;
  /** `connections`: every TCP connection (banned ones too); `banned`: those dropped by the ban. */
  stats: { connections: number; authFailures: number; banned: number; commands: string[]; maxInFlight: number; hostileBytes: number };
  setPlayers(n: number): void;
  setUptime(seconds: number): void;
  /** Console output (Identifier 0) to every client. */
  console(message: string): void;
  /** A chat broadcast (Identifier -1, Type Chat, Message is JSON). */
  chat(username: string, message: string, channel?: number): void;
  kill(): void;
  close(): Promise<void>;
}

export async function startWebRconFake(options: WebRconFakeOptions): Promise<WebRconFake> {
  let players = options.players ?? 0;
  let uptime = options.uptimeSeconds ?? 363;
  let inFlight = 0;
  const silent = new Set(options.silentCommands ?? ['say', 'server.save']);
  const stats = { connections: 0, authFailures: 0, banned: 0, commands: [] as string[], maxInFlight: 0, hostileBytes: 0 };
  const clients = new Set<WebSocket>();
  const failures: number[] = [];
  const rawSockets = new Set<Socket>();
  const frame = (Message: string, Identifier: number, Type = 'Generic') =>
    JSON.stringify({ Message, Identifier, Type, Stacktrace: Identifier === -1 ? null : '' }, null, 2);

  const serverinfo = () =>
    JSON.stringify({
      Hostname: 'Fake Rust Server', MaxPlayers: options.maxPlayers ?? 50, Players: players, Queued: options.queued ?? 0,
      Joining: options.joining ?? 0, ReservedSlots: 0, EntityCount: 114685, GameTime: '05/22/2024 11:30:14', Uptime: uptime,
      Map: 'Procedural Map', Framerate: 204.0, Memory: 1638, MemoryUsageSystem: 7766, Collections: 151, NetworkIn: 1200,
      NetworkOut: 3400, Restarting: false, SaveCreatedTime: '04/17/2023 06:00:42', Version: 2380, Protocol: '2380.236.1',
    }, null, 2);

  const reply = (command: string): string | undefined => {
    const name = command.trim().split(/\s+/)[0] ?? '';
    if (silent.has(name)) return undefined;
    if (name === 'serverinfo') return serverinfo();
    if (name === 'playerlist') return JSON.stringify(playerNames(players).map((n, i) => ({ SteamID: `7656119800000${i}`, DisplayName: n, Ping: 40, ConnectedSeconds: 60 })), null, 2);
    if (name === 'status') return `hostname: Fake Rust Server\nversion : 2380/236 secure (secure mode enabled, connected to Steam3)\nmap     : Procedural Map\nplayers : ${players} (${options.maxPlayers ?? 50} max) (${options.queued ?? 0} queued) (${options.joining ?? 0} joining)\n`;
    return `Command '${name}' not found`;
  };

  const httpServer = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  httpServer.on('connection', (socket) => {
    stats.connections++;
    rawSockets.add(socket);
    socket.on('close', () => rawSockets.delete(socket));
    const now = Date.now();
    while (failures.length > 0 && now - failures[0]! > BAN_WINDOW_MS) failures.shift();
    if (failures.length >= BAN_FAILURES) {
      stats.banned++;
      socket.destroy();
    }
  });
  httpServer.on('upgrade', (req, socket, head) => {
    if (req.url !== `/${options.password}`) {
      stats.authFailures++;
      failures.push(Date.now());
      socket.end(BARE_CLOSE_FRAME);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => {});
    ws.on('message', async (data) => {
      let msg: { Identifier?: number; Message?: string };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      const command = String(msg.Message ?? '');
      stats.commands.push(command);
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      options.tracker?.enter();
      if (options.replyDelayMs) await delay(options.replyDelayMs);
      inFlight--;
      options.tracker?.leave();
      if (ws.readyState !== ws.OPEN) return;
      const id = msg.Identifier ?? 0;
      if (options.hostile) return misbehave(ws, options.hostile, stats);
      const logs = options.commandLogs?.(command);
      for (const line of logs?.before ?? []) ws.send(frame(line, id));
      const text = reply(command);
      if (text !== undefined) ws.send(frame(text, id));
      for (const line of logs?.after ?? []) ws.send(frame(line, id));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(options.port ?? 0, '127.0.0.1', resolve));
  const broadcast = (text: string) => {
    for (const c of clients) if (c.readyState === c.OPEN) c.send(text);
  };
  return {
    port: (httpServer.address() as AddressInfo).port,
    stats,
    setPlayers: (n) => (players = n),
    setUptime: (s) => (uptime = s),
    console: (message) => broadcast(frame(message, 0)),
    chat: (username, message, channel = 0) =>
      broadcast(frame(JSON.stringify({ Channel: channel, Message: message, UserId: '76561198000000001', Username: username, Color: '#5af', Time: Math.floor(Date.now() / 1000) }), -1, 'Chat')),
    kill() {
      for (const c of wss.clients) c.terminate();
      for (const s of rawSockets) s.destroy();
      httpServer.close();
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      for (const s of rawSockets) s.destroy();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** Answers a command the way a hostile server would, until the client goes. */
function misbehave(ws: WebSocket, how: NonNullable<WebRconFakeOptions['hostile']>, stats: { hostileBytes: number }): void {
  if (how === 'huge-frame') {
    // As console output (Identifier 0): only the frame size bound can stop it.
    const message = JSON.stringify({ Message: 'x'.repeat(50 * 1024 * 1024), Identifier: 0, Type: 'Generic', Stacktrace: '' });
    stats.hostileBytes += message.length;
    ws.send(message);
    return;
  }
  let n = 0;
  const next = () =>
    how === 'invalid-json' ? `{"Message": "not json ${n++}` : JSON.stringify({ Message: `foreign ${n++}`, Identifier: 777_000_000 + n, Type: 'Generic', Stacktrace: '' });
  const pump = () => {
    // Frames without end, in bursts that leave the event loop (shared with the agent in tests) turns.
    for (let i = 0; i < 200 && ws.readyState === ws.OPEN && ws.bufferedAmount < 1024 * 1024; i++) {
      const text = next();
      stats.hostileBytes += text.length;
      ws.send(text);
    }
    if (ws.readyState === ws.OPEN) setImmediate(pump);
  };
  pump();
}
