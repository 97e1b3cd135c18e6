/**
 * Turns the conditions found in each cycle into alert state (seed 000
 * _check_performance_alerts): pending until the alert's `for:` has passed, then firing
 * (gust_alert_active 1); a condition that is gone clears the alert (series removed). A
 * repeat of the same alert within `dedup_window` of its last announcement is not logged again.
 */
import type { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import type { AlertsConfig } from '../config/schema.ts';
import type { Condition } from './checks.ts';
import { alertDefinitions, type AlertDefinition, type Severity } from './thresholds.ts';

export interface ActiveAlert {
  alertname: string;
  severity: Severity;
  server?: string;
  state: 'pending' | 'firing';
  value: number;
  summary: string;
  /** ISO time the condition became true. */
  activeAt: string;
  /** ISO time it started firing (after `for:`). */
  firingAt?: string;
}

interface Tracked {
  condition: Condition;
  sinceMs: number;
  firingSinceMs?: number;
}

type AlertLabels = 'alertname' | 'severity' | 'server';

const keyOf = (c: Condition) => `${c.alertname}\u0000${c.severity}\u0000${c.server ?? ''}`;
const labelsOf = (c: Condition) => ({ alertname: c.alertname, severity: c.severity, ...(c.server !== undefined ? { server: c.server } : {}) });

export class AlertEvaluator {
  readonly #gauge: Gauge<AlertLabels>;
  readonly #logger: Logger;
  readonly #tracked = new Map<string, Tracked>();
  readonly #lastAnnouncedMs = new Map<string, number>();
  #definitions = new Map<string, AlertDefinition>();
  #cfg!: AlertsConfig;

  constructor(gauge: Gauge<AlertLabels>, logger: Logger, cfg: AlertsConfig) {
    this.#gauge = gauge;
    this.#logger = logger;
    this.configure(cfg);
  }

  configure(cfg: AlertsConfig): void {
    this.#cfg = cfg;
    this.#definitions = new Map(alertDefinitions(cfg).map((d) => [`${d.alert}\u0000${d.severity}`, d]));
  }

  /** Apply one cycle's conditions. */
  update(conditions: Condition[], nowMs = Date.now()): void {
    const seen = new Set<string>();
    for (const condition of conditions) {
      const key = keyOf(condition);
      seen.add(key);
      const tracked = this.#tracked.get(key) ?? { condition, sinceMs: nowMs };
      tracked.condition = condition;
      this.#tracked.set(key, tracked);
      const forMs = this.#definitions.get(`${condition.alertname}\u0000${condition.severity}`)?.forMs ?? 0;
      if (tracked.firingSinceMs === undefined && nowMs - tracked.sinceMs >= forMs) {
        tracked.firingSinceMs = nowMs;
        this.#announce(key, condition, nowMs);
      }
      if (tracked.firingSinceMs !== undefined) this.#gauge.set(labelsOf(condition), 1);
    }
    for (const [key, tracked] of this.#tracked) {
      if (seen.has(key)) continue;
      this.#tracked.delete(key);
      if (tracked.firingSinceMs === undefined) continue;
      this.#gauge.remove(labelsOf(tracked.condition));
      this.#logger.info({ ...labelsOf(tracked.condition) }, 'alert resolved');
    }
    for (const [key, at] of this.#lastAnnouncedMs) if (nowMs - at >= this.#cfg.dedup_window && !this.#tracked.has(key)) this.#lastAnnouncedMs.delete(key);
  }

  #announce(key: string, condition: Condition, nowMs: number): void {
    const last = this.#lastAnnouncedMs.get(key);
    if (last !== undefined && nowMs - last < this.#cfg.dedup_window) {
      this.#logger.debug({ ...labelsOf(condition) }, 'alert firing again within the dedup window; not announced');
      return;
    }
    this.#lastAnnouncedMs.set(key, nowMs);
    const level = condition.severity === 'critical' ? 'error' : condition.severity === 'warning' ? 'warn' : 'info';
    this.#logger[level]({ ...labelsOf(condition), value: condition.value }, 'alert firing');
  }

  active(): ActiveAlert[] {
    return [...this.#tracked.values()]
      .map(({ condition, sinceMs, firingSinceMs }) => {
        const def = this.#definitions.get(`${condition.alertname}\u0000${condition.severity}`);
        const summary = (def?.summary ?? condition.alertname)
          .replaceAll('{{ $labels.server }}', condition.server ?? '')
          .replace(/\s*\{\{[^}]*\}\}/g, '')
          .trim();
        return {
          ...labelsOf(condition),
          state: firingSinceMs === undefined ? ('pending' as const) : ('firing' as const),
          value: condition.value,
          summary,
          activeAt: new Date(sinceMs).toISOString(),
          ...(firingSinceMs !== undefined ? { firingAt: new Date(firingSinceMs).toISOString() } : {}),
        };
      })
      .sort((a, b) => a.alertname.localeCompare(b.alertname) || a.severity.localeCompare(b.severity) || (a.server ?? '').localeCompare(b.server ?? ''));
  }

  clear(): void {
    this.#gauge.reset();
    this.#tracked.clear();
  }
}
