/** The Prometheus text-format pieces the fast metrics and the exposition share, byte for byte as prom-client writes them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { escapeLabelValue, escapeString, labelText, valueString } from '../../src/metrics/text-format.ts';

test('values: integers, fractions, exponents, NaN and the infinities as prom-client spells them', () => {
  assert.equal(valueString(0), '0');
  assert.equal(valueString(-3), '-3');
  assert.equal(valueString(0.25), '0.25');
  assert.equal(valueString(1e21), '1e+21');
  assert.equal(valueString(Number.NaN), 'Nan');
  assert.equal(valueString(Number.POSITIVE_INFINITY), '+Inf');
  assert.equal(valueString(Number.NEGATIVE_INFINITY), '-Inf');
});

test('label values: backslash, newline and double quote escaped; anything else (and numbers) as is', () => {
  assert.equal(escapeLabelValue('plain value ü'), 'plain value ü');
  assert.equal(escapeLabelValue(42), 42);
  assert.equal(escapeLabelValue('a\\b'), 'a\\\\b');
  assert.equal(escapeLabelValue('a\nb'), 'a\\nb');
  assert.equal(escapeLabelValue('say "hi"'), 'say \\"hi\\"');
  assert.equal(escapeLabelValue('\\\n"'), '\\\\\\n\\"');
  // Every occurrence, not just the first.
  assert.equal(escapeLabelValue('"a"\n"b"\n\\\\'), '\\"a\\"\\n\\"b\\"\\n\\\\\\\\');
});

test('HELP text: backslash and newline escaped, double quotes left alone', () => {
  assert.equal(escapeString('say "hi"'), 'say "hi"');
  assert.equal(escapeString('a\\b\nc\\d\ne'), 'a\\\\b\\nc\\\\d\\ne');
});

test('label sets: key order kept, skipped keys left out, commas only between pairs', () => {
  assert.equal(labelText({}), '');
  assert.equal(labelText({ server: 'a' }), 'server="a"');
  assert.equal(labelText({ server: 'a', reason: 'x"y', n: 3 }), 'server="a",reason="x\\"y",n="3"');
  assert.equal(labelText({ server: 'a', reason: 'b', le: '+Inf' }, { server: 'ignored' }), 'reason="b",le="+Inf"');
  assert.equal(labelText({ server: 'a', reason: 'b' }, { reason: undefined as unknown as string }), 'server="a"');
  assert.equal(labelText({ server: 'a' }, { server: 'a' }), '');
});

test('the same bytes as prom-client for an awkward label value', async () => {
  const registry = new Registry();
  const counter = new Counter({ name: 'x_total', help: 'h', labelNames: ['a', 'b'], registers: [registry] });
  const labels = { a: 'line1\nline2 "quoted" back\\slash', b: 'ok' };
  counter.inc(labels, 2);
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith('x_total{'));
  assert.equal(line, `x_total{${labelText(labels)}} ${valueString(2)}`);
});
