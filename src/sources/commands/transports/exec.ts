/**
 * The `exec` transport: runs a local program (argument array, no shell) with the command as
 * its last argument; stdout is the reply. The program is killed (SIGKILL) when the deadline
 * passes, so a hung script never holds a concurrency slot beyond its timeout, and when its
 * output passes `maxReplyBytes` (max_reply_size; reason "protocol").
 */
import { execFile } from 'node:child_process';
import { GustError } from '../../../errors.ts';
import { DEFAULT_MAX_REPLY_BYTES } from './source-rcon.ts';
import type { Transport } from './types.ts';

export class ExecTransport implements Transport {
  readonly kind = 'exec' as const;
  readonly #argv: readonly string[];
  readonly #children = new Set<ReturnType<typeof execFile>>();
  readonly #maxReplyBytes: number;

  constructor(argv: readonly string[], maxReplyBytes = DEFAULT_MAX_REPLY_BYTES) {
    this.#argv = argv;
    this.#maxReplyBytes = maxReplyBytes;
  }

  send(command: string, timeoutMs: number): Promise<string> {
    const [program, ...args] = this.#argv;
    return new Promise<string>((resolve, reject) => {
      const child = execFile(
        program!,
        [...args, command],
        { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: this.#maxReplyBytes, windowsHide: true },
        (err, stdout) => {
          this.#children.delete(child);
          if (!err) return resolve(stdout);
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown; signal?: string | null };
          if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(new GustError('GUST_RCON_PROTOCOL', `${program} wrote more than ${this.#maxReplyBytes} bytes (max_reply_size; killed)`));
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
