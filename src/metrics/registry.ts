import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { REVISION, VERSION } from '../version.ts';
import { registerLoopDelayMetrics } from './event-loop.ts';

/** A fresh registry per agent (tests run several agents in one process). */
export function createRegistry(): Registry {
  const registry = new Registry();
  // prom-client cannot leave its event-loop monitor out: at a 1 s resolution it wakes the process
  // once a second, and its gauges are replaced by event-loop.ts's (why: see there).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });
  for (const name of registry.getMetricsAsArray().map((m) => m.name)) {
    if (name.startsWith('nodejs_eventloop_lag_')) registry.removeSingleMetric(name);
  }
  registerLoopDelayMetrics(registry);
  // Gauges named *_total break Prometheus naming rules (promtool warns); the per-type
  // nodejs_active_{handles,requests,resources} gauges carry the same information.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
  new Gauge({
    name: 'gust_build_info',
    help: 'Build information; value is always 1.',
    labelNames: ['version', 'revision', 'nodejs_version'],
    registers: [registry],
  }).set({ version: VERSION, revision: REVISION, nodejs_version: process.version }, 1);
  return registry;
}
