/**
 * Discovery source: LinuxGSM installs (<dir>/lgsm/config-lgsm/<gameserver>/<instance>.cfg,
 * logs in <dir>/log/console/<instance>-console.log, game files in <dir>/serverfiles). An
 * instance counts while its game process runs under serverfiles; it then takes the
 * instance name as id, its console log, and the RCON password from the LinuxGSM config
 * chain (_default, common, secrets-common, instance, secrets-instance) where that holds it.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { FileReader } from './files.ts';
import type { GameProcess } from './processes.ts';
import type { Candidate } from './games/types.ts';

export interface LinuxGsmInstance {
  dir: string;
  gameserver: string;
  instance: string;
  /** Merged variables, with the file each came from. */
  vars: Map<string, { value: string; file: string }>;
}

export interface LinuxGsmMatch {
  instance: LinuxGsmInstance;
  process: GameProcess;
}

export async function findLinuxGsmInstances(patterns: readonly string[], files: FileReader): Promise<LinuxGsmInstance[]> {
  const out: LinuxGsmInstance[] = [];
  for (const dir of await expandDirs(patterns)) {
    const configRoot = path.join(dir, 'lgsm', 'config-lgsm');
    for (const gameserver of await listDir(configRoot, files)) {
      const cfgDir = path.join(configRoot, gameserver);
      const names = (await listDir(cfgDir, files)).filter((f) => f.endsWith('.cfg')).map((f) => f.slice(0, -4));
      const instances = names.filter((n) => !n.startsWith('_') && n !== 'common' && !n.startsWith('secrets-'));
      for (const instance of instances.length > 0 ? instances : [gameserver]) {
        const vars = new Map<string, { value: string; file: string }>();
        for (const name of ['_default', 'common', 'secrets-common', instance, `secrets-${instance}`]) {
          const file = path.join(cfgDir, `${name}.cfg`);
          const settings = await files.settings(file, 'cfg');
          for (const [k, v] of settings ?? []) vars.set(k, { value: v, file });
        }
        out.push({ dir, gameserver, instance, vars });
      }
    }
  }
  return out;
}

/** The running game process of each instance: under its serverfiles, on its port when several instances share them. */
export function matchInstances(instances: readonly LinuxGsmInstance[], processes: readonly GameProcess[]): LinuxGsmMatch[] {
  const matches: LinuxGsmMatch[] = [];
  const claimed = new Set<GameProcess>();
  for (const instance of instances) {
    const serverfiles = path.join(instance.dir, 'serverfiles') + path.sep;
    const inside = processes.filter((p) => !claimed.has(p) && `${p.facts.cwd ?? p.facts.binDir ?? ''}${path.sep}`.startsWith(serverfiles));
    const port = instance.vars.get('port')?.value;
    const process = inside.length === 1 ? inside[0] : inside.find((p) => port !== undefined && p.facts.argv.some((a) => a === port || a.endsWith(`=${port}`)));
    if (!process) continue;
    claimed.add(process);
    matches.push({ instance, process });
  }
  return matches;
}

/** The instance's server as its process shows it, with LinuxGSM's id, console log and password file. */
export function linuxGsmCandidate({ instance, process }: LinuxGsmMatch): Candidate {
  const candidate = structuredClone(process.candidate);
  const { server, notes } = candidate;
  candidate.idFrom = instance.instance;
  notes.unshift(`LinuxGSM ${instance.gameserver} instance "${instance.instance}" in ${instance.dir} (pid ${process.facts.pid})`);
  const consoleLog = path.join(instance.dir, 'log', 'console', `${instance.instance}-console.log`);
  if (!server.logs?.some((l) => l.path === consoleLog)) server.logs = [...(server.logs ?? []), { path: consoleLog }];
  notes.push(`console log ${consoleLog}`);
  const rconPassword = instance.vars.get('rconpassword');
  if (server.rcon && rconPassword) {
    server.rcon.password_from = { file: rconPassword.file, key: 'rconpassword' };
    notes.push(`rcon password from rconpassword in ${rconPassword.file}`);
  }
  return candidate;
}

/** `/home/*`: `*` stands for one directory level. */
async function expandDirs(patterns: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const pattern of patterns) {
    let dirs: string[] = [path.sep];
    for (const segment of path.resolve(pattern).split(path.sep).filter(Boolean)) {
      const next: string[] = [];
      for (const dir of dirs) {
        if (segment !== '*') next.push(path.join(dir, segment));
        else for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (entry.isDirectory()) next.push(path.join(dir, entry.name));
      }
      dirs = next;
    }
    out.push(...dirs);
  }
  return [...new Set(out)];
}

async function listDir(dir: string, files: FileReader): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') files.problems.push(`${dir}: cannot list (${code}); the agent's user needs read and search (r-x) permission on it`);
    return [];
  }
}
