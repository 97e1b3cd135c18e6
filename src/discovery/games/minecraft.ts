/**
 * Minecraft: `java` running a server jar (vanilla server.jar, Paper/Spigot/Purpur,
 * Fabric's launcher, Forge/NeoForge's @libraries/.../unix_args.txt), with its settings in
 * server.properties in the working directory and its log in logs/latest.log.
 */
import path from 'node:path';
import { isTrue } from '../formats.ts';
import type { FileReader } from '../files.ts';
import { dirName } from '../ids.ts';
import { portOf, type Candidate, type GameProbe } from './types.ts';

const SERVER_JAR = /(^|[/\\])(minecraft_server|server|paper|spigot|craftbukkit|purpur|folia|fabric-server-launch|fabric-server|forge|neoforge|quilt-server-launch|mohist|arclight)[^/\\]*\.jar$/i;
const FORGE_ARGS = /^@.*libraries\/net\/(minecraftforge\/forge|neoforged\/neoforge|neoforged\/forge)\//;

export function minecraftFlavour(argv: readonly string[]): string | undefined {
  const jarAt = argv.indexOf('-jar');
  const jar = jarAt === -1 ? undefined : argv[jarAt + 1];
  const forge = argv.find((a) => FORGE_ARGS.test(a));
  if (forge) return forge.includes('neoforged') ? 'NeoForge' : 'Forge';
  if (!jar || !SERVER_JAR.test(jar)) return undefined;
  const base = path.basename(jar).toLowerCase();
  for (const [prefix, flavour] of [['paper', 'Paper'], ['purpur', 'Purpur'], ['folia', 'Folia'], ['spigot', 'Spigot'], ['craftbukkit', 'CraftBukkit'], ['fabric', 'Fabric'], ['quilt', 'Quilt'], ['neoforge', 'NeoForge'], ['forge', 'Forge']] as const) {
    if (base.startsWith(prefix)) return flavour;
  }
  return 'vanilla';
}

export const minecraft: GameProbe = {
  game: 'minecraft',
  comm: /^java$/,
  matches: (argv) => minecraftFlavour(argv) !== undefined,
  async inspect(p, files) {
    const flavour = minecraftFlavour(p.argv) ?? 'vanilla';
    const found = p.cwd ? await minecraftFromDir(p.cwd, files) : { idFrom: '', server: { game: 'minecraft' as const }, notes: ['working directory unreadable: server.properties not read'] };
    found.notes.unshift(`${flavour} server (java ${p.argv.find((a) => a.endsWith('.jar') || a.startsWith('@libraries')) ?? ''})`);
    if (p.cwd) found.server.process = { name: 'java', cwd: p.cwd };
    return found;
  },
};

/** What a Minecraft server directory says about the server (used for processes, LinuxGSM and container volumes). */
export async function minecraftFromDir(dir: string, files: FileReader, display = dir): Promise<Candidate> {
  const notes: string[] = [];
  const server: Candidate['server'] = { game: 'minecraft' };
  const propsFile = path.join(dir, 'server.properties');
  const props = await files.settings(propsFile);
  notes.push(`id from the directory name ${dirName(display)}`);
  if (!props) notes.push(`${path.join(display, 'server.properties')} not readable: no RCON or query settings`);
  else {
    const motd = props.get('motd');
    if (motd) server.name = motd;
    if (isTrue(props.get('enable-rcon'))) {
      const port = portOf(props.get('rcon.port')) ?? 25575;
      server.rcon = { transport: 'source', port, password_from: { file: propsFile, key: 'rcon.password' } };
      server.commands = ['list'];
      notes.push(`rcon from server.properties: enable-rcon=true, rcon.port ${port}, password from rcon.password`);
    } else notes.push('server.properties: enable-rcon is not true, no RCON');
    if (isTrue(props.get('enable-query'))) {
      const port = portOf(props.get('query.port')) ?? portOf(props.get('server-port')) ?? 25565;
      server.query = { type: 'minecraft', port };
      notes.push(`query from server.properties: enable-query=true, port ${port}`);
    }
  }
  // Tailed even before the server first writes it: files appearing later are picked up.
  server.logs = [{ path: path.join(dir, 'logs', 'latest.log') }];
  notes.push('log logs/latest.log');
  return { idFrom: dirName(display), server, notes };
}
