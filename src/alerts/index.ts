/**
 * The in-agent alert evaluator: every collection cycle (host.interval) it checks the alert
 * thresholds on the agent's own state, exposes gust_alert_active{alertname,severity[,server]}
 * and serves the active alerts at GET /api/v1/alerts.
 */
import { FastGauge } from '../metrics/fast.ts';
import type { AgentContext, Component } from '../agent/context.ts';
import { BackgroundSampler } from '../metrics/collector.ts';
import { AlertChecks } from './checks.ts';
import { AlertEvaluator } from './evaluator.ts';

export function createAlertEvaluator(ctx: AgentContext): Component {
  const gauge = new FastGauge({
    name: 'gust_alert_active',
    help: 'Alerts the agent evaluates on its own state (same thresholds as the shipped rules): 1 while firing.',
    labelNames: ['alertname', 'severity', 'server'] as const,
    registers: [ctx.registry],
  });
  const logger = ctx.logger.child({ component: 'alerts' });
  const evaluator = new AlertEvaluator(gauge, logger, ctx.config.alerts);
  const checks = new AlertChecks(ctx);
  let sampler: BackgroundSampler | undefined;
  const provider = () => evaluator.active();

  const startSampler = async () => {
    sampler = new BackgroundSampler('alerts', ctx.collectors, ctx.config.host.interval, async () => {
      evaluator.update(await checks.run());
    });
    await sampler.start();
  };

  return {
    name: 'alerts',
    async start() {
      if (!ctx.config.alerts.enabled) return;
      evaluator.configure(ctx.config.alerts);
      checks.start();
      ctx.providers.alerts = provider;
      await startSampler();
    },
    async stop() {
      await sampler?.stop();
      sampler = undefined;
      checks.stop();
      evaluator.clear();
      if (ctx.providers.alerts === provider) delete ctx.providers.alerts;
    },
    async reload(config) {
      if (!config.alerts.enabled || !sampler) {
        await this.stop();
        await this.start();
        return;
      }
      // Keep pending and firing alerts: only thresholds and the interval change.
      await sampler.stop();
      evaluator.configure(config.alerts);
      await startSampler();
    },
  };
}
