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
import { errorMessage } from '../errors.ts';
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

export async function findContainers(socket: string): Promise<{ servers: ContainerServer[]; errors: string[] }> {
  const list = await dockerGet<ContainerSummary[]>(socket, '/containers/json');
  const servers: ContainerServer[] = [];
  const errors: string[] = [];
  for (const summary of list) {
    const inspect = await dockerGet<ContainerInspect>(socket, `/containers/${encodeURIComponent(summary.Id)}/json`);
    if (inspect.State?.Running === false) continue;
    try {
      const found = await fromContainer(inspect);
      if (found) servers.push(found);
    } catch (err) {
      errors.push(errorMessage(err)); // one container's bad labels never hide the others
    }
  }
  return { servers, errors };
}

const DEFAULT_COMMANDS: Partial<Record<Game, string>> = { rust: 'serverinfo', minecraft: 'list', source: 'status', ark: 'listplayers', palworld: 'showplayers' };

/** What one container says about itself, as read by its labels, its image's conventions or Wings'. */
interface Container {
  name: string;
  labels: Record<string, string>;
  env: Map<string, string>;
  image: string;
  files: FileReader;
  /** The host path of a path inside the container, when a mount holds it. */
  hostPath(inside: string): string | undefined;
}

/** A recognised game server and the environment variable holding its RCON password, if any. */
type Recognised = { candidate: Candidate; passwordEnv?: string } | undefined;

async function fromContainer(c: ContainerInspect): Promise<ContainerServer | undefined> {
  const labels = c.Config.Labels ?? {};
  if (labels['gust.enable'] === 'false') return undefined;
  const container: Container = {
    name: c.Name.replace(/^\//, ''),
    labels,
    env: new Map((c.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const)),
    image: c.Config.Image.replace(/^(docker\.io\/|ghcr\.io\/)/, '').replace(/[:@].*$/, ''),
    files: new FileReader(),
    hostPath(inside) {
      const mount = (c.Mounts ?? []).filter((m) => inside === m.Destination || inside.startsWith(`${m.Destination}/`)).sort((a, b) => b.Destination.length - a.Destination.length)[0];
      return mount ? path.join(mount.Source, path.relative(mount.Destination, inside)) : undefined;
    },
  };
  const recognised = labels['gust.game']
    ? fromLabels(container)
    : labels.Service === 'Pterodactyl'
      ? await fromWings(container)
      : await (IMAGES[container.image]?.(container) ?? undefined);
  if (!recognised) return undefined;
  const { candidate, passwordEnv } = recognised;
  const { name, env } = container;
  const { server, notes } = candidate;

  // In-container ports become the address the host reaches them at.
  const rcon = server.rcon;
  const reach = rcon && containerEndpoint(c, rcon.port);
  if (rcon && !reach) {
    notes.push(`rcon port ${rcon.port} is neither published nor on a container network address: no RCON`);
    delete server.rcon;
    delete server.commands;
  } else if (rcon && reach) {
    Object.assign(rcon, reach);
    server.commands ??= labels['gust.commands']?.split(',').map((s) => s.trim()).filter(Boolean) ?? [DEFAULT_COMMANDS[server.game]].filter((x) => x !== undefined);
  }
  if (server.query && server.query.host === undefined) {
    const queryReach = containerEndpoint(c, server.query.port);
    if (queryReach) Object.assign(server.query, queryReach);
    else delete server.query;
  }
  server.process = { container: name };
  let inlinePassword: InlinePassword | undefined;
  if (server.rcon && passwordEnv && !server.rcon.password_from) {
    const value = env.get(passwordEnv);
    if (value) inlinePassword = { value, where: `${passwordEnv} in container ${name}'s environment`, env: `GUST_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_RCON_PASSWORD` };
    else notes.push(`${passwordEnv} is not set in container ${name}'s environment`);
  }
  return { container: name, candidate, inlinePassword, problems: container.files.problems };
}

/** Traefik-style `gust.*` labels. */
function fromLabels({ name, labels, hostPath }: Container): Recognised {
  const game = labels['gust.game']!;
  if (!(GAMES as readonly string[]).includes(game)) throw new Error(`container ${name}: label gust.game=${JSON.stringify(game)} is not one of ${GAMES.join(', ')}`);
  const notes = [`labels gust.* on container ${name}`];
  const candidate: Candidate = { idFrom: labels['gust.id'] ?? name, server: { game: game as Game, name: labels['gust.name'] }, notes };
  const rconPort = portOf(labels['gust.rcon.port']);
  if (rconPort) {
    const transport = labels['gust.rcon.transport'] === 'source' || (game !== 'rust' && labels['gust.rcon.transport'] !== 'webrcon') ? 'source' : 'webrcon';
    candidate.server.rcon = { transport, port: rconPort };
  }
  const queryPort = portOf(labels['gust.query.port']);
  if (queryPort) candidate.server.query = { type: labels['gust.query.type'] ?? game, port: queryPort };
  if (labels['gust.logs']) {
    const host = hostPath(labels['gust.logs']);
    if (host) candidate.server.logs = [{ path: host }];
    else notes.push(`gust.logs ${labels['gust.logs']} is not on a mounted volume: not tailed`);
  }
  return { candidate, passwordEnv: labels['gust.rcon.password_env'] };
}

/** Pterodactyl/Pelican Wings: the server's files are the volume at /home/container; the egg's STARTUP line says what runs. */
async function fromWings({ name, env, files, hostPath }: Container): Promise<Recognised> {
  const id = (env.get('P_SERVER_UUID') ?? name).slice(0, 8);
  const dir = hostPath('/home/container');
  if (dir && (await files.exists(path.join(dir, 'server.properties')))) {
    const candidate = await minecraftFromDir(dir, files, id);
    candidate.idFrom = id;
    candidate.notes.unshift(`Pterodactyl/Wings container ${name}, files in ${dir}`);
    return { candidate };
  }
  if (!/RustDedicated/.test(env.get('STARTUP') ?? '')) return undefined;
  const candidate: Candidate = { idFrom: id, server: { game: 'rust' }, notes: [`Pterodactyl/Wings container ${name} (STARTUP runs RustDedicated)`] };
  const port = portOf(env.get('RCON_PORT'));
  if (port) candidate.server.rcon = { transport: 'webrcon', port };
  return { candidate, passwordEnv: 'RCON_PASS' };
}

/** Well-known images, read from their documented environment. */
const IMAGES: Record<string, (c: Container) => Promise<Recognised> | Recognised> = {
  async 'itzg/minecraft-server'({ name, env, files, hostPath }) {
    const dataDir = hostPath('/data');
    if (dataDir) {
      const candidate = await minecraftFromDir(dataDir, files, name);
      candidate.idFrom = name;
      candidate.notes.unshift(`itzg/minecraft-server container ${name}, /data at ${dataDir}`);
      return { candidate };
    }
    const candidate: Candidate = { idFrom: name, server: { game: 'minecraft' }, notes: [`itzg/minecraft-server container ${name} (/data not mounted from the host)`] };
    if (env.get('ENABLE_RCON') === 'false') return { candidate };
    candidate.server.rcon = { transport: 'source', port: portOf(env.get('RCON_PORT')) ?? 25575 };
    candidate.notes.push('rcon from ENABLE_RCON / RCON_PORT / RCON_PASSWORD in the environment');
    return { candidate, passwordEnv: 'RCON_PASSWORD' };
  },
  'didstopia/rust-server'({ name, env }) {
    const candidate: Candidate = {
      idFrom: env.get('RUST_SERVER_IDENTITY') ?? name,
      server: { game: 'rust', name: env.get('RUST_SERVER_NAME'), rcon: { transport: env.get('RUST_RCON_WEB') === '0' ? 'source' : 'webrcon', port: portOf(env.get('RUST_RCON_PORT')) ?? 28016 } },
      notes: [`didstopia/rust-server container ${name}: RUST_RCON_PORT, RUST_RCON_WEB, RUST_RCON_PASSWORD`],
    };
    return { candidate, passwordEnv: 'RUST_RCON_PASSWORD' };
  },
  'thijsvanloef/palworld-server-docker'({ name, env }) {
    const candidate: Candidate = { idFrom: name, server: { game: 'palworld', name: env.get('SERVER_NAME') }, notes: [`thijsvanloef/palworld-server-docker container ${name}: RCON_ENABLED, RCON_PORT, ADMIN_PASSWORD`] };
    if (env.get('RCON_ENABLED') !== undefined && !isTrue(env.get('RCON_ENABLED'))) return { candidate };
    candidate.server.rcon = { transport: 'source', port: portOf(env.get('RCON_PORT')) ?? 25575 };
    return { candidate, passwordEnv: 'ADMIN_PASSWORD' };
  },
  'lloesche/valheim-server'({ name, env }) {
    const port = portOf(env.get('SERVER_PORT')) ?? 2456;
    const candidate: Candidate = {
      idFrom: env.get('WORLD_NAME') ?? name,
      server: { game: 'valheim', name: env.get('SERVER_NAME'), query: { type: 'valheim', port: port + 1 } },
      notes: [`lloesche/valheim-server container ${name}: query on SERVER_PORT + 1`],
    };
    return { candidate };
  },
};
