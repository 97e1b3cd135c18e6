/**
 * ARK: ShooterGameServer in <root>/ShooterGame/Binaries/Linux, options on the command line
 * (`TheIsland?listen?RCONEnabled=True?RCONPort=27020?ServerAdminPassword=...`) or in
 * <root>/ShooterGame/Saved/Config/LinuxServer/GameUserSettings.ini; the command line wins.
 */
import path from 'node:path';
import { arkUrlOptions, isTrue } from '../formats.ts';
import { dirName } from '../ids.ts';
import { portOf, type Candidate, type GameProbe } from './types.ts';

export const ark: GameProbe = {
  game: 'ark',
  comm: /^ShooterGameServ$/,
  async inspect(p, files) {
    const notes: string[] = [];
    const root = p.binDir ? path.resolve(p.binDir, '..', '..', '..') : undefined;
    const cli = arkUrlOptions(p.argv);
    const iniFile = root && path.join(root, 'ShooterGame', 'Saved', 'Config', 'LinuxServer', 'GameUserSettings.ini');
    const ini = iniFile ? await files.settings(iniFile, 'ini') : undefined;
    const get = (key: string) => (cli.has(key) ? { value: cli.get(key), where: 'the command line' } : { value: ini?.get(key), where: 'GameUserSettings.ini' });
    const server: Candidate['server'] = { game: 'ark', name: get('SessionName').value };
    const enabled = get('RCONEnabled');
    if (isTrue(enabled.value)) {
      const port = portOf(get('RCONPort').value) ?? 27020;
      const pw = get('ServerAdminPassword');
      const passwordFrom = pw.where === 'the command line'
        ? { process: 'ShooterGameServer', ...(p.cwd ? { cwd: p.cwd } : {}), arg: '?ServerAdminPassword=' }
        : iniFile && pw.value !== undefined ? { file: iniFile, key: 'ServerAdminPassword' } : undefined;
      if (passwordFrom) {
        server.rcon = { transport: 'source', port, password_from: passwordFrom };
        server.commands = ['listplayers'];
        notes.push(`rcon: RCONEnabled from ${enabled.where}, port ${port}, password from ServerAdminPassword in ${pw.where}`);
      } else notes.push('RCONEnabled but no ServerAdminPassword found: no RCON');
    } else notes.push(`RCONEnabled not true (${ini ? 'command line and GameUserSettings.ini' : 'command line; GameUserSettings.ini not read'}): no RCON`);
    const queryPort = portOf(get('QueryPort').value);
    if (queryPort) server.query = { type: 'arkse', port: queryPort };
    if (root) server.logs = [{ path: path.join(root, 'ShooterGame', 'Saved', 'Logs', 'ShooterGame.log') }];
    if (p.cwd) server.process = { name: 'ShooterGameServer', cwd: p.cwd };
    return { idFrom: root ? dirName(root) : '', server, notes };
  },
};
