/**
 * Discovery source: game server processes running on the host, found in /proc by executable
 * name and read through their command line and working directory. Processes inside
 * containers are left to the Docker source (their paths are not the host's).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FileReader } from './files.ts';
import { probesNamed } from './games/index.ts';
import type { Candidate, GameProbe, ProcessFacts } from './games/types.ts';

export interface GameProcess {
  facts: ProcessFacts;
  probe: GameProbe;
  candidate: Candidate;
  problems: string[];
}

const CONTAINER_CGROUP = /docker|containerd|libpod|kubepods|lxc|garden/;

export async function findGameProcesses(): Promise<GameProcess[]> {
  const found: GameProcess[] = [];
  const entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  await Promise.all(
    entries.map(async (entry) => {
      const pid = Number(entry);
      if (pid === process.pid) return;
      let comm: string;
      let argv: string[];
      try {
        comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
        if (probesNamed(comm).length === 0) return;
        argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').slice(0, -1);
      } catch {
        return; // ended while we looked
      }
      const probe = probesNamed(comm).find((g) => g.matches?.(argv) ?? true);
      if (!probe) return;
      if (await inContainer(pid)) return;
      const files = new FileReader();
      const cwd = await files.link(`/proc/${pid}/cwd`, "to run as the game server's user (or CAP_SYS_PTRACE) to see its working directory");
      const binDir = await executableDir(pid, argv[0], cwd);
      const facts: ProcessFacts = { pid, comm, argv, cwd, binDir };
      const candidate = await probe.inspect(facts, files);
      found.push({ facts, probe, candidate, problems: files.problems });
    }),
  );
  return found.sort((a, b) => a.facts.pid - b.facts.pid);
}

async function inContainer(pid: number): Promise<boolean> {
  try {
    return CONTAINER_CGROUP.test(await readFile(`/proc/${pid}/cgroup`, 'utf8'));
  } catch {
    return false;
  }
}

async function executableDir(pid: number, argv0: string | undefined, cwd: string | undefined): Promise<string | undefined> {
  if (argv0 && path.isAbsolute(argv0)) return path.dirname(argv0);
  if (argv0?.includes('/') && cwd) return path.dirname(path.resolve(cwd, argv0));
  const exe = await new FileReader().link(`/proc/${pid}/exe`, '');
  return exe ? path.dirname(exe) : cwd;
}

/** A human description of where a process-found server came from. */
export function processOrigin(p: ProcessFacts): string {
  return `pid ${p.pid} ${path.basename(p.argv[0] ?? p.comm)}${p.cwd ? ` in ${p.cwd}` : ''}`;
}
