/**
 * Real processes under the games' executable names: a tiny C program (it only waits) copied
 * to the name the game's binary has, started with the game's command-line shape in a working
 * directory holding the game's real-format files. /proc then shows exactly what it shows for
 * the game: comm, argv, cwd, exe.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { tempDir } from '../support/agent.ts';

let idleBinary: string | undefined;

/** Compiled once per test process: `int main(){pause();}` — blocks until killed, any arguments. */
function idle(): string {
  if (idleBinary) return idleBinary;
  const dir = tempDir('gust-idle-');
  writeFileSync(path.join(dir, 'idle.c'), '#include <unistd.h>\nint main(void) { for (;;) pause(); }\n');
  execFileSync('cc', ['-O2', '-o', path.join(dir, 'idle'), path.join(dir, 'idle.c')]);
  idleBinary = path.join(dir, 'idle');
  return idleBinary;
}

export interface GameProcess {
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `exe` (a path: the binary is copied there) with `args`, in `cwd`. argv[0] is
 * `argv0` when given (games started as ./RustDedicated show that), else the path.
 */
export async function startGame(exe: string, args: string[], cwd: string, argv0?: string): Promise<GameProcess> {
  mkdirSync(path.dirname(exe), { recursive: true });
  copyFileSync(idle(), exe);
  const child = spawn(exe, args, { cwd, stdio: 'ignore', argv0: argv0 ?? exe });
  await once(child, 'spawn');
  return {
    pid: child.pid!,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
