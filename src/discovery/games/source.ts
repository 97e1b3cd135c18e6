/** Source engine and CS2: srcds_linux / cs2 with -port, -game, +rcon_password or the server.cfg it executes. */
import path from 'node:path';
import { argValue } from '../formats.ts';
import { dirName } from '../ids.ts';
import { portOf, type Candidate, type GameProbe } from './types.ts';

const QUERY_TYPES: Record<string, string> = { csgo: 'csgo', cs2: 'counterstrike2', tf: 'teamfortress2', garrysmod: 'garrysmod', cstrike: 'counterstrike16' };

export const source: GameProbe = {
  game: 'source',
  comm: /^(srcds_linux|cs2)$/,
  async inspect(p, files) {
    const cs2 = p.comm === 'cs2';
    const name = cs2 ? 'cs2' : 'srcds_linux';
    const notes: string[] = [];
    const gameDir = argValue(p.argv, '-game') ?? (cs2 ? 'csgo' : undefined);
    // srcds runs in its install root; cs2 in game/bin/linuxsteamrt64 with content under game/<mod>.
    const root = cs2 && p.binDir ? path.resolve(p.binDir, '..', '..') : p.cwd;
    const port = portOf(argValue(p.argv, '-port', '+hostport')) ?? 27015;
    const server: Candidate['server'] = { game: 'source', name: argValue(p.argv, '+hostname') };
    notes.push(`${cs2 ? 'CS2' : `Source (${gameDir ?? 'unknown -game'})`}, port ${port}${argValue(p.argv, '-port') ? ' from -port' : ' (default)'}`);
    let passwordFrom: NonNullable<Candidate['server']['rcon']>['password_from'];
    if (argValue(p.argv, '+rcon_password')) {
      passwordFrom = { process: name, ...(p.cwd ? { cwd: p.cwd } : {}), arg: '+rcon_password' };
      notes.push('rcon password from +rcon_password on the command line');
    } else if (root && gameDir) {
      const cfg = path.join(root, gameDir, 'cfg', argValue(p.argv, '+servercfgfile') ?? 'server.cfg');
      const settings = await files.settings(cfg, 'cfg');
      if (settings?.get('rcon_password')) {
        passwordFrom = { file: cfg, key: 'rcon_password' };
        notes.push(`rcon password from rcon_password in ${cfg}`);
      } else notes.push(`no +rcon_password and no rcon_password in ${cfg}: no RCON`);
    }
    if (passwordFrom) {
      server.rcon = { transport: 'source', port, password_from: passwordFrom };
      server.commands = ['status'];
    }
    const queryType = QUERY_TYPES[cs2 ? 'cs2' : gameDir ?? ''];
    if (queryType) server.query = { type: queryType, port };
    if (p.cwd) server.process = { name, cwd: p.cwd };
    return { idFrom: root ? dirName(root) : '', server, notes };
  },
};
