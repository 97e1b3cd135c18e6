/**
 * Palworld: PalServer-Linux-Shipping (or -Test) in <root>/Pal/Binaries/Linux, settings in
 * <root>/Pal/Saved/Config/LinuxServer/PalWorldSettings.ini's OptionSettings=(...).
 */
import path from 'node:path';
import { isTrue } from '../formats.ts';
import { dirName } from '../ids.ts';
import { portOf, type Candidate, type GameProbe } from './types.ts';

export const palworld: GameProbe = {
  game: 'palworld',
  comm: /^PalServer-Linux$/,
  async inspect(p, files) {
    const notes: string[] = [];
    const root = p.binDir ? path.resolve(p.binDir, '..', '..', '..') : undefined;
    const iniFile = root && path.join(root, 'Pal', 'Saved', 'Config', 'LinuxServer', 'PalWorldSettings.ini');
    const ini = iniFile ? await files.settings(iniFile, 'ini') : undefined;
    const server: Candidate['server'] = { game: 'palworld', name: ini?.get('ServerName') };
    if (iniFile && isTrue(ini?.get('RCONEnabled'))) {
      const port = portOf(ini?.get('RCONPort')) ?? 25575;
      server.rcon = { transport: 'source', port, password_from: { file: iniFile, key: 'AdminPassword' } };
      server.commands = ['showplayers'];
      notes.push(`rcon from PalWorldSettings.ini: RCONEnabled=True, RCONPort ${port}, password from AdminPassword`);
    } else notes.push(ini ? 'PalWorldSettings.ini: RCONEnabled is not True, no RCON' : 'PalWorldSettings.ini not read: no RCON');
    const exe = path.basename(p.argv[0] ?? '');
    if (p.cwd) server.process = { name: exe.startsWith('PalServer-Linux') ? exe : p.comm, cwd: p.cwd };
    return { idFrom: root ? dirName(root) : '', server, notes };
  },
};
