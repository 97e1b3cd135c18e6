/**
 * The conditions of CATALOGUE H checked on the agent's own state, with the thresholds of the
 * `alerts:` config (the same values `gust-agent rules` renders). Rates use 5-minute counter
 * windows like the Prometheus rules. GustAgentDown cannot be judged from inside the agent.
 */
import type { Registry, MetricValue } from 'prom-client';
import type { AgentContext } from '../agent/context.ts';
import type { AlertsConfig } from '../config/schema.ts';
import { openLoopDelayReader, type LoopDelayReader } from '../metrics/event-loop.ts';
import { FastCounter, FastGauge } from '../metrics/fast.ts';
import type { Severity } from './thresholds.ts';
import { CounterWindow, histogramQuantile } from './window.ts';

export interface Condition {
  alertname: string;
  severity: Severity;
  server?: string;
  value: number;
}

const SEP = '\u0000';

async function read(registry: Registry, name: string): Promise<MetricValue<string>[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  // Their series as they are: get() copied ~100k series at 2,000 servers on every evaluation.
  if (metric instanceof FastCounter || metric instanceof FastGauge) return [...(await metric.collectedEntries())] as MetricValue<string>[];
  return (await metric.get()).values;
}

/** Sum of the samples by the given labels (key: label values joined by NUL). */
function sumBy(values: MetricValue<string>[], labels: string[], keep: (v: MetricValue<string>) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) {
    if (!keep(v)) continue;
    const key = labels.length === 1 ? String(v.labels[labels[0]!] ?? '') : labels.map((l) => String(v.labels[l] ?? '')).join(SEP);
    out.set(key, (out.get(key) ?? 0) + v.value);
  }
  return out;
}

const isBucket = (name: string) => (v: MetricValue<string>) => (v as { metricName?: string }).metricName === `${name}_bucket`;

/** p95 per group from bucket increases (keys are group + NUL + le). */
function p95ByGroup(increases: Map<string, number>): Map<string, number> {
  const groups = new Map<string, Map<number, number>>();
  for (const [key, count] of increases) {
    const cut = key.lastIndexOf(SEP);
    const group = key.slice(0, cut);
    const le = key.slice(cut + 1);
    const buckets = groups.get(group) ?? new Map<number, number>();
    buckets.set(le === '+Inf' ? Infinity : Number(le), count);
    groups.set(group, buckets);
  }
  const out = new Map<string, number>();
  for (const [group, buckets] of groups) {
    const q = histogramQuantile(0.95, buckets);
    if (q !== undefined) out.set(group, q);
  }
  return out;
}

export class AlertChecks {
  readonly #ctx: AgentContext;
  readonly #window5m = new Map<string, CounterWindow>();
  readonly #restarts = new CounterWindow(15 * 60_000);
  #loopDelay: LoopDelayReader | undefined;
  #lastCpu = process.cpuUsage();
  #lastCpuAt = performance.now();

  constructor(ctx: AgentContext) {
    this.#ctx = ctx;
  }

  start(): void {
    this.#loopDelay ??= openLoopDelayReader();
  }

  stop(): void {
    this.#loopDelay?.close();
    this.#loopDelay = undefined;
  }

  #window(name: string, nowMs: number, values: Map<string, number>): CounterWindow {
    let w = this.#window5m.get(name);
    if (!w) {
      w = new CounterWindow(5 * 60_000);
      this.#window5m.set(name, w);
    }
    w.push(nowMs, values);
    return w;
  }

  async run(nowMs = Date.now()): Promise<Condition[]> {
    const cfg = this.#ctx.config.alerts;
    const out: Condition[] = [];
    const levels = (alertname: string, value: number, t: { warning: number; critical: number }, server?: string) => {
      if (value > t.warning) out.push({ alertname, severity: 'warning', value, ...(server !== undefined ? { server } : {}) });
      if (value > t.critical) out.push({ alertname, severity: 'critical', value, ...(server !== undefined ? { server } : {}) });
    };
    this.#servers(cfg, nowMs, out);
    await this.#commands(cfg, nowMs, out, levels);
    await this.#cacheAndHttp(cfg, nowMs, out, levels);
    await this.#agent(cfg, out, levels);
    return out;
  }

  #servers(cfg: AlertsConfig, nowMs: number, out: Condition[]): void {
    const { state } = this.#ctx;
    const staleMs = Math.max(cfg.player_count_stale_after, 2 * this.#ctx.config.auto_commands.interval);
    for (const server of state.list()) {
      // In a sharded group another member watches (and alerts on) the servers this one does not export.
      if (server.maintenance || (this.#ctx.cluster && !this.#ctx.cluster.exports(server.id))) continue;
      const id = server.id;
      if (!state.isUp(id)) out.push({ alertname: 'GustServerDown', severity: 'critical', server: id, value: 0 });
      const sources = Object.values(server.sources).filter((s) => s.configured);
      if (sources.length > 0) {
        const last = Math.max(0, ...sources.map((s) => s.lastSuccessMs ?? 0));
        const ageSeconds = (nowMs - last) / 1000;
        if (ageSeconds * 1000 > cfg.player_count_stale_after) out.push({ alertname: 'GustPlayerCountStale', severity: 'warning', server: id, value: ageSeconds });
      }
      const online = state.fresh(id, 'playersOnline', staleMs, nowMs)?.value;
      const max = state.fresh(id, 'playersMax', staleMs, nowMs)?.value;
      if (online !== undefined && max !== undefined && max > 0 && online / max >= cfg.server_nearly_full_ratio) {
        out.push({ alertname: 'GustServerNearlyFull', severity: 'info', server: id, value: online / max });
      }
    }
  }

  async #commands(cfg: AlertsConfig, nowMs: number, out: Condition[], levels: (a: string, v: number, t: { warning: number; critical: number }, s?: string) => void): Promise<void> {
    const { registry } = this.#ctx;
    const restarts = sumBy(await read(registry, 'gust_server_restarts_total'), ['server']);
    this.#restarts.push(nowMs, restarts);
    for (const [server, inc] of this.#restarts.increases()) if (inc > 0) out.push({ alertname: 'GustServerRestarted', severity: 'info', server, value: inc });

    const total = this.#window('commands', nowMs, sumBy(await read(registry, 'gust_commands_total'), ['server'])).increases();
    const failed = this.#window('failures', nowMs, sumBy(await read(registry, 'gust_command_failures_total'), ['server'])).increases();
    for (const [server, n] of total) if (n > 0) levels('GustCommandErrorRateHigh', (failed.get(server) ?? 0) / n, cfg.command_error_ratio, server);

    const durations = await read(registry, 'gust_command_duration_seconds');
    const buckets = this.#window('command_buckets', nowMs, sumBy(durations, ['server', 'command', 'le'], isBucket('gust_command_duration_seconds'))).increases();
    // One alert per server (the in-agent gauge has no command label): the slowest command counts.
    const worst = new Map<string, number>();
    for (const [group, p95] of p95ByGroup(buckets)) {
      const server = group.split(SEP)[0]!;
      worst.set(server, Math.max(worst.get(server) ?? 0, p95));
    }
    for (const [server, p95] of worst) levels('GustCommandLatencyHigh', p95, cfg.command_latency_seconds, server);

    const rconWindow = this.#window('rcon_failures', nowMs, sumBy(await read(registry, 'gust_rcon_connection_failures_total'), ['server']));
    const span = rconWindow.spanSeconds();
    for (const [server, inc] of rconWindow.increases()) {
      if (inc > cfg.rcon_connection_failures.warning) out.push({ alertname: 'GustRconConnectionFailures', severity: 'warning', server, value: inc });
      if (span > 0 && inc / span > cfg.rcon_connection_failures.critical) out.push({ alertname: 'GustRconConnectionFailures', severity: 'critical', server, value: inc / span });
    }

    const queue = (await read(registry, 'gust_command_queue_length'))[0]?.value ?? 0;
    if (queue > cfg.command_queue_length) out.push({ alertname: 'GustCommandQueueBacklog', severity: 'warning', value: queue });
    for (const v of await read(registry, 'gust_log_lag_bytes')) {
      if (v.value > cfg.log_lag_bytes) out.push({ alertname: 'GustLogLagging', severity: 'warning', server: String(v.labels.server ?? ''), value: v.value });
    }
  }

  async #cacheAndHttp(cfg: AlertsConfig, nowMs: number, out: Condition[], levels: (a: string, v: number, t: { warning: number; critical: number }, s?: string) => void): Promise<void> {
    const { registry } = this.#ctx;
    const hits = this.#window('cache_hits', nowMs, sumBy(await read(registry, 'gust_cache_hits_total'), ['cache'])).increases();
    const misses = this.#window('cache_misses', nowMs, sumBy(await read(registry, 'gust_cache_misses_total'), ['cache'])).increases();
    const worstHitRatio = Math.min(
      Infinity,
      ...[...new Set([...hits.keys(), ...misses.keys()])].flatMap((cache) => {
        const lookups = (hits.get(cache) ?? 0) + (misses.get(cache) ?? 0);
        return lookups > 0 ? [(hits.get(cache) ?? 0) / lookups] : [];
      }),
    );
    if (worstHitRatio < cfg.cache_hit_ratio_min) out.push({ alertname: 'GustCacheHitRateLow', severity: 'warning', value: worstHitRatio });

    const cacheOps = await read(registry, 'gust_cache_operation_duration_seconds');
    const redisBuckets = this.#window('redis_buckets', nowMs, sumBy(cacheOps, ['le'], (v) => isBucket('gust_cache_operation_duration_seconds')(v) && v.labels.layer === 'redis')).increases();
    const redisP95 = histogramQuantile(0.95, new Map([...redisBuckets].map(([le, n]) => [le === '+Inf' ? Infinity : Number(le), n])));
    if (redisP95 !== undefined && redisP95 > cfg.cache_backend_latency_seconds) out.push({ alertname: 'GustCacheBackendSlow', severity: 'warning', value: redisP95 });
    if (this.#ctx.config.cache.redis && (await read(registry, 'gust_redis_up'))[0]?.value === 0) out.push({ alertname: 'GustRedisDown', severity: 'warning', value: 0 });

    const requests = await read(registry, 'gust_http_requests_total');
    const all = this.#window('http_requests', nowMs, sumBy(requests, [])).increases().get('') ?? 0;
    const errors = this.#window('http_errors', nowMs, sumBy(requests, [], (v) => String(v.labels.status_code ?? '').startsWith('5'))).increases().get('') ?? 0;
    if (all > 0) levels('GustHttpErrorRateHigh', errors / all, cfg.http_error_ratio);
    const httpBuckets = this.#window('http_buckets', nowMs, sumBy(await read(registry, 'gust_http_request_duration_seconds'), ['le'], isBucket('gust_http_request_duration_seconds'))).increases();
    const httpP95 = histogramQuantile(0.95, new Map([...httpBuckets].map(([le, n]) => [le === '+Inf' ? Infinity : Number(le), n])));
    if (httpP95 !== undefined) levels('GustHttpLatencyHigh', httpP95, cfg.http_latency_seconds);
  }

  async #agent(cfg: AlertsConfig, out: Condition[], levels: (a: string, v: number, t: { warning: number; critical: number }, s?: string) => void): Promise<void> {
    const { registry } = this.#ctx;
    const cpu = process.cpuUsage();
    const now = performance.now();
    const cores = (cpu.user + cpu.system - this.#lastCpu.user - this.#lastCpu.system) / 1000 / Math.max(1, now - this.#lastCpuAt);
    this.#lastCpu = cpu;
    this.#lastCpuAt = now;
    if (cores > cfg.agent_cpu_ratio) out.push({ alertname: 'GustAgentHighCpu', severity: 'warning', value: cores });
    levels('GustAgentHighMemory', process.memoryUsage.rss(), cfg.agent_memory_bytes);
    const lagP99 = this.#loopDelay?.take().p99 ?? 0;
    if (lagP99 > cfg.event_loop_lag_seconds) out.push({ alertname: 'GustEventLoopLagHigh', severity: 'warning', value: lagP99 });

    const slowest = Math.max(0, ...(await read(registry, 'gust_collector_duration_seconds')).map((v) => v.value));
    if (slowest > cfg.slow_collector_seconds) out.push({ alertname: 'GustSlowCollector', severity: 'warning', value: slowest });
    if ((await read(registry, 'gust_config_last_reload_successful'))[0]?.value === 0) out.push({ alertname: 'GustConfigReloadFailed', severity: 'warning', value: 0 });

    const members = (await read(registry, 'gust_cluster_members'))[0]?.value;
    const expected = (await read(registry, 'gust_cluster_members_expected'))[0]?.value ?? 0;
    if (members !== undefined && members < expected) out.push({ alertname: 'GustClusterMembersMissing', severity: 'warning', value: members });
    for (const v of await read(registry, 'gust_cluster_result_age_seconds')) {
      if (v.value * 1000 > cfg.cluster_result_stale_after) out.push({ alertname: 'GustClusterServerUnpolled', severity: 'warning', server: String(v.labels.server ?? ''), value: v.value });
    }

    const hostCpu = (await read(registry, 'gust_host_cpu_usage_ratio'))[0]?.value;
    if (hostCpu !== undefined) {
      if (hostCpu > cfg.host_cpu.warning) out.push({ alertname: 'GustHostHighCpu', severity: 'warning', value: hostCpu });
      if (hostCpu >= cfg.host_cpu.critical) out.push({ alertname: 'GustHostHighCpu', severity: 'critical', value: hostCpu });
    }
    const used = (await read(registry, 'gust_host_memory_used_bytes'))[0]?.value;
    const total = (await read(registry, 'gust_host_memory_total_bytes'))[0]?.value;
    if (used !== undefined && total) levels('GustHostHighMemory', used / total, cfg.host_memory);
  }
}
