/**
 * The soak's game logs: one file per server, lines appended at a steady rate, each line
 * counted by the harness so the agent's count can be checked against it. Rotations are done
 * the way logrotate does them: rename (`create`) and copytruncate, plus a plain truncate.
 *
 * A truncate (with or without a copy) destroys lines the agent has not read yet, by design of
 * copytruncate; the harness pauses that file and waits until the agent counted every line of
 * it first, so "every line written is counted exactly once" stays checkable.
 */
import { appendFileSync, copyFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LINE_MARK = 'SOAK line';

export interface LogFile {
  server: string;
  path: string;
  written: number;
  paused: boolean;
}

export class LogFiles {
  readonly files: LogFile[];
  #timer: NodeJS.Timeout | undefined;
  #owed = 0;
  #next = 0;

  constructor(dir: string, servers: string[]) {
    this.files = servers.map((server) => ({ server, path: path.join(dir, `${server}.log`), written: 0, paused: false }));
    for (const f of this.files) writeFileSync(f.path, '');
  }

  /** `linesPerSecond` in total over all files (round-robin), written in 10 batches a second. */
  start(linesPerSecond: number): void {
    this.#timer = setInterval(() => {
      this.#owed += linesPerSecond / 10;
      for (let guard = 0; this.#owed >= 1 && guard < this.files.length * 4; guard++) {
        const f = this.files[this.#next++ % this.files.length]!;
        if (f.paused) continue;
        appendFileSync(f.path, `2026-01-01 00:00:00 ${LINE_MARK} ${f.written + 1} of ${f.server}\n`);
        f.written++;
        this.#owed--;
      }
    }, 100);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  get totalWritten(): number {
    return this.files.reduce((n, f) => n + f.written, 0);
  }

  /** logrotate `create`: the file is renamed to .1 (the agent drains it) and a new one starts. */
  rotateRename(f: LogFile): void {
    rmSync(`${f.path}.1`, { force: true });
    renameSync(f.path, `${f.path}.1`);
    writeFileSync(f.path, '');
  }

  /** copytruncate (`copy`) or a plain truncate, once `caughtUp` says the agent read everything. */
  async truncate(f: LogFile, copy: boolean, caughtUp: (f: LogFile) => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    f.paused = true;
    try {
      const deadline = Date.now() + timeoutMs;
      while (!(await caughtUp(f))) {
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (copy) copyFileSync(f.path, `${f.path}.1`);
      truncateSync(f.path, 0);
      return true;
    } finally {
      f.paused = false;
    }
  }
}
