/**
 * The shipped dashboards: regeneration from dashboards-src/ gives the committed bytes, they
 * follow grafana/dashboard-linter's rules (templated datasource/job/instance, job and
 * instance matchers on every selector, $__rate_interval in every range, stable uids) and
 * every metric they or the rule files use is one the agent exports or a recording rule defines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { renderDashboards } from '../../dashboards-src/build.ts';
import { knownMetricNames } from './metric-names.ts';
import { ranges, selectors } from './promql.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'dashboards');

interface Target { expr?: string; datasource?: { uid?: string }; refId?: string }
interface Panel { id: number; type: string; title: string; datasource?: { type?: string; uid?: string }; targets?: Target[]; panels?: Panel[] }
interface Variable { name: string; type: string; query?: unknown; datasource?: { uid?: string }; multi?: boolean; includeAll?: boolean }
interface Dashboard { id: unknown; uid: string; title: string; panels: Panel[]; templating: { list: Variable[] } }

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const dashboards = files.map((f) => [f, JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as Dashboard] as const);
const panelsOf = (d: Dashboard) => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const DS_TEMPLATE = /^\$\{?datasource\}?$/;

test('dashboards/*.json are exactly what dashboards-src/ renders', () => {
  const rendered = renderDashboards();
  assert.deepEqual(files, rendered.map((r) => r.file).sort());
  for (const { file, text } of rendered) {
    assert.equal(readFileSync(path.join(DIR, file), 'utf8'), text, `${file} is stale: run node --import tsx dashboards-src/build.ts`);
  }
});

test('the four CATALOGUE I dashboards, with stable uids and id null', () => {
  assert.deepEqual(dashboards.map(([, d]) => d.uid).sort(), ['gust-agent', 'gust-host', 'gust-overview', 'gust-server']);
  for (const [file, d] of dashboards) {
    assert.equal(d.id, null, `${file}: id must be null`);
    assert.equal(`${d.uid}.json`, file);
    const ids = d.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`);
  }
});

test('template variables: datasource, job, instance (and server on the server dashboard)', () => {
  for (const [file, d] of dashboards) {
    const vars = new Map(d.templating.list.map((v) => [v.name, v]));
    const ds = vars.get('datasource');
    assert.ok(ds && ds.type === 'datasource' && ds.query === 'prometheus', `${file}: datasource variable`);
    const wanted = d.uid === 'gust-server' ? ['job', 'instance', 'server'] : ['job', 'instance'];
    for (const name of wanted) {
      const v = vars.get(name);
      assert.ok(v, `${file}: no ${name} variable`);
      assert.equal(v.type, 'query', `${file}: ${name} must be a query variable`);
      assert.match(v.datasource?.uid ?? '', DS_TEMPLATE, `${file}: ${name} must use the datasource variable`);
      assert.ok(v.multi && v.includeAll, `${file}: ${name} must be multi-value with All`);
    }
    assert.ok(!JSON.stringify(d).includes('__inputs') && !JSON.stringify(d).includes('DS_PROMETHEUS'), `${file}: no __inputs`);
  }
});

test('every panel and target uses the datasource variable, job/instance matchers and $__rate_interval', () => {
  for (const [file, d] of dashboards) {
    for (const panel of panelsOf(d)) {
      const where = `${file} "${panel.title}"`;
      assert.match(panel.datasource?.uid ?? '', DS_TEMPLATE, `${where}: panel datasource`);
      assert.ok(panel.targets && panel.targets.length > 0, `${where}: no targets`);
      for (const t of panel.targets) {
        if (t.datasource) assert.match(t.datasource.uid ?? '', DS_TEMPLATE, `${where}: target datasource`);
        assert.ok(t.expr, `${where}: target without expr`);
        for (const s of selectors(t.expr)) {
          assert.match(s.matchers, /\bjob=~"\$job"/, `${where}: ${s.name} lacks job=~"$job" in ${t.expr}`);
          assert.match(s.matchers, /\binstance=~"\$instance"/, `${where}: ${s.name} lacks instance=~"$instance" in ${t.expr}`);
          if (d.uid === 'gust-server' && s.name.startsWith('gust_')) assert.match(s.matchers, /\bserver=~"\$server"/, `${where}: ${s.name} lacks server=~"$server"`);
        }
        for (const r of ranges(t.expr)) assert.equal(r, '$__rate_interval', `${where}: range [${r}] in ${t.expr}`);
      }
    }
  }
});

test('every graph, stat and gauge panel states its unit', () => {
  for (const [file, d] of dashboards) {
    for (const panel of panelsOf(d)) {
      if (!['timeseries', 'stat', 'bargauge', 'gauge'].includes(panel.type)) continue;
      const unit = (panel as { fieldConfig?: { defaults?: { unit?: string } } }).fieldConfig?.defaults?.unit;
      assert.ok(unit, `${file} "${panel.title}": no unit`);
    }
  }
});

test('player fill is coloured at 50 / 75 / 90 % and firing alerts are shown', () => {
  const [, overview] = dashboards.find(([, d]) => d.uid === 'gust-overview')!;
  const text = JSON.stringify(overview);
  const steps = [...text.matchAll(/"steps":\[([^\]]*)\]/g)].map((m) => m[1]);
  assert.ok(steps.some((s) => /"value":0\.5,/.test(s!) && /"value":0\.75,/.test(s!) && /"value":0\.9,/.test(s!)));
  assert.ok(panelsOf(overview).some((p) => p.targets?.some((t) => t.expr?.startsWith('ALERTS{'))));
  assert.ok(panelsOf(overview).some((p) => p.targets?.some((t) => t.expr?.includes('gust_alert_active'))));
});

test('every metric used by a dashboard or a rule is exported by the agent or recorded by a rule', async () => {
  const known = await knownMetricNames();
  const used = new Map<string, string>();
  for (const [file, d] of dashboards) {
    for (const p of panelsOf(d)) for (const t of p.targets ?? []) for (const s of selectors(t.expr ?? '')) used.set(s.name, `${file} "${p.title}"`);
  }
  for (const [file, d] of dashboards) {
    for (const v of d.templating.list) {
      const inner = typeof v.query === 'string' ? /^label_values\((.+),\s*\w+\)$/.exec(v.query)?.[1] : undefined;
      if (inner) for (const s of selectors(inner)) used.set(s.name, `${file} variable ${v.name}`);
    }
  }
  for (const file of ['alerts/gust-alerts.yml', 'rules/gust-recording.yml']) {
    const doc = parse(readFileSync(path.join(ROOT, file), 'utf8')) as { groups: Array<{ rules: Array<{ expr: string; alert?: string; record?: string }> }> };
    for (const rule of doc.groups.flatMap((g) => g.rules)) for (const s of selectors(rule.expr)) used.set(s.name, `${file} ${rule.alert ?? rule.record}`);
  }
  used.delete('');
  const unknown = [...used].filter(([name]) => !known.has(name)).map(([name, where]) => `${name} (${where})`);
  assert.deepEqual(unknown, []);
});
