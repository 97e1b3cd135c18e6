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

  has(file: string): boolean {
    return this.#files.has(file);
  }

  /**
   * Watch the file itself, not its directory: chokidar answers every event in a watched
   * directory with a re-read of the whole directory (an lstat per entry), which next to 1,000
   * quiet files costs more than the reading. New files are found by the source's rescan.
   */
  add(file: string): void {
    if (this.#exhausted || this.#files.has(file)) return;
    this.#files.add(file);
    if (this.#watcher) {
      this.#watcher.add(file);
      return;
    }
    const watcher = watch(file, { ignoreInitial: true, atomic: false, ignorePermissionErrors: true, persistent: false });
    this.#watcher = watcher;
    watcher.on('all', (event, changed) => this.#events.event(event, path.resolve(changed)));
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
