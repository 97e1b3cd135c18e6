/** Valheim: valheim_server.x86_64 with -name, -port, -world, -logFile; no RCON, Steam query on port + 1. */
import path from 'node:path';
import { argValue } from '../formats.ts';
import { portOf, type Candidate, type GameProbe } from './types.ts';

export const valheim: GameProbe = {
  game: 'valheim',
  comm: /^valheim_server\.$/,
  async inspect(p) {
    const world = argValue(p.argv, '-world');
    const port = portOf(argValue(p.argv, '-port')) ?? 2456;
    const server: Candidate['server'] = { game: 'valheim', name: argValue(p.argv, '-name') };
    const notes = [
      world ? `id from -world "${world}"` : 'no -world: the id is the directory name',
      `query port ${port + 1} (-port ${port} + 1); Valheim has no RCON`,
    ];
    server.query = { type: 'valheim', port: port + 1 };
    const log = argValue(p.argv, '-logFile', '-logfile');
    if (log) {
      server.logs = [{ path: path.resolve(p.cwd ?? '/', log) }];
      notes.push(`log from -logFile ${log}`);
    }
    if (p.cwd) server.process = { name: 'valheim_server.x86_64', cwd: p.cwd };
    return { idFrom: world ?? '', server, notes };
  },
};
