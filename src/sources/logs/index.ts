/**
 * The log source: follows every file matching `servers[].logs[].path` and feeds its lines to
 * the extraction engine, without losing or double-counting a line across rotations and
 * restarts (../shared/spec/TAILING.md).
 *
 * chokidar is only a hint that makes reads prompt: a poll every second rescans the globs and
 * stats the followed files (quiet watched ones every 5 s), so dropped or merged watch events
 * cost latency, never lines.
 */
import { stat } from 'node:fs/promises';
import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { AgentContext, Component } from '../../agent/context.ts';
import type { Config, Game, LogFileConfig } from '../../config/schema.ts';
import { errorMessage, GustError } from '../../errors.ts';
import { fileKind } from '../../file-kind.ts';
import { ExtractionEngine } from '../../extract/engine.ts';
import { logMetrics, SKIP_REASONS, type LogMetrics, type ReadErrorReason, type SkipReason } from '../../metrics/logs.ts';
import { CheckpointWriter, checkpointPath, emptyCheckpoint, loadCheckpoint, type Checkpoint, type FilePosition } from './checkpoint.ts';
import { FileTailer, type TailerOptions, type TailerSink } from './file-tailer.ts';
import { maxFollowedFiles } from './fd-limit.ts';
import { GlobCache, globToRegExp } from './glob.ts';
import { IdentityIndex } from './identity-index.ts';
import { restoreLogDerived, snapshotLogDerived } from './snapshot.ts';
import type { SplitStats } from './splitter.ts';
import { FileWatcher } from './watcher.ts';

const POLL_MS = 1_000;
const FALLBACK_POLL_MS = 250;
const CHECKPOINT_MS = 1_000;
/**
 * A watched file that has not grown for this long is stat'ed on every QUIET_POLL_EVERY-th poll
 * only (its own slot), or at once when its glob's directories changed: with inotify events as
 * the prompt path, the poll is there for events that never come, and 1,000 stats a second were
 * most of the idle cost of 1,000 quiet files (TAILING 18). A missed event on a quiet file costs
 * up to 5 s of latency, never a line.
 */
export const QUIET_AFTER_MS = 10_000;
const QUIET_POLL_EVERY = 5;
/** A rotated-away file is finished after it stopped growing for this long. */
export const RETIRE_IDLE_MS = 10_000;
/** Re-read a file shortly after an event: chokidar throttles and merges change events. */
const TRAILING_READ_MS = 50;
const MAX_BACKOFF_MS = 30_000;
/** Reading left on shutdown, within the 10 s budget. */
const STOP_DRAIN_MS = 3_000;
/** How far back the gauge warm start looks in a file it starts reading at its end. */
const WARM_START_BYTES = 64 * 1024;

interface Spec {
  server: string;
  pattern: string;
  key: string;
  config: LogFileConfig;
  exclude: RegExp[];
  /** The glob's last result (GlobCache returns the same array while its directories are unchanged). */
  files?: string[];
  /** `#unfollows` when every file of `files` was followed. */
  allFollowedAt?: number;
}

export function createLogSource(ctx: AgentContext): Component {
  return new LogSource(ctx);
}

class LogSource implements Component {
  readonly name = 'logs';
  readonly #ctx: AgentContext;
  readonly #metrics: LogMetrics;
  #specs: Spec[] = [];
  /** `server\0path` -> the tailer of the file currently at that path. */
  readonly #active = new Map<string, FileTailer>();
  /** Bumped when a file stops being followed at its path (rotation, reload): rescans look again. */
  #unfollows = 0;
  #polls = 0;
  readonly #specOf = new Map<FileTailer, Spec>();
  /** Rotated away (renamed, deleted): drained until idle, then finished. */
  readonly #retired = new Set<FileTailer>();
  readonly #locks = new Map<string, Promise<void>>();
  readonly #backoff = new Map<string, { untilMs: number; delayMs: number }>();
  readonly #trailing = new Map<FileTailer, NodeJS.Timeout>();
  #knownPatterns = new Set<string>();
  /** `server\0path` of matched paths not followed, and why (gust_log_files_skipped). */
  readonly #skipped = new Map<string, SkipReason>();
  /** The cap of followed files (log_files.max_followed, or derived from RLIMIT_NOFILE). */
  #maxFollowed = Number.POSITIVE_INFINITY;
  /** The limit warning was logged; re-armed once no file is over the limit. */
  #limitWarned = false;
  /** The checkpoint found at start; each saved position is used at most once. */
  #checkpoint: Checkpoint = emptyCheckpoint();
  readonly #consumed = new Set<FilePosition>();
  #pollTimer: NodeJS.Timeout | undefined;
  #checkpointTimer: NodeJS.Timeout | undefined;
  readonly #watcher: FileWatcher;
  /** Servers that followed a file at this path (events come by path; never a scan of every spec). */
  readonly #serversByPath = new Map<string, Set<string>>();
  readonly #globs = new GlobCache();
  #ticking: Promise<void> | undefined;
  readonly #checkpointWriter: CheckpointWriter;
  /** Bumped by anything that changes what a checkpoint would contain (reads, rotations, opens). */
  #generation = 0;
  #stopped = false;

  constructor(ctx: AgentContext) {
    this.#ctx = ctx;
    this.#metrics = logMetrics(ctx.registry);
    this.#checkpointWriter = new CheckpointWriter(() => checkpointPath(this.#ctx.config.state_dir), this.#metrics, ctx.logger);
    this.#watcher = new FileWatcher({ event: (e, f) => this.#onEvent(e, f), error: (err, code, exhausted) => this.#onWatchError(err, code, exhausted) });
  }

  get #engine(): ExtractionEngine | undefined {
    return this.#ctx.extraction instanceof ExtractionEngine ? this.#ctx.extraction : undefined;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    this.#specs = this.#buildSpecs(this.#ctx.config);
    this.#maxFollowed = maxFollowedFiles(this.#ctx.config);
    const file = checkpointPath(this.#ctx.config.state_dir);
    try {
      const loaded = await loadCheckpoint(file);
      if (loaded) {
        this.#checkpoint = loaded;
        restoreLogDerived(this.#ctx, this.#engine, loaded);
      }
    } catch (err) {
      // Never a crash loop: a corrupt checkpoint is reported and ignored.
      this.#metrics.checkpointFailures.inc({ reason: 'corrupt' });
      this.#ctx.logger.error({ file, err: errorMessage(err) }, 'log checkpoint is corrupt; ignoring it');
    }
    this.#knownPatterns = new Set(this.#checkpoint.patterns);
    await this.#resumeRetired(this.#checkpoint.files.filter((f) => f.retired));
    await this.#scan();
    // Saved files no longer at their path (rotated while we were down): finish them where they went.
    await this.#resumeRetired(this.#checkpoint.files.filter((f) => !this.#consumed.has(f)));
    this.#checkpoint.files.forEach((f) => this.#consumed.add(f));
    for (const spec of this.#specs) this.#knownPatterns.add(spec.key);
    this.#metrics.lagProviders.add(this.#collectLag);
    this.#schedulePoll();
    this.#checkpointTimer = setInterval(() => void this.#saveCheckpoint(), CHECKPOINT_MS);
    this.#checkpointTimer.unref();
    this.#updateGauges();
    void this.#saveCheckpoint();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#metrics.lagProviders.delete(this.#collectLag);
    clearTimeout(this.#pollTimer);
    clearInterval(this.#checkpointTimer);
    for (const timer of this.#trailing.values()) clearTimeout(timer);
    this.#trailing.clear();
    await this.#watcher.close();
    await this.#ticking;
    // Read what is there (lines in a deleted file are unreachable after the restart), within
    // part of the shutdown budget; then stop reading: the snapshot must pair each offset with
    // the counters it produced.
    const tailers = [...this.#active.values(), ...this.#retired];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      // Truncated (and maybe regrown) since the last check: start over from byte 0, or the drain
      // reads the middle of the new content and saves it under the old head.
      Promise.all(tailers.map((t) => this.#restartIfTruncated(t, t.statSelf()).then(() => t.read()).catch(() => {}))),
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_DRAIN_MS))),
    ]);
    clearTimeout(timer);
    await Promise.all(tailers.map((t) => t.close()));
    this.#engine?.flush();
    await this.#saveCheckpoint(true);
    this.#active.clear();
    this.#unfollows++;
    this.#retired.clear();
    this.#specOf.clear();
    this.#serversByPath.clear();
    this.#skipped.clear();
    this.#metrics.filesWatched.set(0);
  }

  async reload(config: Config): Promise<void> {
    this.#specs = this.#buildSpecs(config);
    this.#maxFollowed = maxFollowedFiles(config);
    this.#globs.clear();
    const wanted = new Map(this.#specs.map((s) => [s.key, s]));
    for (const [key, tailer] of this.#active) {
      const spec = wanted.get(this.#specOf.get(tailer)!.key);
      if (!spec) {
        this.#active.delete(key);
        this.#unfollows++;
        this.#specOf.delete(tailer);
        await tailer.close();
        this.#generation++;
        continue;
      }
      this.#specOf.set(tailer, spec);
      tailer.options = { ...tailer.options, game: spec.config.game };
    }
    await this.#scan();
    for (const spec of this.#specs) this.#knownPatterns.add(spec.key);
    this.#updateGauges();
  }

  // --- discovery -------------------------------------------------------------------------

  #buildSpecs(config: Config): Spec[] {
    return config.servers.flatMap((server) =>
      server.logs.map((log) => {
        const pattern = path.resolve(log.path);
        return { server: server.id, pattern, key: `${server.id}\u0000${pattern}`, config: log, exclude: log.exclude.map(globToRegExp) };
      }),
    );
  }

  /**
   * Expand every glob and follow files not followed yet. One file at a time: two names of one
   * file (a rename that still matches the glob) must resolve to a single tailer. Returns the
   * specs whose directories changed (an entry added, removed, renamed or a link swapped).
   */
  async #scan(): Promise<Set<Spec>> {
    const relisted = new Set<Spec>();
    for (const spec of this.#specs) {
      const files = await this.#globs.expand(spec.key, spec.pattern, spec.exclude);
      if (files !== spec.files) relisted.add(spec);
      // The common case: the glob found what it found last time, and all of it is followed.
      else if (spec.allFollowedAt === this.#unfollows) continue;
      spec.files = files;
      const unfollows = this.#unfollows;
      let all = true;
      for (const file of files) {
        const key = `${spec.server}\u0000${file}`;
        if (!this.#active.has(key)) {
          // At the cap, without a system call: 10,000 matched files must not cost 10,000 opens a second.
          if (this.#followedCount() >= this.#maxFollowed) this.#skip(spec.server, key, file, 'limit');
          else await this.#locked(key, () => this.#followIfNew(spec, file));
        }
        all &&= this.#active.has(key);
      }
      spec.allFollowedAt = all && unfollows === this.#unfollows ? unfollows : undefined;
    }
    if (this.#skipped.size > 0) this.#forgetUnmatchedSkips();
    return relisted;
  }

  #followedCount(): number {
    return this.#active.size + this.#retired.size;
  }

  /** A matched path that is not followed: counted, and said once in the log (the limit once per episode). */
  #skip(server: string, key: string, file: string, reason: SkipReason, detail?: string): void {
    if (this.#skipped.get(key) === reason) return;
    this.#skipped.set(key, reason);
    if (reason === 'not_regular') {
      this.#ctx.logger.warn({ server, file, reason: detail }, 'log file skipped: only regular files are followed');
    } else if (!this.#limitWarned) {
      this.#limitWarned = true;
      this.#ctx.logger.warn(
        { server, file, max_followed: this.#maxFollowed },
        'log file limit reached: further matched files are not followed (counted in gust_log_files_skipped{reason="limit"}; see log_files.max_followed)',
      );
    }
  }

  /** Skips of paths no glob matches any more, or that are followed now. */
  #forgetUnmatchedSkips(): void {
    const matched = new Set<string>();
    for (const spec of this.#specs) for (const file of spec.files ?? []) matched.add(`${spec.server}\u0000${file}`);
    for (const key of this.#skipped.keys()) if (!matched.has(key) || this.#active.has(key)) this.#skipped.delete(key);
  }

  #isFollowed(dev: number, ino: number): boolean {
    for (const t of this.#active.values()) if (t.dev === dev && t.ino === ino) return true;
    for (const t of this.#retired) if (t.dev === dev && t.ino === ino) return true;
    return false;
  }

  /** The saved position of this file: by path, else by identity (renamed while we were down). */
  #savedFor(server: string, file: string, current: Stats): FilePosition | undefined {
    const unused = this.#checkpoint.files.filter((f) => !this.#consumed.has(f) && !f.retired && f.server === server);
    const saved = unused.find((f) => f.path === file) ?? unused.find((f) => f.dev === current.dev && f.ino === current.ino);
    if (saved) this.#consumed.add(saved);
    return saved;
  }

  async #followIfNew(spec: Spec, file: string): Promise<void> {
    const key = `${spec.server}\u0000${file}`;
    if (this.#active.has(key) || this.#stopped) return;
    const backoff = this.#backoff.get(key);
    if (backoff && Date.now() < backoff.untilMs) return;
    try {
      const current = await stat(file);
      if (!current.isFile()) {
        this.#skip(spec.server, key, file, 'not_regular', fileKind(current));
        return;
      }
      const renamed = [...this.#retired].find((t) => t.dev === current.dev && t.ino === current.ino && t.options.server === spec.server);
      if (renamed) {
        // Rotated to a name the glob also matches (game.log -> game-old.log): follow it there from
        // where it was. Finished as retired, it would be taken for a new file and read from 0.
        this.#retired.delete(renamed);
        renamed.retired = false;
        renamed.path = file;
        renamed.options = { ...renamed.options, pattern: spec.pattern, game: spec.config.game }; // possibly another entry of the server
        this.#adopt(key, spec, renamed);
        return;
      }
      if (this.#isFollowed(current.dev, current.ino)) return; // another name of a file we follow
      const saved = this.#savedFor(spec.server, file, current);
      if (saved) {
        const { tailer, resumed } = await FileTailer.open(file, this.#tailerOptions(spec), this.#sink, {
          offset: saved.offset,
          expected: { dev: saved.dev, ino: saved.ino, head: { length: saved.headLength, hash: saved.headHash } },
        });
        if (!resumed) {
          // Rotated while we were down: finish the old file wherever it went, then read the new one from 0.
          this.#metrics.rotations.inc({ server: spec.server, kind: 'rotate' });
          await this.#resumeRetired([saved]);
        }
        this.#adopt(key, spec, tailer);
      } else {
        const startAt = spec.config.start_at ?? (this.#knownPatterns.has(spec.key) ? 'beginning' : 'end');
        const { tailer } = await FileTailer.open(file, this.#tailerOptions(spec), this.#sink, { offset: startAt === 'end' ? 'end' : 0 });
        // Starting at the end with nothing saved: the last lines still tell the current player count.
        if (startAt === 'end' && tailer.position > 0) this.#engine?.warm(spec.server, await tailer.linesBefore(WARM_START_BYTES), Date.now(), spec.config.game);
        this.#adopt(key, spec, tailer);
      }
      this.#backoff.delete(key);
    } catch (err) {
      this.#openError(spec.server, key, err, file);
    }
  }

  /** A FIFO or device swapped in between the stat and the open is a skip, anything else a read error. */
  #openError(server: string, key: string, err: unknown, file: string): void {
    if (err instanceof GustError && err.code === 'GUST_LOG_NOT_REGULAR') this.#skip(server, key, file, 'not_regular', err.message);
    else this.#readError(server, key, err, file);
  }

  #adopt(key: string, spec: Spec, tailer: FileTailer): void {
    this.#generation++;
    this.#skipped.delete(key);
    this.#active.set(key, tailer);
    let servers = this.#serversByPath.get(tailer.path);
    if (!servers) this.#serversByPath.set(tailer.path, (servers = new Set()));
    servers.add(spec.server);
    this.#watch(tailer.path);
    this.#specOf.set(tailer, spec);
    this.#ctx.logger.debug({ server: spec.server, file: tailer.path, offset: tailer.position }, 'following log file');
    this.#read(tailer);
  }

  /** Files saved as rotated-away (or found rotated at start): find them by identity next to their old path and drain them. */
  async #resumeRetired(positions: FilePosition[]): Promise<void> {
    const identities = new IdentityIndex();
    for (const saved of positions) {
      this.#consumed.add(saved);
      const spec = this.#specs.find((s) => s.server === saved.server);
      if (!spec || this.#isFollowed(saved.dev, saved.ino)) continue;
      const found = await identities.find(path.dirname(saved.path), saved.dev, saved.ino);
      if (!found) continue;
      try {
        const { tailer, resumed } = await FileTailer.open(found, this.#tailerOptions(spec), this.#sink, {
          offset: saved.offset,
          expected: { dev: saved.dev, ino: saved.ino, head: { length: saved.headLength, hash: saved.headHash } },
        });
        if (!resumed) {
          await tailer.close(); // an unrelated file that reuses the inode: not ours to read
          continue;
        }
        this.#specOf.set(tailer, spec);
        this.#retire(tailer);
      } catch (err) {
        this.#ctx.logger.warn({ file: found, err: errorMessage(err) }, 'cannot reopen a rotated log file to finish it');
      }
    }
  }

  #tailerOptions(spec: Spec): TailerOptions {
    const { config } = spec;
    return { server: spec.server, pattern: spec.pattern, game: config.game, maxLineLength: config.max_line_length, longLines: config.long_lines, encoding: config.encoding };
  }

  // --- reading ---------------------------------------------------------------------------

  readonly #sink: TailerSink = {
    line: (tailer, text) => this.#ctx.extraction.line(tailer.options.server, text, 'log', Date.now(), tailer.options.game as Game | undefined),
    chunk: (tailer, delta) => this.#afterChunk(tailer.options.server, delta),
  };

  #afterChunk(server: string, delta: SplitStats): void {
    this.#generation++;
    this.#engine?.commit();
    this.#metrics.pending.lines(server, delta.lines, delta.bytes);
    if (delta.tooLong) this.#metrics.dropped.inc({ server, reason: 'too_long' }, delta.tooLong);
    if (delta.invalidEncoding) this.#metrics.invalidEncoding.inc({ server }, delta.invalidEncoding);
  }

  #read(tailer: FileTailer): void {
    tailer.read().catch((err: unknown) => this.#readError(tailer.options.server, undefined, err, tailer.path));
  }

  /**
   * Check (identity, truncation) and read now, and again shortly after: a write may land
   * between chokidar's merged events. Never a bare read: after a truncate-and-regrow, reading
   * at the old offset would count the middle of the new content.
   */
  #checkSoon(key: string, tailer: FileTailer): void {
    void this.#locked(key, () => this.#check(key, tailer));
    clearTimeout(this.#trailing.get(tailer));
    const timer = setTimeout(() => {
      this.#trailing.delete(tailer);
      void this.#locked(key, () => this.#check(key, tailer));
    }, TRAILING_READ_MS);
    timer.unref();
    this.#trailing.set(tailer, timer);
  }

  #readError(server: string, key: string | undefined, err: unknown, file: string): void {
    const code = (err as NodeJS.ErrnoException).code;
    const reason: ReadErrorReason = code === 'EACCES' || code === 'EPERM' ? 'permission' : code === 'ENOENT' ? 'not_found' : 'io';
    if (reason === 'not_found') return; // gone between the scan and the open: the next scan decides
    this.#metrics.readErrors.inc({ server, reason });
    if (key) {
      // Transient errors (permission during logrotate): retry with a doubling delay.
      const previous = this.#backoff.get(key);
      const delayMs = Math.min(previous ? previous.delayMs * 2 : POLL_MS, MAX_BACKOFF_MS);
      this.#backoff.set(key, { untilMs: Date.now() + delayMs, delayMs });
    }
    this.#ctx.logger.warn({ server, file, reason, err: errorMessage(err) }, 'cannot read log file');
  }

  // --- rotation and polling --------------------------------------------------------------

  #schedulePoll(): void {
    if (this.#stopped) return;
    this.#pollTimer = setTimeout(() => {
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = undefined;
        this.#schedulePoll();
      });
    }, this.#watcher.exhausted ? FALLBACK_POLL_MS : POLL_MS);
    this.#pollTimer.unref();
  }

  async #tick(): Promise<void> {
    try {
      // First: a changed directory makes its quiet files due now. A rename or a symlink swap
      // there sends no event to the file we watch (a swapped link's old target is untouched).
      const relisted = await this.#scan();
      const checks: Promise<void>[] = [];
      const slot = this.#polls++ % QUIET_POLL_EVERY;
      const quietSince = Date.now() - QUIET_AFTER_MS;
      for (const [key, tailer] of this.#active) {
        const quiet = tailer.lastGrowthMs < quietSince && this.#watcher.has(tailer.path);
        if (quiet && tailer.ino % QUIET_POLL_EVERY !== slot && !relisted.has(this.#specOf.get(tailer)!)) continue;
        // The common case, an idle file, costs one stat and no promise.
        let current: Stats | undefined;
        try {
          current = statSync(tailer.path);
        } catch {
          current = undefined;
        }
        if (current && tailer.unchanged(current)) continue;
        checks.push(this.#locked(key, () => this.#check(key, tailer)));
      }
      await Promise.all(checks);
      await this.#drainRetired();
      this.#updateGauges();
    } catch (err) {
      this.#ctx.logger.error({ err: errorMessage(err) }, 'log poll failed');
    }
  }

  /** Is the file at `tailer.path` still the one we follow, and was it truncated? */
  async #check(key: string, tailer: FileTailer): Promise<void> {
    if (this.#active.get(key) !== tailer || this.#stopped) return;
    // Always a stat of our own: chokidar's stats of the event may be older than a truncate and
    // regrow that followed (the model test lost lines when they were reused).
    let current: Stats | undefined;
    try {
      // Synchronous on purpose: a few microseconds per file, where the async round trip through
      // the thread pool would dominate the idle cost of 1,000 quiet files.
      current = statSync(tailer.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        // Cannot tell (EACCES on the directory during rotation): keep reading what we have.
        this.#readError(tailer.options.server, undefined, err, tailer.path);
        this.#read(tailer);
        return;
      }
    }
    if (!current || current.dev !== tailer.dev || current.ino !== tailer.ino) {
      // Renamed, deleted or a symlink swapped: drain the old file before anything of the new one
      // (it may have been truncated just before, e.g. copytruncate followed by a rename).
      await this.#restartIfTruncated(tailer, tailer.statSelf());
      await tailer.read().catch(() => {});
      this.#active.delete(key);
      this.#unfollows++;
      this.#metrics.rotations.inc({ server: tailer.options.server, kind: 'rotate' });
      this.#retire(tailer);
      if (current && !this.#isFollowed(current.dev, current.ino)) {
        const spec = this.#specOf.get(tailer)!;
        try {
          const { tailer: next } = await FileTailer.open(tailer.path, this.#tailerOptions(spec), this.#sink, { offset: 0 });
          this.#adopt(key, spec, next);
        } catch (err) {
          this.#openError(tailer.options.server, key, err, tailer.path);
        }
      }
      return;
    }
    await this.#restartIfTruncated(tailer, current);
    if (current.size > tailer.position) this.#read(tailer);
  }

  /** copytruncate (or truncate and regrow): read the file again from byte 0. */
  async #restartIfTruncated(tailer: FileTailer, stats: Stats): Promise<boolean> {
    if (!tailer.truncated(stats)) return false;
    this.#metrics.rotations.inc({ server: tailer.options.server, kind: 'truncate' });
    await tailer.restart();
    this.#generation++;
    return true;
  }

  #retire(tailer: FileTailer): void {
    this.#generation++;
    tailer.retired = true;
    tailer.lastGrowthMs = Date.now();
    this.#retired.add(tailer);
    this.#read(tailer);
  }

  async #drainRetired(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.#retired].map(async (tailer) => {
        try {
          await this.#restartIfTruncated(tailer, tailer.statSelf());
          await tailer.read();
          // Still retired (a rescan may have found it under a new name meanwhile), and idle.
          if (!this.#retired.has(tailer) || now - tailer.lastGrowthMs < RETIRE_IDLE_MS) return;
          this.#retired.delete(tailer);
          this.#specOf.delete(tailer);
          await tailer.finish();
          this.#generation++;
        } catch (err) {
          if (!this.#retired.delete(tailer)) return; // followed under a new name meanwhile: not ours to close
          await tailer.close();
          this.#readError(tailer.options.server, undefined, err, tailer.path);
        }
      }),
    );
  }

  /** One check per path at a time (poll and watch events may race). */
  #locked(key: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const next = previous
      .then(fn)
      .catch((err: unknown) => {
        // A file closed or replaced under a running check: the next poll looks again.
        if (!this.#stopped) this.#ctx.logger.warn({ file: key.split('\u0000')[1], err: errorMessage(err) }, 'log file check failed');
      })
      .finally(() => {
        if (this.#locks.get(key) === next) this.#locks.delete(key);
      });
    this.#locks.set(key, next);
    return next;
  }

  #watch(file: string): void {
    if (!this.#stopped) this.#watcher.add(file);
  }

  #onEvent(event: string, file: string): void {
    if (this.#stopped) return;
    // change / add / unlink: check identity and size now rather than at the next poll.
    for (const server of this.#serversByPath.get(file) ?? []) {
      const key = `${server}\u0000${file}`;
      const tailer = this.#active.get(key);
      if (tailer) this.#checkSoon(key, tailer);
    }
    if (event === 'add' || event === 'addDir') void this.#scan();
  }

  #onWatchError(err: Error, code: string | undefined, exhausted: boolean): void {
    this.#ctx.logger.warn({ err: errorMessage(err), code }, 'log watcher error');
    // Out of inotify watches or descriptors: polling alone still finds every line, just later,
    // and every file is polled on every (faster) poll from now on.
    if (exhausted) this.#metrics.watchFallback.set(1);
  }

  // --- state -------------------------------------------------------------------------------

  /** Unread bytes per server, computed at scrape time (one pass over the files). */
  readonly #collectLag = (): void => {
    const lag = new Map<string, number>();
    for (const spec of this.#specs) lag.set(spec.server, 0);
    for (const t of [...this.#active.values(), ...this.#retired]) {
      lag.set(t.options.server, (lag.get(t.options.server) ?? 0) + Math.max(0, t.size - t.committed));
    }
    // Set in place (unchanged values keep their rendered text), and drop servers gone since.
    for (const { labels } of [...this.#metrics.lagBytes.entries()]) if (!lag.has(String(labels.server))) this.#metrics.lagBytes.remove(labels);
    for (const [server, bytes] of lag) this.#metrics.lagBytes.set({ server }, bytes);
  };

  #updateGauges(): void {
    this.#metrics.filesWatched.set(this.#followedCount());
    const skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
    for (const reason of this.#skipped.values()) skipped[reason]++;
    for (const reason of SKIP_REASONS) this.#metrics.filesSkipped.set({ reason }, skipped[reason]);
    if (skipped.limit === 0) this.#limitWarned = false;
    const now = Date.now();
    this.#metrics.checkpointAge.set((now - this.#checkpointWriter.lastSavedMs) / 1000);
    const servers = new Set(this.#specs.map((s) => s.server));
    const followed = new Set([...this.#active.values()].map((t) => t.options.server));
    for (const server of servers) {
      const following = followed.has(server);
      if (following) this.#ctx.state.recordSuccess(server, 'log');
      else this.#ctx.state.recordFailure(server, 'log', 'error', 'no readable log file matches the configured paths');
    }
  }

  /** Taken in one synchronous step (offsets and counters agree), written atomically. */
  #saveCheckpoint(force = false): Promise<void> {
    return this.#checkpointWriter.save(this.#generation, () => this.#snapshot(), force);
  }

  #snapshot(): Checkpoint {
    const files: FilePosition[] = [];
    for (const tailer of [...this.#active.values(), ...this.#retired]) {
      files.push({
        server: tailer.options.server,
        path: tailer.path,
        dev: tailer.dev,
        ino: tailer.ino,
        offset: tailer.committed,
        headLength: tailer.head.length,
        headHash: tailer.head.hash,
        ...(tailer.retired ? { retired: true } : {}),
      });
    }
    return {
      version: 1,
      savedAtMs: 0,
      patterns: [...this.#knownPatterns],
      files,
      ...snapshotLogDerived(this.#ctx, this.#engine),
    };
  }
}

