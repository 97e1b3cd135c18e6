/** Rust: RustDedicated with +server.port, +rcon.port, +rcon.password, +rcon.web, +server.identity, -logfile. */
import path from 'node:path';
import { argValue } from '../formats.ts';
import { portOf, type Candidate, type GameProbe } from './types.ts';

export const rust: GameProbe = {
  game: 'rust',
  comm: /^RustDedicated$/,
  async inspect(p) {
    const notes: string[] = [];
    const arg = (flag: string) => argValue(p.argv, flag, flag.replace(/^\+/, '-'));
    const identity = arg('+server.identity');
    notes.push(identity ? `id from +server.identity "${identity}"` : 'no +server.identity: the id is the directory name');
    const serverPort = portOf(arg('+server.port')) ?? 28015;
    const rconPort = portOf(arg('+rcon.port')) ?? 28016;
    const web = arg('+rcon.web') ?? '1';
    const password = arg('+rcon.password');
    const server: Candidate['server'] = { name: arg('+server.hostname') ?? identity, game: 'rust' };
    if (password !== undefined && password !== '') {
      server.rcon = {
        transport: web === '0' ? 'source' : 'webrcon',
        port: rconPort,
        password_from: { process: 'RustDedicated', ...(p.cwd ? { cwd: p.cwd } : {}), arg: '+rcon.password' },
      };
      server.commands = ['serverinfo'];
      notes.push(`rcon: ${web === '0' ? 'Source RCON' : 'WebRCON'} (+rcon.web ${web}) on port ${rconPort}${arg('+rcon.port') ? ' from +rcon.port' : ' (default)'}, password from +rcon.password on the command line`);
    } else notes.push('no +rcon.password on the command line: Rust runs without RCON, none configured');
    const queryPort = portOf(arg('+server.queryport')) ?? serverPort;
    server.query = { type: 'rust', port: queryPort };
    notes.push(`query port ${queryPort} from ${arg('+server.queryport') ? '+server.queryport' : arg('+server.port') ? '+server.port' : 'the default'}`);
    const logfile = arg('-logfile');
    if (logfile && !logfile.startsWith('-') && logfile !== '/dev/stdout') {
      const file = path.resolve(p.cwd ?? '/', logfile);
      server.logs = [{ path: file }];
      notes.push(`log from -logfile ${logfile}`);
    } else notes.push('no -logfile path: the log goes to stdout, none tailed');
    server.process = { name: 'RustDedicated', ...(p.cwd ? { cwd: p.cwd } : {}) };
    return { idFrom: identity ?? '', server, notes };
  },
};
