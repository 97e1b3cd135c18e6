/**
 * Discovery source: running containers, through the Docker Engine API on its unix socket
 * (GET /containers/json, GET /containers/{id}/json). A container is a game server when:
 * - it has `gust.*` labels (Traefik style): gust.game, gust.id, gust.name, gust.rcon.port,
 *   gust.rcon.transport, gust.rcon.password_env, gust.query.type, gust.query.port,
 *   gust.logs (path inside the container), gust.enable=false to leave it out;
 * - its image is a well-known one (itzg/minecraft-server, didstopia/rust-server,
 *   thijsvanloef/palworld-server-docker, lloesche/valheim-server), read from its environment;
 * - Pterodactyl/Pelican Wings runs it (label Service=Pterodactyl): read from its volume.
 * Files inside the container are read through its mounts when the host path is visible.
 */
import path from 'node:path';
import { GAMES, type Game } from '../config/schema.ts';
import { isTrue } from './formats.ts';
import { FileReader } from './files.ts';
import { minecraftFromDir } from './games/minecraft.ts';
import { portOf, type Candidate } from './games/types.ts';
import { containerEndpoint, dockerGet, type ContainerInspect, type ContainerSummary } from './docker-api.ts';
import type { InlinePassword } from './types.ts';

export interface ContainerServer {
  container: string;
  candidate: Candidate;
  inlinePassword?: InlinePassword;
  problems: string[];
}

export async function findContainers(socket: string): Promise<ContainerServer[]> {
  const list = await dockerGet<ContainerSummary[]>(socket, '/containers/json');
  const out: ContainerServer[] = [];
  for (const summary of list) {
    const inspect = await dockerGet<ContainerInspect>(socket, `/containers/${encodeURIComponent(summary.Id)}/json`);
    if (inspect.State?.Running === false) continue;
    const found = await fromContainer(inspect);
    if (found) out.push(found);
  }
  return out;
}

const DEFAULT_COMMANDS: Partial<Record<Game, string>> = { rust: 'serverinfo', minecraft: 'list', source: 'status', ark: 'listplayers', palworld: 'showplayers' };

async function fromContainer(c: ContainerInspect): Promise<ContainerServer | undefined> {
  const labels = c.Config.Labels ?? {};
  if (labels['gust.enable'] === 'false') return undefined;
  const env = new Map((c.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const));
  const name = c.Name.replace(/^\//, '');
  const image = c.Config.Image.replace(/^(docker\.io\/|ghcr\.io\/)/, '').replace(/[:@].*$/, '');
  const files = new FileReader();
  const notes: string[] = [];
  const hostPath = (inside: string) => {
    const mount = (c.Mounts ?? []).filter((m) => inside === m.Destination || inside.startsWith(`${m.Destination}/`)).sort((a, b) => b.Destination.length - a.Destination.length)[0];
    return mount ? path.join(mount.Source, path.relative(mount.Destination, inside)) : undefined;
  };
  const endpoint = (port: number) => containerEndpoint(c, port);
  let game: Game | undefined;
  let candidate: Candidate | undefined;
  let password: { env: string } | undefined;

  if (labels['gust.game']) {
    if (!(GAMES as readonly string[]).includes(labels['gust.game'])) throw new Error(`container ${name}: label gust.game=${JSON.stringify(labels['gust.game'])} is not one of ${GAMES.join(', ')}`);
    game = labels['gust.game'] as Game;
    candidate = { idFrom: labels['gust.id'] ?? name, server: { game, name: labels['gust.name'] }, notes };
    notes.push(`labels gust.* on container ${name}`);
    const rconPort = portOf(labels['gust.rcon.port']);
    if (rconPort) {
      const transport = (labels['gust.rcon.transport'] ?? (game === 'rust' ? 'webrcon' : 'source')) as 'source' | 'webrcon';
      candidate.server.rcon = { transport, port: rconPort };
      if (labels['gust.rcon.password_env']) password = { env: labels['gust.rcon.password_env'] };
    }
    const queryPort = portOf(labels['gust.query.port']);
    if (queryPort) candidate.server.query = { type: labels['gust.query.type'] ?? game, port: queryPort };
    if (labels['gust.logs']) {
      const host = hostPath(labels['gust.logs']);
      if (host) candidate.server.logs = [{ path: host }];
      else notes.push(`gust.logs ${labels['gust.logs']} is not on a mounted volume: not tailed`);
    }
  } else if (image === 'itzg/minecraft-server' || labels.Service === 'Pterodactyl') {
    const wings = labels.Service === 'Pterodactyl';
    const dataDir = hostPath(wings ? '/home/container' : '/data');
    if (dataDir && wings && !(await files.exists(path.join(dataDir, 'server.properties')))) {
      // A Wings server that is not Minecraft: the egg's STARTUP line says what it runs.
      if (!/RustDedicated/.test(env.get('STARTUP') ?? '')) return undefined;
      game = 'rust';
      candidate = { idFrom: (env.get('P_SERVER_UUID') ?? name).slice(0, 8), server: { game }, notes };
      notes.push(`Pterodactyl/Wings container ${name} (STARTUP runs RustDedicated)`);
      const port = portOf(env.get('RCON_PORT'));
      if (port) {
        candidate.server.rcon = { transport: 'webrcon', port };
        password = { env: 'RCON_PASS' };
      }
    } else {
      game = 'minecraft';
      candidate = dataDir
        ? await minecraftFromDir(dataDir, files, wings ? (env.get('P_SERVER_UUID') ?? name).slice(0, 8) : name)
        : { idFrom: name, server: { game }, notes: [] };
      candidate.idFrom = wings ? (env.get('P_SERVER_UUID') ?? name).slice(0, 8) : name;
      candidate.notes.unshift(wings ? `Pterodactyl/Wings container ${name}, files in ${dataDir}` : `itzg/minecraft-server container ${name}${dataDir ? `, /data at ${dataDir}` : ' (/data not mounted from the host)'}`);
      if (!dataDir && !wings && env.get('ENABLE_RCON') !== 'false') {
        candidate.server.rcon = { transport: 'source', port: portOf(env.get('RCON_PORT')) ?? 25575 };
        candidate.server.commands = ['list'];
        password = { env: 'RCON_PASSWORD' };
        candidate.notes.push('rcon from ENABLE_RCON / RCON_PORT / RCON_PASSWORD in the environment');
      }
    }
  } else if (image === 'didstopia/rust-server') {
    game = 'rust';
    candidate = { idFrom: env.get('RUST_SERVER_IDENTITY') ?? name, server: { game, name: env.get('RUST_SERVER_NAME') }, notes };
    notes.push(`didstopia/rust-server container ${name}: RUST_RCON_PORT, RUST_RCON_WEB, RUST_RCON_PASSWORD`);
    candidate.server.rcon = { transport: env.get('RUST_RCON_WEB') === '0' ? 'source' : 'webrcon', port: portOf(env.get('RUST_RCON_PORT')) ?? 28016 };
    password = { env: 'RUST_RCON_PASSWORD' };
  } else if (image === 'thijsvanloef/palworld-server-docker') {
    game = 'palworld';
    candidate = { idFrom: name, server: { game, name: env.get('SERVER_NAME') }, notes };
    notes.push(`thijsvanloef/palworld-server-docker container ${name}: RCON_ENABLED, RCON_PORT, ADMIN_PASSWORD`);
    if (env.get('RCON_ENABLED') === undefined || isTrue(env.get('RCON_ENABLED'))) {
      candidate.server.rcon = { transport: 'source', port: portOf(env.get('RCON_PORT')) ?? 25575 };
      password = { env: 'ADMIN_PASSWORD' };
    }
  } else if (image === 'lloesche/valheim-server') {
    game = 'valheim';
    candidate = { idFrom: env.get('WORLD_NAME') ?? name, server: { game, name: env.get('SERVER_NAME') }, notes };
    const port = portOf(env.get('SERVER_PORT')) ?? 2456;
    notes.push(`lloesche/valheim-server container ${name}: query on SERVER_PORT + 1`);
    const q = endpoint(port + 1);
    if (q) candidate.server.query = { type: 'valheim', host: q.host, port: q.port };
  } else return undefined;

  // In-container ports become the address the host reaches them at.
  const rcon = candidate.server.rcon;
  if (rcon) {
    const reach = endpoint(rcon.port);
    if (!reach) {
      notes.push(`rcon port ${rcon.port} is neither published nor on a container network address: no RCON`);
      delete candidate.server.rcon;
      delete candidate.server.commands;
    } else {
      Object.assign(rcon, { host: reach.host, port: reach.port });
      candidate.server.commands ??= labels['gust.commands']?.split(',').map((s) => s.trim()).filter(Boolean) ?? [DEFAULT_COMMANDS[game]!].filter(Boolean);
    }
  }
  const query = candidate.server.query;
  if (query && query.host === undefined) {
    const reach = endpoint(query.port);
    if (reach) Object.assign(query, reach);
    else delete candidate.server.query;
  }
  candidate.server.process = { container: name };
  let inlinePassword: InlinePassword | undefined;
  if (rcon && candidate.server.rcon && password && !rcon.password_from) {
    const value = env.get(password.env);
    if (value) inlinePassword = { value, where: `${password.env} in container ${name}'s environment`, env: `GUST_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_RCON_PASSWORD` };
    else notes.push(`${password.env} is not set in container ${name}'s environment`);
  }
  return { container: name, candidate, inlinePassword, problems: files.problems };
}

