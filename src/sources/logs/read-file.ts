/**
 * Reads a whole file once through the line splitter (the one-shot path of `gust-agent parse`):
 * synchronous 16 KiB reads into one reused buffer, so memory stays flat however big the file
 * (smaller reads keep V8's young generation, and so peak RSS, small on a 1 GB file).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { LineSplitter, type LineHandler, type SplitterOptions } from './splitter.ts';

export const CHUNK_BYTES = 16 * 1024;

export function readWholeFile(file: string, options: SplitterOptions, onLine: LineHandler): LineSplitter {
  const splitter = new LineSplitter(options);
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      splitter.push(buffer.subarray(0, n), onLine);
    }
    splitter.flush(onLine);
  } finally {
    closeSync(fd);
  }
  return splitter;
}
