/**
 * Turns the bytes of one file into lines. Splits on `\n` at byte level (a `\n` byte never occurs
 * inside a multi-byte UTF-8 character, so a character split across reads is never cut), strips
 * `\r`, decodes with U+FFFD for invalid bytes, and caps line length so a line without a newline
 * cannot grow memory without bound.
 *
 * `committed` is the file offset just past the last complete line: the only offset that may be
 * checkpointed (a partial line is re-read after a restart, never half-counted).
 */
export interface SplitterOptions {
  maxLineLength: number;
  longLines: 'skip' | 'truncate';
  encoding: 'utf8' | 'latin1';
}

export interface SplitStats {
  lines: number;
  bytes: number;
  tooLong: number;
  invalidEncoding: number;
}

export type LineHandler = (line: string) => void;

const NL = 10;
const CR = 13;
const REPLACEMENT = '\uFFFD';

export class LineSplitter {
  readonly #options: SplitterOptions;
  #carry: Buffer[] = [];
  #carryLength = 0;
  /** Inside a line that passed the cap: its remaining bytes are discarded up to the newline. */
  #overlong = false;
  /** Offset of the next byte pushed. */
  position: number;
  /** Offset just past the last complete line. */
  committed: number;
  readonly stats: SplitStats = { lines: 0, bytes: 0, tooLong: 0, invalidEncoding: 0 };

  constructor(options: SplitterOptions, offset = 0) {
    this.#options = options;
    this.position = offset;
    this.committed = offset;
  }

  /** Bytes of the current partial line held in memory. */
  get pending(): number {
    return this.#carryLength;
  }

  push(chunk: Buffer, onLine: LineHandler): void {
    this.stats.bytes += chunk.length;
    const chunkStart = this.position;
    this.position += chunk.length;
    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl === -1) {
      this.#append(chunk);
      return;
    }
    let start = 0;
    if (this.#carryLength > 0 || this.#overlong) {
      const firstNl = chunk.indexOf(NL);
      this.#append(chunk.subarray(0, firstNl));
      this.#finishCarry(onLine);
      start = firstNl + 1;
    }
    if (start <= lastNl) this.#bulk(chunk.subarray(start, lastNl), onLine);
    this.committed = chunkStart + lastNl + 1;
    if (lastNl + 1 < chunk.length) this.#append(chunk.subarray(lastNl + 1));
  }

  /** The file is finished (rotated away, deleted, truncated): its last line counts even without `\n`. */
  flush(onLine: LineHandler): void {
    if (this.#carryLength > 0 || this.#overlong) this.#finishCarry(onLine);
    this.committed = this.position;
  }

  /** Start over at `offset` (after a truncation), dropping any partial line. */
  reset(offset: number): void {
    this.#carry = [];
    this.#carryLength = 0;
    this.#overlong = false;
    this.position = offset;
    this.committed = offset;
  }

  #append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.#overlong) return;
    // One byte more than the cap: a line of exactly the cap may still end in `\r\n`, and the CR
    // is removed before the cap applies (as on the bulk path, which sees the whole line at once).
    const room = this.#options.maxLineLength + 1 - this.#carryLength;
    if (part.length > room) {
      this.#overlong = true;
      this.stats.tooLong++;
      if (this.#options.longLines === 'skip') {
        this.#carry = [];
        this.#carryLength = 0;
        return;
      }
      part = part.subarray(0, room);
    }
    // Copy: the caller reuses its read buffer.
    this.#carry.push(Buffer.from(part));
    this.#carryLength += part.length;
  }

  #finishCarry(onLine: LineHandler): void {
    const overlong = this.#overlong;
    const bytes = this.#carryLength === 1 ? this.#carry[0]! : Buffer.concat(this.#carry, this.#carryLength);
    this.#carry = [];
    this.#carryLength = 0;
    this.#overlong = false;
    const { maxLineLength: max, longLines } = this.#options;
    if (overlong && longLines === 'skip') return;
    let end = bytes.length;
    if (!overlong && bytes[end - 1] === CR) end--;
    if (end > max) {
      // Kept whole in the byte of room for a CR that did not come: too long after all.
      if (!overlong) {
        this.stats.tooLong++;
        if (longLines === 'skip') return;
      }
      end = max;
    }
    const line = bytes.toString(this.#options.encoding, 0, end);
    this.#emit(line, line.includes(REPLACEMENT), onLine);
  }

  /** Complete lines, `\n`-separated, without the final `\n`: decoded in one go (the fast path). */
  #bulk(bytes: Buffer, onLine: LineHandler): void {
    const text = bytes.toString(this.#options.encoding);
    const mayBeInvalid = text.includes(REPLACEMENT);
    const max = this.#options.maxLineLength;
    // UTF-16 length <= UTF-8 byte length <= 3 x UTF-16 length: only long-looking lines are measured.
    const suspicious = max / 3;
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      const end = nl === -1 ? text.length : nl;
      let line = text.slice(from, end);
      if (line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
      if (line.length > suspicious && Buffer.byteLength(line, this.#options.encoding) > max) {
        this.stats.tooLong++;
        if (this.#options.longLines === 'truncate') this.#emit(truncate(line, max, this.#options.encoding), mayBeInvalid, onLine);
      } else {
        this.#emit(line, mayBeInvalid, onLine);
      }
      if (nl === -1) break;
      from = nl + 1;
    }
  }

  #emit(line: string, mayBeInvalid: boolean, onLine: LineHandler): void {
    this.stats.lines++;
    if (mayBeInvalid && line.includes(REPLACEMENT)) this.stats.invalidEncoding++;
    onLine(line);
  }
}

function truncate(line: string, maxBytes: number, encoding: 'utf8' | 'latin1'): string {
  return Buffer.from(line, encoding).subarray(0, maxBytes).toString(encoding);
}
