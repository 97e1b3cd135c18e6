/**
 * Rounds of auto commands (seed 000 autoConsoleConfig). Every effective interval a round
 * picks servers (rotating the start, at most max_servers_per_round), skips those in error
 * backoff or still busy from an earlier round, and queues one job per server behind the
 * agent-wide limiter. Rounds never wait for each other: a slow or dead server holds only its
 * own slot for at most its timeouts, and is skipped by later rounds while it is busy.
 */
import type { Config } from '../../config/schema.ts';
import type { CommandMetrics } from '../../metrics/commands.ts';
import type { Limiter } from './limiter.ts';
import { dueCommands, type CommandSpec, type ServerEntry } from './runner.ts';

/** Seed calculateOptimalInterval: interval * max(1, floor(servers/10)), capped at 2 minutes (never below the configured interval). */
export const ADAPTIVE_CAP_MS = 120_000;

export function effectiveIntervalMs(settings: Config['auto_commands'], serverCount: number): number {
  if (!settings.adaptive_interval) return settings.interval;
  const scaled = settings.interval * Math.max(1, Math.floor(serverCount / 10));
  return Math.max(settings.interval, Math.min(scaled, ADAPTIVE_CAP_MS));
}

/** Which servers a round visits, and where the next round starts. */
export function pickRound<T>(servers: readonly T[], cursor: number, settings: Config['auto_commands']): { picked: T[]; nextCursor: number } {
  const n = servers.length;
  if (n === 0) return { picked: [], nextCursor: 0 };
  const start = settings.rotate_servers ? cursor % n : 0;
  const take = settings.max_servers_per_round > 0 ? Math.min(settings.max_servers_per_round, n) : n;
  const picked = Array.from({ length: take }, (_, i) => servers[(start + i) % n]!);
  const step = settings.max_servers_per_round > 0 ? take : 1;
  return { picked, nextCursor: settings.rotate_servers ? (start + step) % n : 0 };
}

export interface SchedulerDeps {
  settings: () => Config['auto_commands'];
  servers: () => ServerEntry[];
  limiter: Limiter;
  metrics: CommandMetrics;
  run: (entry: ServerEntry, commands: CommandSpec[]) => Promise<unknown>;
}

export class Scheduler {
  readonly #deps: SchedulerDeps;
  #cursor = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  readonly #jobs = new Set<Promise<unknown>>();
  /** When runNow() last ran a server: the next round skips it if that was less than half an interval ago. */
  readonly #ranNow = new WeakMap<ServerEntry, number>();

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** Runs the first round; resolves when its jobs finished or after `maxWaitMs`. */
  async start(maxWaitMs: number): Promise<void> {
    this.#stopped = false;
    const first = this.#round();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([first, new Promise((r) => (timer = setTimeout(r, maxWaitMs)))]);
    clearTimeout(timer);
  }

  /** Stops scheduling; resolves when running jobs ended (transports are closed by the caller, which ends them fast). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#jobs]);
  }

  /** The interval may have changed (reload): re-arm the timer from now. */
  rearm(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#arm();
  }

  #arm(): void {
    const interval = effectiveIntervalMs(this.#deps.settings(), this.#deps.servers().length);
    this.#deps.metrics.interval.set(interval / 1000);
    this.#timer = setTimeout(() => void this.#round(), interval);
  }

  #round(): Promise<unknown> {
    if (this.#stopped) return Promise.resolve();
    this.#arm();
    const settings = this.#deps.settings();
    if (!settings.enabled) return Promise.resolve();
    this.#deps.metrics.rounds.inc();
    const { picked, nextCursor } = pickRound(this.#deps.servers(), this.#cursor, settings);
    this.#cursor = nextCursor;
    const now = Date.now();
    const slackMs = effectiveIntervalMs(settings, this.#deps.servers().length) / 2;
    const jobs: Promise<unknown>[] = [];
    for (const entry of picked) {
      if (entry.busy || now < entry.nextAllowedMs || now - (this.#ranNow.get(entry) ?? -Infinity) < slackMs) continue;
      const commands = dueCommands(entry, now, slackMs);
      if (commands.length === 0) continue;
      jobs.push(this.#queue(entry, commands));
    }
    return Promise.allSettled(jobs);
  }

  /** Runs a server's due commands now, outside the rounds (e.g. a lease just taken over); no-op while it is busy or backing off. */
  runNow(entry: ServerEntry): void {
    const settings = this.#deps.settings();
    if (this.#stopped || !settings.enabled || entry.busy || Date.now() < entry.nextAllowedMs) return;
    const commands = dueCommands(entry, Date.now(), effectiveIntervalMs(settings, this.#deps.servers().length) / 2);
    if (commands.length === 0) return;
    this.#ranNow.set(entry, Date.now());
    void this.#queue(entry, commands);
  }

  /** Queue a job for one server behind the limiter (also used for on-demand refreshes). */
  #queue(entry: ServerEntry, commands: CommandSpec[]): Promise<unknown> {
    entry.busy = true;
    const job = this.#deps.limiter
      .run(() => (this.#stopped ? Promise.resolve() : this.#deps.run(entry, commands)))
      .finally(() => {
        entry.busy = false;
        this.#jobs.delete(job);
      });
    this.#jobs.add(job);
    return job;
  }
}
