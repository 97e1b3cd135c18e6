/**
 * Grafana provisioning in deploy/grafana/: a Prometheus datasource and a file provider whose
 * path is where deploy/docker-compose.yml mounts dashboards/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PROVISIONING = path.join(ROOT, 'deploy/grafana/provisioning');
const read = (file: string) => parse(readFileSync(path.join(PROVISIONING, file), 'utf8')) as Record<string, unknown>;

test('the datasource provisioning defines a Prometheus datasource', () => {
  const doc = read('datasources/gust-prometheus.yml') as { apiVersion: number; datasources: Array<{ type: string; url: string; access: string }> };
  assert.equal(doc.apiVersion, 1);
  assert.equal(doc.datasources.length, 1);
  assert.equal(doc.datasources[0]!.type, 'prometheus');
  assert.equal(doc.datasources[0]!.access, 'proxy');
  assert.match(doc.datasources[0]!.url, /^http:\/\/prometheus:9090$/);
});

test('the dashboard provider reads the directory compose mounts dashboards/ on', () => {
  const doc = read('dashboards/gust.yml') as { apiVersion: number; providers: Array<{ type: string; options: { path: string } }> };
  assert.equal(doc.apiVersion, 1);
  const provider = doc.providers[0]!;
  assert.equal(provider.type, 'file');
  const compose = readFileSync(path.join(ROOT, 'deploy/docker-compose.yml'), 'utf8');
  assert.ok(compose.includes(`../dashboards:${provider.options.path}:ro`), `compose mounts ../dashboards on ${provider.options.path}`);
  assert.ok(compose.includes('./grafana/provisioning:/etc/grafana/provisioning:ro'));
});
