/**
 * The head fingerprint: a hash of a file's first bytes (up to HEAD_BYTES, growing with the
 * file). With (dev, inode) it tells a reused inode or a truncated-and-regrown file from the file
 * whose offset we saved.
 */
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export const HEAD_BYTES = 1024;

export interface Head {
  length: number;
  hash: string;
}

export function hashHead(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * The head of the open file, `length` bytes (fewer if the file is shorter). Synchronous: one
 * pread of at most 1 KiB, where a thread-pool round trip would add latency to every check.
 */
export function readHead(handle: FileHandle, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = readSync(handle.fd, buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Whether the open file still starts with `head`. */
export function headMatches(handle: FileHandle, head: Head): boolean {
  if (head.length === 0) return true;
  const bytes = readHead(handle, head.length);
  return bytes.length === head.length && hashHead(bytes) === head.hash;
}
