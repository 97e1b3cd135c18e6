/**
 * The composition root: builds every part from the config, starts and stops them in order,
 * and applies reloads (SIGHUP, POST /-/reload, a change of the config file) without losing
 * state. An invalid new config never replaces the running one.
 */
import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { watch, type FSWatcher } from 'chokidar';
import type { AgentContext, Component } from './agent/context.ts';
import { loadConfigFile } from './config/load.ts';
import { loadConfigFileOffThread } from './config/load-off-thread.ts';
import type { Config } from './config/schema.ts';
import { errorMessage, GustError } from './errors.ts';
import { createRegistry } from './metrics/registry.ts';
import { CollectorSet } from './metrics/collector.ts';
import { createGameCounters, createGameStateCollector, initGameCounters, removeGameCounters } from './metrics/game.ts';
import { ServerStateStore } from './state/servers.ts';
import { createCache } from './cache/index.ts';
import { ExtractionEngine } from './extract/engine.ts';
import { createHostCollector } from './sources/host/system.ts';
import { createProcessCollector } from './sources/host/processes.ts';
import { createLogSource } from './sources/logs/index.ts';
import { createCommandSource } from './sources/commands/index.ts';
import { createQuerySource } from './sources/query/index.ts';
import { createAlertEvaluator } from './alerts/index.ts';
import { createDiscovery } from './discovery/index.ts';
import { withDiscovered } from './discovery/materialize.ts';
import type { ServerConfig } from './config/schema.ts';
import { createHttpServer } from './http/server.ts';
import { collectAndRender } from './http/exposition.ts';
import { createCluster, type Cluster } from './cluster/index.ts';

export interface AgentOptions {
  config: Config;
  /** The file the config came from; reloads re-read it. Omitted: reload re-applies the same config. */
  configPath?: string;
  logger: Logger;
  /** Watch the config file and reload when it changes (default true when configPath is set). */
  watchConfig?: boolean;
}

export class Agent {
  readonly ctx: AgentContext;
  readonly registry: Registry;
  readonly #options: AgentOptions;
  readonly #components: Component[];
  /** Started before and stopped after the sources: they ask it which servers to poll. */
  readonly #cluster: Cluster | undefined;
  readonly #discovery: Component;
  /** The config as loaded from the file; ctx.config is it plus the discovered servers. */
  #fileConfig: Config;
  #discovered: ServerConfig[] = [];
  #componentsStarted = false;
  readonly #reloadSuccess: Gauge;
  readonly #reloadTimestamp: Gauge;
  readonly #serversConfigured: Gauge;
  #http: FastifyInstance | undefined;
  #watcher: FSWatcher | undefined;
  #ready = false;
  #reloading: Promise<{ ok: true } | { ok: false; error: string }> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: AgentOptions) {
    this.#options = options;
    const { config, logger } = options;
    this.#fileConfig = config;
    const registry = createRegistry();
    this.registry = registry;
    const collectors = new CollectorSet(registry, logger);
    const state = new ServerStateStore();
    state.configure(config.servers);
    const counters = createGameCounters(registry);
    const ctx = {
      logger,
      registry,
      collectors,
      state,
      counters,
      providers: {},
      cache: createCache(config, registry, logger.child({ component: 'cache' })),
      config,
    } as Omit<AgentContext, 'extraction'> as AgentContext;
    (ctx as { extraction: AgentContext['extraction'] }).extraction = new ExtractionEngine(ctx);
    this.#cluster = createCluster(ctx, () => this.address.port);
    (ctx as { cluster?: AgentContext['cluster'] }).cluster = this.#cluster?.view;
    this.ctx = ctx;

    for (const server of config.servers) initGameCounters(counters, server);
    state.on('restart', (server) => counters.restarts.inc({ server }));
    collectors.add(
      createGameStateCollector(registry, state, {
        staleAfterMs: () => Math.max(this.ctx.config.alerts.player_count_stale_after, 2 * this.ctx.config.auto_commands.interval),
        ...(ctx.cluster ? { exports: (server: string) => ctx.cluster!.exports(server) } : {}),
      }),
    );

    const registers = [registry];
    this.#reloadSuccess = new Gauge({ name: 'gust_config_last_reload_successful', help: 'Whether the last configuration reload attempt succeeded.', registers });
    this.#reloadTimestamp = new Gauge({ name: 'gust_config_last_reload_success_timestamp_seconds', help: 'Unix time of the last successful configuration load.', registers });
    this.#serversConfigured = new Gauge({ name: 'gust_servers_configured', help: 'Game servers in the configuration.', registers });
    this.#reloadSuccess.set(1);
    this.#reloadTimestamp.set(Date.now() / 1000);
    this.#serversConfigured.set(config.servers.length);

    // Start order matters for stop (reverse): sources feed state that alerts read.
    this.#discovery = createDiscovery(ctx, (servers) => this.#setDiscovered(servers));
    this.#components = [
      this.#discovery,
      createHostCollector(ctx),
      createProcessCollector(ctx),
      createLogSource(ctx),
      createCommandSource(ctx),
      createQuerySource(ctx),
      createAlertEvaluator(ctx),
    ];
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** The bound HTTP address (useful with port 0). */
  get address(): { host: string; port: number } {
    const addr = this.#http?.server.address();
    if (!addr || typeof addr === 'string') throw new Error('agent is not listening');
    return { host: addr.address, port: addr.port };
  }

  get url(): string {
    const { host, port } = this.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  async start(): Promise<void> {
    const { config, logger } = this.#options;
    await this.#ensureStateDir(config.state_dir);
    await this.ctx.cache.start();
    this.#http = await createHttpServer(
      { ctx: this.ctx, isReady: () => this.#ready, reload: () => this.reload() },
      logger,
    );
    await this.#http.listen({ host: config.listen.host, port: config.listen.port });
    logger.info({ url: this.url, servers: config.servers.length }, 'gust-agent listening');
    if (this.#options.configPath && this.#options.watchConfig !== false) await this.#watchConfig(this.#options.configPath);
    // Discovery first: the other components then start with the servers it found.
    await this.#discovery.start().catch((err: unknown) => logger.error({ component: 'discovery', err: errorMessage(err) }, 'component failed to start'));
    this.#componentsStarted = true;
    await this.#cluster?.start();
    // Readiness: every component finished its first cycle (or failed it: failures are in metrics).
    const others = this.#components.filter((c) => c !== this.#discovery);
    const results = await Promise.allSettled(others.map((c) => c.start()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') logger.error({ component: others[i]!.name, err: errorMessage(r.reason) }, 'component failed to start');
    });
    // One scrape's work before ready: the first scrape of a process renders every series with
    // cold code and took ~100 ms at 200 servers (the soak's slow scrapes after a restart).
    await collectAndRender(this.ctx.collectors, this.ctx.registry);
    this.#ready = true;
  }

  /** Re-read the config file and apply it; the running config stays when the new one is invalid. */
  reload(): Promise<{ ok: true } | { ok: false; error: string }> {
    return this.#serialised(() => this.#reloadOnce());
  }

  /** A file-change event, a SIGHUP and a discovery change arriving together apply once each, in order. */
  #serialised(fn: () => Promise<{ ok: true } | { ok: false; error: string }>): Promise<{ ok: true } | { ok: false; error: string }> {
    const previous = this.#reloading ?? Promise.resolve({ ok: true as const });
    const next = previous.then(fn);
    this.#reloading = next;
    return next;
  }

  /** Discovered servers join the configured ones like a config reload that keeps the file's servers. */
  async #setDiscovered(servers: ServerConfig[]): Promise<void> {
    if (!this.#componentsStarted) {
      this.#discovered = servers;
      this.#applyServers(withDiscovered(this.#fileConfig, servers), this.ctx.config);
      return;
    }
    await this.#serialised(async () => {
      this.#discovered = servers;
      await this.#apply(withDiscovered(this.#fileConfig, servers));
      this.#options.logger.info({ servers: this.ctx.config.servers.length, discovered: servers.map((s) => s.id) }, 'discovered servers applied');
      return { ok: true };
    });
  }

  async #reloadOnce(): Promise<{ ok: true } | { ok: false; error: string }> {
    const { logger, configPath } = this.#options;
    let config: Config;
    try {
      config = configPath ? await this.#loadForReload(configPath) : this.#fileConfig;
    } catch (err) {
      this.#reloadSuccess.set(0);
      logger.error({ err: errorMessage(err) }, 'config reload failed; keeping the running config');
      return { ok: false, error: errorMessage(err) };
    }
    this.#fileConfig = config;
    await this.#apply(withDiscovered(config, this.#discovered));
    this.#reloadSuccess.set(1);
    this.#reloadTimestamp.set(Date.now() / 1000);
    logger.info({ servers: config.servers.length }, 'config reloaded');
    return { ok: true };
  }

  /** Off the event loop (scrapes keep their budget), on it when no worker thread can run. */
  async #loadForReload(file: string): Promise<Config> {
    try {
      return (await loadConfigFileOffThread(file)).config;
    } catch (err) {
      if (!(err instanceof GustError && err.code === 'GUST_CONFIG_WORKER')) throw err;
      this.#options.logger.warn({ err: err.message }, 'config reload parses on the main thread');
      return (await loadConfigFile(file)).config;
    }
  }

  /** Servers in state, counters and the extraction engine follow the config (the engine drops lines of servers it was never told about). */
  #applyServers(config: Config, old: Config): void {
    this.ctx.config = config;
    const oldIds = new Set(old.servers.map((s) => s.id));
    const newIds = new Set(config.servers.map((s) => s.id));
    for (const id of oldIds) if (!newIds.has(id)) removeGameCounters(this.ctx.counters, id);
    const running = new Map(old.servers.map((s) => [s.id, s]));
    for (const server of config.servers) initGameCounters(this.ctx.counters, server, running.get(server.id));
    this.ctx.state.configure(config.servers);
    this.ctx.extraction.reload(old);
  }

  async #apply(config: Config): Promise<void> {
    const { logger } = this.#options;
    const old = this.ctx.config;
    this.#applyServers(config, old);
    this.#serversConfigured.set(this.#fileConfig.servers.length);
    if (config.log.level !== old.log.level) logger.level = config.log.level;
    for (const component of [...(this.#cluster ? [this.#cluster] : []), ...this.#components]) {
      try {
        await component.reload?.(config);
      } catch (err) {
        logger.error({ component: component.name, err: errorMessage(err) }, 'component reload failed');
      }
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const { logger } = this.#options;
    this.#ready = false;
    await this.#watcher?.close();
    // Sources first (they flush checkpoints), then the cache, then the HTTP server.
    for (const component of [...this.#components].reverse()) {
      try {
        await component.stop();
      } catch (err) {
        logger.error({ component: component.name, err: errorMessage(err) }, 'component failed to stop cleanly');
      }
    }
    await this.#cluster?.stop().catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'cluster failed to stop cleanly'));
    await this.ctx.cache.stop();
    await this.#http?.close();
    logger.info('gust-agent stopped');
  }

  /** Resolves once the watcher is armed, so a change right after start() is not missed. */
  async #watchConfig(file: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    // Editors save by rename or in several writes: debounce to one reload per save.
    const watcher = watch(file, { ignoreInitial: true });
    this.#watcher = watcher;
    watcher.on('all', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload(), 250);
    });
    watcher.on('error', (err) => this.#options.logger.warn({ err: errorMessage(err) }, 'config watcher error'));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  }

  async #ensureStateDir(dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      // Not fatal: tailing still works, offsets just do not survive a restart.
      this.#options.logger.error({ state_dir: dir, err: errorMessage(err) }, 'cannot create state_dir; positions will not be persisted');
    }
  }
}
