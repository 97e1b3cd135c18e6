/**
 * The Alertmanager inhibit rules the project ships or recommends, in a real Alertmanager: the
 * critical alert silences the warning of the same name on the same target (README), and
 * deploy/alertmanager.yml does that and lets GustAgentDown silence the rest of its instance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../support/agent.ts';
import { startAlertmanager, type Service } from '../support/prometheus.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface AmAlert { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }

const alert = (labels: Record<string, string>) => ({ labels: { job: 'gust', instance: 'host-a:9720', ...labels }, startsAt: new Date().toISOString() });

async function post(am: Service, alerts: unknown[]): Promise<void> {
  const res = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  assert.equal(res.status, 200, await res.text());
}

/** The state of each posted alert, keyed by alertname/severity/server/instance, once Alertmanager has decided on all of them. */
async function states(am: Service, count: number): Promise<Record<string, string>> {
  return eventually(async () => {
    const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as AmAlert[];
    // Inhibition is computed on read; a freshly posted alert can show "unprocessed" first.
    if (alerts.length !== count || alerts.some((a) => a.status.state === 'unprocessed')) return undefined;
    return Object.fromEntries(alerts.map((a) => [`${a.labels.alertname}/${a.labels.severity}/${a.labels.server ?? '-'}/${a.labels.instance}`, a.status.state]));
  }, 15_000, `${count} processed alerts`);
}

const LATENCY = [
  alert({ alertname: 'GustCommandLatencyHigh', severity: 'critical', server: 'eu-main' }),
  alert({ alertname: 'GustCommandLatencyHigh', severity: 'warning', server: 'eu-main' }),
  // Same alert name, another server: nothing silences it.
  alert({ alertname: 'GustCommandLatencyHigh', severity: 'warning', server: 'survival' }),
  // Another alert name on the same server: not silenced by the latency critical.
  alert({ alertname: 'GustCommandErrorsHigh', severity: 'warning', server: 'eu-main' }),
];

test('README inhibit rule: a critical alert suppresses only its own warning (same name, job, instance, server)', async () => {
  const am = await startAlertmanager();
  try {
    await post(am, LATENCY);
    assert.deepEqual(await states(am, 4), {
      'GustCommandLatencyHigh/critical/eu-main/host-a:9720': 'active',
      'GustCommandLatencyHigh/warning/eu-main/host-a:9720': 'suppressed',
      'GustCommandLatencyHigh/warning/survival/host-a:9720': 'active',
      'GustCommandErrorsHigh/warning/eu-main/host-a:9720': 'active',
    });
  } finally {
    await am.stop();
  }
});

test('deploy/alertmanager.yml: the same, and GustAgentDown silences everything else from its instance', async () => {
  const am = await startAlertmanager({ config: readFileSync(path.join(ROOT, 'deploy/alertmanager.yml'), 'utf8') });
  try {
    await post(am, [
      ...LATENCY,
      alert({ alertname: 'GustAgentDown', severity: 'critical', instance: 'host-b:9720' }),
      alert({ alertname: 'GustServerDown', severity: 'critical', server: 'x', instance: 'host-b:9720' }),
    ]);
    assert.deepEqual(await states(am, 6), {
      'GustCommandLatencyHigh/critical/eu-main/host-a:9720': 'active',
      'GustCommandLatencyHigh/warning/eu-main/host-a:9720': 'suppressed',
      'GustCommandLatencyHigh/warning/survival/host-a:9720': 'active',
      'GustCommandErrorsHigh/warning/eu-main/host-a:9720': 'active',
      'GustAgentDown/critical/-/host-b:9720': 'active',
      'GustServerDown/critical/x/host-b:9720': 'suppressed',
    });
  } finally {
    await am.stop();
  }
});
