/**
 * The collector model (after node_exporter): each collector refreshes its own series, is
 * timed, and is isolated — a collector that throws or hangs marks gust_collector_success 0
 * for itself and never fails the scrape.
 *
 * Two kinds: `collect` runs on every scrape and must only read in-memory state (cheap, no
 * I/O); background samplers (host, processes) run on their own interval and report through
 * `record`.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.ts';

export interface Collector {
  readonly name: string;
  /** Refresh series from in-memory state. Called on every scrape. */
  collect(): void | Promise<void>;
}

const SCRAPE_COLLECT_DEADLINE_MS = 2_000;

export class CollectorSet {
  readonly #collectors = new Map<string, Collector>();
  readonly #duration: Gauge<'collector'>;
  readonly #success: Gauge<'collector'>;
  readonly #logger: Logger;
  readonly #failing = new Set<string>();

  constructor(registry: Registry, logger: Logger) {
    this.#logger = logger;
    this.#duration = new Gauge({
      name: 'gust_collector_duration_seconds',
      help: 'Duration of the last run of a collector.',
      labelNames: ['collector'],
      registers: [registry],
    });
    this.#success = new Gauge({
      name: 'gust_collector_success',
      help: 'Whether the last run of a collector succeeded (1) or failed (0).',
      labelNames: ['collector'],
      registers: [registry],
    });
  }

  add(collector: Collector): void {
    this.#collectors.set(collector.name, collector);
  }

  remove(name: string): void {
    this.#collectors.delete(name);
    this.#duration.remove({ collector: name });
    this.#success.remove({ collector: name });
  }

  /** Report the outcome of a background sampler (it runs on its own timer, not per scrape). */
  record(name: string, seconds: number, ok: boolean, err?: unknown): void {
    this.#duration.set({ collector: name }, seconds);
    this.#success.set({ collector: name }, ok ? 1 : 0);
    if (!ok && !this.#failing.has(name)) {
      this.#failing.add(name);
      this.#logger.warn({ collector: name, err: errorMessage(err) }, 'collector failed');
    } else if (ok && this.#failing.delete(name)) {
      this.#logger.info({ collector: name }, 'collector recovered');
    }
  }

  /** Run every per-scrape collector; never throws. */
  async collectAll(): Promise<void> {
    await Promise.all(
      [...this.#collectors.values()].map(async (c) => {
        const start = process.hrtime.bigint();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            c.collect(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('collector timed out')), SCRAPE_COLLECT_DEADLINE_MS);
            }),
          ]);
          this.record(c.name, Number(process.hrtime.bigint() - start) / 1e9, true);
        } catch (err) {
          this.record(c.name, Number(process.hrtime.bigint() - start) / 1e9, false, err);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }
}

/** Runs `sample` every `intervalMs` in the background and reports it as a collector. */
export class BackgroundSampler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly name: string,
    private readonly collectors: CollectorSet,
    private readonly intervalMs: number,
    private readonly sample: () => Promise<void>,
  ) {}

  /** Runs the first sample now; resolves when it finished (so /-/ready can wait for it). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #tick(): Promise<void> {
    const start = process.hrtime.bigint();
    this.#running = this.sample().then(
      () => this.collectors.record(this.name, Number(process.hrtime.bigint() - start) / 1e9, true),
      (err: unknown) => this.collectors.record(this.name, Number(process.hrtime.bigint() - start) / 1e9, false, err),
    );
    await this.#running;
    if (!this.#stopped) {
      this.#timer = setTimeout(() => void this.#tick(), this.intervalMs);
      this.#timer.unref();
    }
  }
}
