/**
 * A Rust WebRCON server (PROTOCOLS.md section 2): the password is the URL path (compared
 * exactly); a wrong one gets the socket closed with no message. Frames are pretty-printed
 * JSON (2-space indent); serverinfo's Message is itself JSON; console output goes out with
 * Identifier 0 and broadcasts (chat) with -1 to every client; some commands send no frame.
 */
import type { AddressInfo } from 'node:net';
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
}

export interface WebRconFake {
  port: number;
  stats: { connections: number; authFailures: number; commands: string[]; maxInFlight: number };
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
  const stats = { connections: 0, authFailures: 0, commands: [] as string[], maxInFlight: 0 };
  const clients = new Set<WebSocket>();
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

  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0, perMessageDeflate: false });
  wss.on('connection', (ws, req) => {
    stats.connections++;
    if (req.url !== `/${options.password}`) {
      stats.authFailures++;
      ws.terminate();
      return;
    }
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
      const text = reply(command);
      if (text !== undefined && ws.readyState === ws.OPEN) ws.send(frame(text, msg.Identifier ?? 0));
    });
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const broadcast = (text: string) => {
    for (const c of clients) if (c.readyState === c.OPEN) c.send(text);
  };
  return {
    port: (wss.address() as AddressInfo).port,
    stats,
    setPlayers: (n) => (players = n),
    setUptime: (s) => (uptime = s),
    console: (message) => broadcast(frame(message, 0)),
    chat: (username, message, channel = 0) =>
      broadcast(frame(JSON.stringify({ Channel: channel, Message: message, UserId: '76561198000000001', Username: username, Color: '#5af', Time: Math.floor(Date.now() / 1000) }), -1, 'Chat')),
    kill() {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
