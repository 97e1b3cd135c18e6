/**
 * Reads the config file and secret files the agent is pointed at, which may not be what they
 * should be: a FIFO (open() would wait for a writer, holding the event loop or a thread-pool
 * thread), a device such as /dev/zero (never ends) or a huge file. Only a regular file of at
 * most `maxBytes` is read; the open is non-blocking so a FIFO is refused at once.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { errorMessage, GustError } from '../errors.ts';
import { fileKind } from '../file-kind.ts';

export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
export const MAX_SECRET_BYTES = 64 * 1024;

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * The buffer for the first read is sized by the file, not by `maxBytes`: a 4 MiB buffer freed
 * after each config read raised glibc's mmap threshold to 4 MiB (and its trim threshold to
 * 8 MiB) for the life of the process, so that every allocation below 4 MiB came from arenas
 * that keep freed memory. One byte more than the file: a file that grew after the stat (or a
 * /proc file, whose stat says 0) gets a bigger buffer, up to maxBytes + 1.
 */
function firstBuffer(stats: Stats, maxBytes: number): Buffer {
  return Buffer.allocUnsafe(Math.min(Math.max(stats.size, 4096), maxBytes) + 1);
}

/** `buffer` if it has room after `length` bytes, else a copy twice as big (at most maxBytes + 1). */
function withRoom(buffer: Buffer, length: number, maxBytes: number): Buffer {
  if (length < buffer.length) return buffer;
  const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
  buffer.copy(bigger, 0, 0, length);
  return bigger;
}

function check(file: string, stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) throw new GustError('GUST_CONFIG_READ', `${file}: not a regular file (${fileKind(stats)})`);
  if (stats.size > maxBytes) throw new GustError('GUST_CONFIG_READ', `${file}: larger than the ${maxBytes} bytes allowed`);
}

/** Why a read failed, for a message that already names the file: our own reason, else the errno code. */
export function readFailure(file: string, err: unknown): string {
  if (err instanceof GustError) return err.message.replace(`${file}: `, '');
  return (err as NodeJS.ErrnoException).code ?? errorMessage(err);
}

/** Async (the thread pool does the I/O): used for the config file, also on reload while serving. */
export async function readRegularFile(file: string, maxBytes: number): Promise<string> {
  const handle = await open(file, FLAGS);
  try {
    const stats = await handle.stat();
    check(file, stats, maxBytes);
    let buffer = firstBuffer(stats, maxBytes);
    let length = 0;
    for (;;) {
      buffer = withRoom(buffer, length, maxBytes);
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw new GustError('GUST_CONFIG_READ', `${file}: larger than the ${maxBytes} bytes allowed`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** Synchronous, for small secret files read during config validation; never waits on a FIFO either. */
export function readRegularFileSync(file: string, maxBytes: number): string {
  const fd = openSync(file, FLAGS);
  try {
    const stats = fstatSync(fd);
    check(file, stats, maxBytes);
    let buffer = firstBuffer(stats, maxBytes);
    let length = 0;
    for (;;) {
      buffer = withRoom(buffer, length, maxBytes);
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw new GustError('GUST_CONFIG_READ', `${file}: larger than the ${maxBytes} bytes allowed`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}
