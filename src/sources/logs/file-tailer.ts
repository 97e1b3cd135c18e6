/**
 * Follows one open file: reads from the saved offset to EOF in 64 KiB chunks, hands complete
 * lines on, and yields to the event loop between chunks so one busy file cannot starve the
 * others. The file is identified by (dev, inode) plus its head fingerprint, not by its name:
 * after a rename the handle keeps reading the same file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { constants, fstatSync, type Stats } from 'node:fs';
import { GustError } from '../../errors.ts';
import { fileKind } from '../../file-kind.ts';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Game } from '../../config/schema.ts';
import { hashHead, headMatches, HEAD_BYTES, readHead, type Head } from './fingerprint.ts';
import { LineSplitter, type SplitStats, type SplitterOptions } from './splitter.ts';

const CHUNK_BYTES = 64 * 1024;
/** Chunks read from one file before letting other files have a turn. */
const CHUNKS_PER_TURN = 4;

/**
 * Read buffers lent to one read-to-EOF at a time. Not one per file: thousands of mostly idle
 * files would each hold 64 KiB for life (125 MiB at 2,000 servers). Not a new one per read
 * either: at 100 appends/s that was 6 MiB/s of external memory, and the GCs it triggered were
 * the largest CPU item of the 50-server steady state. The splitter copies what it keeps.
 */
const spareBuffers: Buffer[] = [];
const MAX_SPARE_BUFFERS = 8;

export interface TailerSink {
  line(tailer: FileTailer, text: string): void;
  /** After each chunk: the lines of it were delivered; `delta` counts them. */
  chunk(tailer: FileTailer, delta: SplitStats): void;
}

export interface TailerOptions extends SplitterOptions {
  server: string;
  /** The configured pattern the file was found by. */
  pattern: string;
  game: Game | undefined;
}

export class FileTailer {
  /** The name it is followed under: a rotated-away file may be found again under another the glob matches. */
  path: string;
  options: TailerOptions;
  readonly dev: number;
  readonly ino: number;
  readonly #handle: FileHandle;
  readonly #splitter: LineSplitter;
  readonly #sink: TailerSink;
  #head!: Head;
  /**
   * The head's bytes while it is shorter than HEAD_BYTES: it grows from the bytes a read
   * delivered, never from a later look at the file, which may already be new content after a
   * truncate-and-regrow (the model test lost lines when a read and the head's refresh were apart).
   */
  #headBytes: Buffer | undefined;
  #reading: Promise<void> | undefined;
  #again = false;
  #closed = false;
  /** Size at the last check (for lag). */
  size: number;
  #checkedSize: number;
  #checkedMtimeMs: number;
  /** When a read last found new bytes (ms, monotonic enough for idling out retired files). */
  lastGrowthMs = Date.now();
  retired = false;

  private constructor(file: string, handle: FileHandle, stats: Stats, offset: number, head: Buffer, options: TailerOptions, sink: TailerSink) {
    this.path = file;
    this.#handle = handle;
    this.dev = stats.dev;
    this.ino = stats.ino;
    this.size = stats.size;
    this.#checkedSize = stats.size;
    this.#checkedMtimeMs = stats.mtimeMs;
    this.options = options;
    this.#sink = sink;
    this.#setHead(head);
    this.#splitter = new LineSplitter(options, offset);
  }

  /**
   * Open `file` and position at `offset`. With `expected`, the file must still be that one
   * (same identity and head, at least `offset` long), else it is read from 0 (`resumed` false).
   */
  static async open(
    file: string,
    options: TailerOptions,
    sink: TailerSink,
    start: { offset: number | 'end'; expected?: { dev: number; ino: number; head: Head } },
  ): Promise<{ tailer: FileTailer; resumed: boolean }> {
    // Non-blocking: a FIFO that appeared at the path must not hold a thread-pool thread in open().
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stats = await handle.stat();
      // Only regular files end: a FIFO waits for writers, a device like /dev/zero never ends.
      if (!stats.isFile()) throw new GustError('GUST_LOG_NOT_REGULAR', `${file}: ${fileKind(stats)}, not a regular file`);
      let offset = start.offset === 'end' ? stats.size : start.offset;
      let resumed = true;
      const expected = start.expected;
      if (expected) {
        const same = expected.dev === stats.dev && expected.ino === stats.ino && stats.size >= offset && headMatches(handle, expected.head);
        if (!same) {
          offset = 0;
          resumed = false;
        }
      }
      const head = readHead(handle, Math.min(stats.size, HEAD_BYTES));
      return { tailer: new FileTailer(file, handle, stats, offset, head, options, sink), resumed };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Offset just past the last complete line: the only offset that may be checkpointed. */
  get committed(): number {
    return this.#splitter.committed;
  }

  get position(): number {
    return this.#splitter.position;
  }

  get head(): Head {
    return this.#head;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Read to EOF; concurrent calls coalesce into one more pass after the current one. */
  read(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      try {
        do {
          this.#again = false;
          await this.#readToEof();
          // A coalesced pass must not read blindly at the old offset: if the file was truncated
          // (and maybe regrown) meanwhile, that would count the middle of the new content. The
          // source's next check sees the truncation and restarts from byte 0.
        } while (this.#again && !this.#closed && !this.#replacedUnderUs());
      } finally {
        this.#reading = undefined;
      }
    })();
    return this.#reading;
  }

  /** Truncated, or truncated and regrown, since we read it (without touching the check state). */
  #replacedUnderUs(): boolean {
    return fstatSync(this.#handle.fd).size < this.#splitter.position || !headMatches(this.#handle, this.#head);
  }

  async #readToEof(): Promise<void> {
    const buffer = spareBuffers.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
    try {
      await this.#readChunks(buffer);
    } finally {
      if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(buffer);
    }
  }

  async #readChunks(buffer: Buffer): Promise<void> {
    let chunks = 0;
    while (!this.#closed) {
      const at = this.#splitter.position;
      const { bytesRead } = await this.#handle.read(buffer, 0, CHUNK_BYTES, at);
      if (bytesRead === 0 || this.#closed) break;
      this.lastGrowthMs = Date.now();
      if (this.#headBytes) this.#growHead(at, buffer.subarray(0, bytesRead));
      const before = { ...this.#splitter.stats };
      this.#splitter.push(buffer.subarray(0, bytesRead), (line) => this.#sink.line(this, line));
      this.#sink.chunk(this, delta(before, this.#splitter.stats));
      // A short read was at the end of the file: no second read just to learn that. Whatever
      // is written next brings a watch event or the next poll, which call read() again.
      if (bytesRead < buffer.length) break;
      if (++chunks % CHUNKS_PER_TURN === 0) await yieldToLoop();
    }
  }

  /**
   * Whether the file was truncated (copytruncate): shorter than what we read, or its head
   * changed (truncated and regrown past our offset between two checks).
   */
  truncated(stats: Stats): boolean {
    this.size = stats.size;
    if (stats.size < this.#splitter.position) return true;
    const unchanged = stats.size === this.#checkedSize && stats.mtimeMs === this.#checkedMtimeMs;
    this.#checkedSize = stats.size;
    this.#checkedMtimeMs = stats.mtimeMs;
    return !unchanged && !headMatches(this.#handle, this.#head);
  }

  /** The complete lines in the last `maxBytes` before the current position (for the gauge warm start). */
  async linesBefore(maxBytes: number): Promise<string[]> {
    const end = this.#splitter.committed;
    const start = Math.max(0, end - maxBytes);
    const bytes = Buffer.alloc(end - start);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await this.#handle.read(bytes, filled, bytes.length - filled, start + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const lines = bytes.subarray(0, filled).toString(this.options.encoding).split('\n');
    if (start > 0) lines.shift(); // starts mid-line
    if (lines.at(-1) === '') lines.pop();
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** fstat of the open file itself (not of its path), synchronously. */
  statSelf(): Stats {
    return fstatSync(this.#handle.fd);
  }

  /** Nothing to do for this file: same identity, size and mtime as at the last check, nothing unread. */
  unchanged(stats: Stats): boolean {
    return (
      stats.dev === this.dev &&
      stats.ino === this.ino &&
      stats.size === this.#checkedSize &&
      stats.mtimeMs === this.#checkedMtimeMs &&
      stats.size <= this.#splitter.position
    );
  }

  #setHead(bytes: Buffer): void {
    this.#headBytes = bytes.length < HEAD_BYTES ? Buffer.from(bytes) : undefined;
    this.#head = { length: bytes.length, hash: hashHead(bytes) };
  }

  /** Extend a short head with the bytes just read at `at` (only where they continue it). */
  #growHead(at: number, bytes: Buffer): void {
    const have = this.#headBytes!;
    const end = Math.min(at + bytes.length, HEAD_BYTES);
    if (at > have.length || end <= have.length) return;
    this.#setHead(Buffer.concat([have, bytes.subarray(have.length - at, end - at)]));
  }

  /** Start over from byte 0 after a truncation; the partial line of the old content is kept as a line. */
  async restart(): Promise<void> {
    await this.#reading;
    this.#flushPartial();
    this.#splitter.reset(0);
    const stats = await this.#handle.stat();
    this.#setHead(readHead(this.#handle, Math.min(stats.size, HEAD_BYTES)));
    this.size = stats.size;
    this.#checkedSize = stats.size;
    this.#checkedMtimeMs = stats.mtimeMs;
  }

  /** The file is finished (rotated away and idle, or deleted): read what is left, emit the last partial line, close. */
  async finish(): Promise<void> {
    await this.read();
    this.#flushPartial();
    await this.close();
  }

  #flushPartial(): void {
    const before = { ...this.#splitter.stats };
    this.#splitter.flush((line) => this.#sink.line(this, line));
    this.#sink.chunk(this, delta(before, this.#splitter.stats));
  }

  /** Close without flushing (shutdown: the partial line is re-read after the restart). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reading?.catch(() => {});
    await this.#handle.close().catch(() => {});
  }
}

function delta(before: SplitStats, after: SplitStats): SplitStats {
  return {
    lines: after.lines - before.lines,
    bytes: after.bytes - before.bytes,
    tooLong: after.tooLong - before.tooLong,
    invalidEncoding: after.invalidEncoding - before.invalidEncoding,
  };
}
