/**
 * The shipped rule files: they are exactly `gust-agent rules` output with the default config,
 * `promtool check rules` accepts them, and `promtool test rules` proves every alert fires and
 * stays silent where it should, and every recording rule computes what it claims.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import { renderRuleFiles } from '../../src/alerts/render-rules.ts';
import { alertDefinitions, recordingRules, runbookAnchor } from '../../src/alerts/thresholds.ts';
import { tempDir } from '../support/agent.ts';
import { GROUPS } from './cases.ts';
import { expandTemplate } from './humanize.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const RULE_FILES = ['alerts/gust-alerts.yml', 'rules/gust-recording.yml'].map((f) => path.join(ROOT, f));
const defaults = parseConfig('{}', 'defaults.yaml').alerts;

test('committed alerts/ and rules/ are exactly the rendering of the default config', () => {
  for (const file of renderRuleFiles(defaults)) {
    assert.equal(readFileSync(path.join(ROOT, file.path), 'utf8'), file.text, `${file.path} is stale: run npm run rules -- --out .`);
  }
  assert.deepEqual(readdirSync(path.join(ROOT, 'alerts')), ['gust-alerts.yml']);
  assert.deepEqual(readdirSync(path.join(ROOT, 'rules')), ['gust-recording.yml']);
});

test('gust-agent rules --config --out renders thresholds from the config', async () => {
  const dir = tempDir('gust-rules-');
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, 'alerts:\n  server_down_for: 30s\n  host_cpu: { warning: 0.7 }\n');
  // A child process: muting this process's stdout instead would swallow the test reporter's
  // own output meanwhile (and a TAP consumer such as Stryker then sees a test missing).
  await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), 'rules', '--config', configPath, '--out', dir], { env: { ...process.env, GUST_MAIN: '1' } });
  const text = readFileSync(path.join(dir, 'alerts/gust-alerts.yml'), 'utf8');
  assert.match(text, /alert: GustServerDown\n\s+expr: .*\n\s+for: 30s/);
  assert.match(text, /gust_host_cpu_usage_ratio > 0\.7\n/);
  assert.match(text, /gust_host_cpu_usage_ratio >= 0\.9\n/);
  await run('promtool', ['check', 'rules', path.join(dir, 'alerts/gust-alerts.yml'), path.join(dir, 'rules/gust-recording.yml')]);
});

test('every alert has summary, description, runbook_url and a CATALOGUE severity', () => {
  const runbooks = readFileSync(path.join(ROOT, 'docs/runbooks.md'), 'utf8');
  for (const a of alertDefinitions(defaults)) {
    assert.match(a.alert, /^Gust[A-Z][A-Za-z]+$/);
    assert.ok(['critical', 'warning', 'info'].includes(a.severity));
    assert.ok(a.summary && a.description);
    assert.ok(runbooks.includes(`\n## ${a.alert}\n`), `docs/runbooks.md has no section "## ${a.alert}" (anchor #${runbookAnchor(a.alert)})`);
  }
  for (const r of recordingRules()) assert.match(r.record, /^gust:[a-z0-9_]+:[a-z0-9_]+$/);
});

test('promtool check rules accepts the shipped files', async () => {
  const { stdout } = await run('promtool', ['check', 'rules', ...RULE_FILES]);
  assert.match(stdout, /SUCCESS/);
});

function promtoolTests() {
  const defs = alertDefinitions(defaults);
  return {
    rule_files: RULE_FILES,
    evaluation_interval: '1m',
    tests: GROUPS.map((group) => ({
      name: group.name,
      interval: '1m',
      input_series: group.series,
      alert_rule_test: (group.alerts ?? []).map((check) => ({
        eval_time: check.at,
        alertname: check.alert,
        exp_alerts: check.fires.map(({ labels, value }) => {
          const def = defs.find((d) => d.alert === check.alert && d.severity === labels.severity);
          assert.ok(def, `no ${check.alert} with severity ${labels.severity}`);
          return {
            exp_labels: labels,
            exp_annotations: {
              summary: expandTemplate(def.summary, labels, value),
              description: expandTemplate(def.description, labels, value),
              runbook_url: `${defaults.runbook_url}#${runbookAnchor(def.alert)}`,
            },
          };
        }),
      })),
      promql_expr_test: (group.exprs ?? []).map((e) => ({ expr: e.expr, eval_time: e.at, exp_samples: e.samples })),
    })),
  };
}

test('the promtool cases cover every alert (firing per severity, silent) and every recording rule', () => {
  const checks = GROUPS.flatMap((g) => g.alerts ?? []);
  for (const def of alertDefinitions(defaults)) {
    assert.ok(checks.some((c) => c.alert === def.alert && c.fires.some((f) => f.labels.severity === def.severity)), `${def.alert}/${def.severity} never fires`);
    assert.ok(checks.some((c) => c.alert === def.alert && c.fires.length === 0), `${def.alert} has no silent case`);
  }
  const exprs = GROUPS.flatMap((g) => g.exprs ?? []).map((e) => e.expr);
  for (const rule of recordingRules()) assert.ok(exprs.some((e) => e.includes(rule.record)), `${rule.record} has no promql_expr_test`);
});

test('promtool test rules passes', async () => {
  const dir = tempDir('gust-promtool-');
  const file = path.join(dir, 'tests.yml');
  writeFileSync(file, stringify(promtoolTests(), { lineWidth: 0 }));
  try {
    await run('promtool', ['test', 'rules', file]);
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    assert.fail(`promtool test rules failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
});
