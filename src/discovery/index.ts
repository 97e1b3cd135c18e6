/**
 * The discovery component: runs a discovery pass at start and every `discovery.interval`,
 * hands the agent the servers found (validated, passwords read), keeps a server whose
 * process or container went away for `discovery.remove_after`, and reports runs, failures,
 * duration and what each source found as gust_discovery_* series.
 */
import { createHash } from 'node:crypto';
import { Counter, Gauge } from 'prom-client';
import type { AgentContext, Component } from '../agent/context.ts';
import type { ServerConfig } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import { materialize } from './materialize.ts';
import { runDiscovery } from './run.ts';
import { DISCOVERY_SOURCES, type DiscoverySource, type Found } from './types.ts';

export interface DiscoveredOrigin {
  source: DiscoverySource;
  from: string;
  problems: string[];
}

interface Known {
  found: Found;
  server: ServerConfig;
  signature: string;
  /** End of the first pass that did not find it: its process was gone by then. */
  missingSinceMs?: number;
}

export function createDiscovery(ctx: AgentContext, apply: (servers: ServerConfig[]) => Promise<void>): Component {
  const registers = [ctx.registry];
  const found = new Gauge({ name: 'gust_discovery_servers', help: 'Game servers the last discovery pass found, per source.', labelNames: ['source'], registers });
  const runs = new Counter({ name: 'gust_discovery_runs_total', help: 'Discovery passes run.', registers });
  const failures = new Counter({ name: 'gust_discovery_failures_total', help: 'Discovery sources that failed in a pass (unreadable /proc, Docker API errors, ...).', labelNames: ['source'], registers });
  const duration = new Gauge({ name: 'gust_discovery_duration_seconds', help: 'Duration of the last discovery pass.', registers });
  const unreadable = new Gauge({ name: 'gust_discovery_unreadable_files', help: 'Files the last discovery pass could not read (see the log and /api/v1/servers).', registers });
  for (const source of DISCOVERY_SOURCES) {
    found.set({ source }, 0);
    failures.inc({ source }, 0);
  }

  const known = new Map<string, Known>();
  // Each problem is logged once (not every pass); bounded, since messages may name pids.
  const reported = new Set<string>();
  const firstTime = (message: string) => {
    if (reported.has(message)) return false;
    if (reported.size >= 1000) reported.clear();
    reported.add(message);
    return true;
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let active: { interval: number } | undefined;
  let applied = '';

  const pass = async () => {
    const config = ctx.config.discovery;
    const started = process.hrtime.bigint();
    const result = await runDiscovery(config, new Map([...known.values()].map((k) => [k.found.key, k.server.id])));
    const now = Date.now();
    runs.inc();
    for (const f of result.failures) {
      failures.inc({ source: f.source });
      ctx.logger.warn({ source: f.source, err: f.error }, 'discovery source failed');
    }
    for (const source of DISCOVERY_SOURCES) found.set({ source }, result.found.filter((f) => f.source === source).length);
    let problems = 0;
    const seen = new Set<string>();
    for (const f of result.found) {
      const made = materialize(f);
      if ('error' in made) {
        if (firstTime(`${f.server.id}: ${made.error}`)) ctx.logger.warn({ server: f.server.id, from: f.from, err: made.error }, 'discovered server is not valid; left out');
        continue;
      }
      const all = [...f.problems, ...made.problems];
      problems += all.length;
      for (const problem of all) {
        if (firstTime(problem)) ctx.logger.warn({ server: f.server.id, problem }, 'discovery could not read a file; the server is added with what could be read');
      }
      const signature = createHash('sha256').update(JSON.stringify(f.server)).update(made.server.rcon?.password?.reveal() ?? '').digest('hex');
      const previous = known.get(f.server.id);
      // The same server keeps its config object: the agent's config holds it (see providers.discovered).
      const server = previous?.signature === signature ? previous.server : made.server;
      known.set(f.server.id, { found: { ...f, problems: all }, server, signature });
      seen.add(f.server.id);
    }
    unreadable.set(problems);
    for (const [id, k] of known) {
      if (seen.has(id)) continue;
      k.missingSinceMs ??= now;
      if (now - k.missingSinceMs < config.remove_after) continue;
      known.delete(id);
      ctx.logger.info({ server: id, from: k.found.from }, 'discovered server gone; removed');
    }
    duration.set(Number(process.hrtime.bigint() - started) / 1e9);
    await publish();
  };

  const publish = async () => {
    const signature = [...known.values()].map((k) => `${k.server.id}:${k.signature}`).sort().join(',');
    if (signature === applied) return;
    applied = signature;
    await apply([...known.values()].map((k) => k.server).sort((a, b) => a.id.localeCompare(b.id)));
  };

  const tick = async () => {
    running = pass().catch((err: unknown) => ctx.logger.error({ err: errorMessage(err) }, 'discovery pass failed'));
    await running;
    if (active) timer = setTimeout(() => void tick(), active.interval).unref();
  };

  ctx.providers.discovered = (id: string) => {
    const k = known.get(id);
    // Only while the agent runs the discovered server (a configured one may shadow it).
    if (!k || !ctx.config.servers.some((s) => s.id === id && s === k.server)) return undefined;
    return { source: k.found.source, from: k.found.from, problems: k.found.problems };
  };

  const stopTimer = async () => {
    active = undefined;
    clearTimeout(timer);
    await running;
  };

  return {
    name: 'discovery',
    async start() {
      if (!ctx.config.discovery.enabled) return;
      active = { interval: ctx.config.discovery.interval };
      await tick();
    },
    async stop() {
      await stopTimer();
    },
    async reload(config) {
      const next = config.discovery;
      if (next.enabled && active?.interval === next.interval) return;
      await stopTimer();
      if (!next.enabled) {
        known.clear();
        for (const source of DISCOVERY_SOURCES) found.set({ source }, 0);
        // Not awaited: the agent is applying a config right now and would wait on itself.
        void publish();
        return;
      }
      active = { interval: next.interval };
      void tick();
    },
  };
}
