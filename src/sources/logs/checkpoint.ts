/**
 * The checkpoint file (`<state_dir>/log-positions.json`): per followed file its identity and
 * the offset just past the last fully processed line, saved together with the values of the
 * log-derived series. Written temp file + fsync + rename + directory fsync, so a crash leaves
 * either the old or the new checkpoint, never a torn one.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { errorMessage, GustError } from '../../errors.ts';
import type { LogMetrics } from '../../metrics/logs.ts';
import type { LogDerived } from './snapshot.ts';

export const CHECKPOINT_FILE = 'log-positions.json';
const VERSION = 1;

export interface FilePosition {
  server: string;
  path: string;
  dev: number;
  ino: number;
  offset: number;
  headLength: number;
  headHash: string;
  /** Rotated away (renamed or deleted) but not finished: drained after a restart if found by identity. */
  retired?: boolean;
}

export interface Checkpoint extends LogDerived {
  version: number;
  savedAtMs: number;
  /** `server\0pattern` of every configured log path seen so far (start policy for new files). */
  patterns: string[];
  files: FilePosition[];
}

export function checkpointPath(stateDir: string): string {
  return path.join(stateDir, CHECKPOINT_FILE);
}

/** undefined when there is no checkpoint yet; throws GUST_CHECKPOINT_CORRUPT when it cannot be used. */
export async function loadCheckpoint(file: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GustError('GUST_CHECKPOINT_CORRUPT', `${file}: cannot read checkpoint: ${(err as Error).message}`);
  }
  let data: Checkpoint;
  try {
    data = JSON.parse(text) as Checkpoint;
  } catch (err) {
    throw new GustError('GUST_CHECKPOINT_CORRUPT', `${file}: checkpoint is not valid JSON (${(err as Error).message})`);
  }
  if (!isCheckpoint(data)) throw new GustError('GUST_CHECKPOINT_CORRUPT', `${file}: checkpoint has an unexpected shape or version`);
  return data;
}

function isCheckpoint(d: unknown): d is Checkpoint {
  if (typeof d !== 'object' || d === null) return false;
  const c = d as Partial<Checkpoint>;
  return (
    c.version === VERSION &&
    Array.isArray(c.files) &&
    Array.isArray(c.patterns) &&
    Array.isArray(c.metrics) &&
    c.files.every((f) => typeof f?.path === 'string' && typeof f.server === 'string' && Number.isSafeInteger(f.offset) && f.offset >= 0 && typeof f.ino === 'number' && typeof f.dev === 'number' && typeof f.headHash === 'string' && Number.isSafeInteger(f.headLength))
  );
}

export function emptyCheckpoint(): Checkpoint {
  return { version: VERSION, savedAtMs: 0, patterns: [], files: [], metrics: [], observations: {}, extraction: { sessions: {} } };
}

/** Atomic replace of `file` with `text`. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    // A full disk fails the write: leave no half-written temporary file behind.
    await unlink(tmp).catch(() => {});
    throw err;
  }
  // The rename is durable only once the directory entry is.
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Saves checkpoints one after the other. The snapshot is taken when asked (in the caller's
 * tick); an idle source (same generation) is re-saved only every 10 s, for the counters that
 * console lines move too, and unchanged text is not written again.
 */
export class CheckpointWriter {
  readonly #file: () => string;
  readonly #metrics: Pick<LogMetrics, 'checkpointAge' | 'checkpointFailures'>;
  readonly #logger: Logger;
  #writing: Promise<void> = Promise.resolve();
  #lastWritten = '';
  #savedGeneration = -1;
  #lastSnapshotMs = 0;
  /** When the checkpoint on disk was last known to be current. */
  lastSavedMs = Date.now();

  constructor(file: () => string, metrics: Pick<LogMetrics, 'checkpointAge' | 'checkpointFailures'>, logger: Logger) {
    this.#file = file;
    this.#metrics = metrics;
    this.#logger = logger;
  }

  save(generation: number, snapshot: () => Checkpoint, force = false): Promise<void> {
    if (!force && generation === this.#savedGeneration && Date.now() - this.#lastSnapshotMs < 10_000) {
      this.lastSavedMs = Date.now();
      this.#metrics.checkpointAge.set(0);
      return this.#writing;
    }
    this.#savedGeneration = generation;
    this.#lastSnapshotMs = Date.now();
    // Serialised once per save (1,000 files make ~200 KB); the time of writing is put in front.
    const { version, savedAtMs: _, ...content } = snapshot();
    const text = JSON.stringify(content);
    this.#writing = this.#writing.then(async () => {
      if (text === this.#lastWritten) {
        this.lastSavedMs = Date.now();
        return;
      }
      try {
        await writeAtomically(this.#file(), `{"version":${version},"savedAtMs":${Date.now()},${text.slice(1)}`);
        this.#lastWritten = text;
        this.lastSavedMs = Date.now();
      } catch (err) {
        this.#metrics.checkpointFailures.inc({ reason: 'write' });
        this.#logger.error({ err: errorMessage(err) }, 'cannot write the log checkpoint');
      }
      this.#metrics.checkpointAge.set((Date.now() - this.lastSavedMs) / 1000);
    });
    return this.#writing;
  }
}
