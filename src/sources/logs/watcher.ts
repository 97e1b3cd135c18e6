/**
 * chokidar over the followed files, as a hint that makes reads prompt. Polling alone finds
 * every line (index.ts), so a watcher that runs out of inotify watches or descriptors is
 * dropped for good: `exhausted` tells the source to poll faster instead.
 */
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface WatcherEvents {
  /** `change`, `add`, `unlink`, ... for a resolved path. */
  event(event: string, file: string): void;
  error(err: Error, code: string | undefined, exhausted: boolean): void;
}

export class FileWatcher {
  readonly #events: WatcherEvents;
  #watcher: FSWatcher | undefined;
  readonly #files = new Set<string>();
  #exhausted = false;

  constructor(events: WatcherEvents) {
    this.#events = events;
  }

  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** `file` is absolute and normalised, as the source's resolved patterns make every path. */
  has(file: string): boolean {
    return this.#files.has(file);
  }

  /**
   * Watch the file itself, never its directory: chokidar answers every event in a watched
   * directory with a re-read of the whole directory (an lstat per entry), which next to 1,000
   * quiet files costs more than the reading. New files are found by the source's rescan.
   * chokidar watches the directory by itself when the file is gone by the time it stats it (a
   * rotation right after the source opened it), and re-reads it after every write to any file
   * there, for good: in the 2-hour soak that held a core at 60-90 % beside 200 logs and 111
   * rotated ones. So every path but the followed files is ignored.
   */
  add(file: string): void {
    if (this.#exhausted) return;
    // A known path too: the source adds a path again when it follows a new file there (after a
    // rotation), which watches it anew if chokidar had lost it; chokidar skips a watched path.
    this.#files.add(file);
    if (this.#watcher) {
      this.#watcher.add(file);
      return;
    }
    const watcher = watch(file, {
      ignoreInitial: true,
      atomic: false,
      ignorePermissionErrors: true,
      persistent: false,
      ignored: (candidate) => !this.#files.has(candidate),
    });
    this.#watcher = watcher;
    watcher.on('all', (event, changed) => {
      const file = path.resolve(changed);
      // chokidar stops watching a path whose file it found gone (renamed away): forget it, so
      // that following the next file there watches again.
      if (event === 'unlink') this.#files.delete(file);
      this.#events.event(event, file);
    });
    watcher.on('error', (error) => {
      const err = error as NodeJS.ErrnoException;
      const exhausted = err.code === 'ENOSPC' || err.code === 'EMFILE' || err.code === 'ENFILE';
      if (exhausted) {
        this.#exhausted = true;
        void this.close();
      }
      this.#events.error(err, err.code, exhausted);
    });
  }

  async close(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    this.#files.clear();
    await watcher?.close().catch(() => {});
  }
}
