/** Appends generated game-log lines to a set of files at a steady total rate. */
import { appendFileSync } from 'node:fs';
import { logLine } from './fleet.ts';

export interface LogWriter {
  linesWritten(): number;
  stop(): void;
}

/** `linesPerSecond` in total, spread round-robin over `files`, written in 10 batches a second. */
export function startLogWriter(files: string[], linesPerSecond: number): LogWriter {
  let written = 0;
  let next = 0;
  const perTick = linesPerSecond / 10;
  let owed = 0;
  const timer = setInterval(() => {
    owed += perTick;
    for (; owed >= 1; owed--) {
      const index = next++ % files.length;
      appendFileSync(files[index]!, `${logLine(index, written)}\n`);
      written++;
    }
  }, 100);
  return { linesWritten: () => written, stop: () => clearInterval(timer) };
}
