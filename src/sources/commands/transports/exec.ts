/**
 * The `exec` transport: runs a local program (argument array, no shell) with the command as
 * its last argument; stdout is the reply. The program is killed (SIGKILL) when the deadline
 * passes, so a hung script never holds a concurrency slot beyond its timeout.
 */
import { execFile } from 'node:child_process';
import { GustError } from '../../../errors.ts';
import type { Transport } from './types.ts';

const MAX_OUTPUT_BYTES = 1024 * 1024;

export class ExecTransport implements Transport {
  readonly kind = 'exec' as const;
  readonly #argv: readonly string[];
  readonly #children = new Set<ReturnType<typeof execFile>>();

  constructor(argv: readonly string[]) {
    this.#argv = argv;
  }

  send(command: string, timeoutMs: number): Promise<string> {
    const [program, ...args] = this.#argv;
    return new Promise<string>((resolve, reject) => {
      const child = execFile(
        program!,
        [...args, command],
        { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true },
        (err, stdout) => {
          this.#children.delete(child);
          if (!err) return resolve(stdout);
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown; signal?: string | null };
          if (e.killed && e.signal === 'SIGKILL') return reject(new GustError('GUST_RCON_TIMEOUT', `${program} did not finish within ${timeoutMs} ms (killed)`));
          if (e.code === 'ENOENT' || e.code === 'EACCES') return reject(new GustError('GUST_EXEC_FAILED', `cannot run ${program}: ${e.code}`));
          if (typeof e.code === 'number') return reject(new GustError('GUST_EXEC_FAILED', `${program} exited with status ${e.code}`));
          reject(new GustError('GUST_EXEC_FAILED', `${program} failed: ${e.signal ? `signal ${e.signal}` : String(e.code ?? 'error')}`));
        },
      );
      this.#children.add(child);
    });
  }

  close(): void {
    for (const child of this.#children) child.kill('SIGKILL');
    this.#children.clear();
  }
}
