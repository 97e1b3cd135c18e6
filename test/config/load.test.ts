import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { loadConfigFile, parseConfig, resolveConfigPath } from '../../src/config/load.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { ConfigError } from '../../src/errors.ts';
import { Secret } from '../../src/config/secret.ts';
import { parseDuration, parseSize } from '../../src/config/units.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/config');
const ROOT = path.join(import.meta.dirname, '../..');

/** Parse as if the file were FIXTURES/<dir>/config.yaml so messages carry a stable name. */
function parseFixture(dir: string, name: string, env: NodeJS.ProcessEnv = {}) {
  const file = path.join(FIXTURES, dir, name);
  return parseConfig(readFileSync(file, 'utf8'), path.join(FIXTURES, dir, 'config.yaml'), { env });
}

/** Every key of `expected` is in `actual` with that value (arrays element by element, same length); secrets compared revealed. */
function assertContains(actual: unknown, expected: unknown, at: string): void {
  if (actual instanceof Secret) return assert.equal(actual.reveal(), expected, at);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at}: not an array`);
    assert.equal(actual.length, expected.length, `${at}: length`);
    expected.forEach((e, i) => assertContains(actual[i], e, `${at}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${at}: not an object`);
    for (const [key, value] of Object.entries(expected)) assertContains((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
    return;
  }
  assert.equal(actual, expected, at);
}

describe('config fixtures (blackbox_exporter style: exact messages)', () => {
  for (const name of readdirSync(path.join(FIXTURES, 'good')).filter((f) => f.endsWith('.yaml'))) {
    test(`good/${name} loads with every value it sets (units converted, secrets readable)`, () => {
      // Hand-written: what the file says, in the units the code uses. Missing = failure, never written.
      const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'good', name.replace(/\.yaml$/, '.expected.json')), 'utf8'));
      assertContains(parseFixture('good', name), expected, name);
    });
  }
  for (const name of readdirSync(path.join(FIXTURES, 'bad')).filter((f) => f.endsWith('.yaml'))) {
    test(`bad/${name} is rejected with the expected message`, () => {
      const expected = readFileSync(path.join(FIXTURES, 'bad', name.replace(/\.yaml$/, '.err')), 'utf8')
        .replaceAll('FIXTURES', path.join(FIXTURES, 'bad'))
        .trimEnd();
      assert.throws(() => parseFixture('bad', name), (err: unknown) => {
        assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
        assert.equal(err.code, 'GUST_CONFIG_INVALID');
        assert.equal(err.message, expected);
        return true;
      });
    });
  }
  test('config.example.yaml is valid', async () => {
    const { config } = await loadConfigFile(path.join(ROOT, 'config.example.yaml'));
    assert.equal(config.discovery.enabled, true);
  });
});

describe('defaults and units', () => {
  test('an empty file gives the documented defaults', () => {
    const config = parseConfig('', '/etc/gust-agent/config.yaml', { env: {} });
    assert.equal(config.listen.port, 9720);
    assert.equal(config.auto_commands.interval, 10_000);
    assert.equal(config.auto_commands.max_backoff, 300_000);
    assert.equal(config.cache.ttl, 60_000);
    assert.equal(config.cache.redis, undefined);
    assert.equal(config.state_dir, '/var/lib/gust-agent');
    assert.equal(config.alerts.host_cpu.warning, 0.8);
    assert.equal(config.alerts.host_cpu.critical, 0.9);
  });
  test('durations and sizes', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('10'), undefined);
    assert.equal(parseSize('64KiB'), 65536);
    assert.equal(parseSize('10MiB'), 10 * 1024 * 1024);
    assert.equal(parseSize('ten'), undefined);
  });
  test('the config path: --config, then GUST_CONFIG, then /etc', () => {
    assert.equal(resolveConfigPath('a.yaml', { GUST_CONFIG: 'b.yaml' }), 'a.yaml');
    assert.equal(resolveConfigPath(undefined, { GUST_CONFIG: 'b.yaml' }), 'b.yaml');
    assert.equal(resolveConfigPath(undefined, {}), '/etc/gust-agent/config.yaml');
  });
});

describe('environment and secret files', () => {
  const yaml = `servers:
  - id: a
    rcon:
      transport: source
      host: \${RCON_HOST:-127.0.0.1}
      port: \${RCON_PORT}
      password: \${RCON_PW}
    commands: [status]
`;
  test('${VAR}, ${VAR:-default}, and whole references keep their type', () => {
    const config = parseConfig(yaml, '/x/config.yaml', { env: { RCON_PORT: '27015', RCON_PW: 'hunter2' } });
    const rcon = config.servers[0]!.rcon!;
    assert.equal(rcon.host, '127.0.0.1');
    assert.equal(rcon.port, 27015);
    assert.equal(rcon.password!.reveal(), 'hunter2');
  });
  test('a missing variable names the key and line', () => {
    assert.throws(() => parseConfig(yaml, '/x/config.yaml', { env: { RCON_PORT: '1' } }), {
      message: 'config.yaml:7: servers[0].rcon.password: environment variable RCON_PW is not set',
    });
  });
  test('password_from reads the password where the game keeps it (properties, ini), relative to the config', () => {
    const config = parseFixture('good', 'password-from.yaml');
    assert.equal(config.servers[0]!.rcon!.password!.reveal(), 'from-properties');
    assert.equal(config.servers[1]!.rcon!.password!.reveal(), 'from-ini');
    assert.equal(inspect(config).includes('from-ini'), false);
  });
  test('password_file is read relative to the config; a bare name from $CREDENTIALS_DIRECTORY', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gust-secret-'));
    writeFileSync(path.join(dir, 'rcon.pass'), 'from-file\n');
    const creds = mkdtempSync(path.join(tmpdir(), 'gust-creds-'));
    writeFileSync(path.join(creds, 'rcon.pass'), 'from-credentials\n');
    writeFileSync(path.join(dir, 'tokens'), '# comment\ntoken-one\n\ntoken-two\n');
    const text = (file: string) => `api: { tokens_file: ${path.join(dir, 'tokens')} }
servers:
  - id: a
    rcon: { transport: source, port: 1, password_file: ${file} }
`;
    const relative = parseConfig(text('./rcon.pass'), path.join(dir, 'config.yaml'), { env: {} });
    assert.equal(relative.servers[0]!.rcon!.password!.reveal(), 'from-file');
    assert.deepEqual(relative.api.tokens.map((t) => t.reveal()), ['token-one', 'token-two']);
    const credential = parseConfig(text('rcon.pass'), path.join(dir, 'config.yaml'), { env: { CREDENTIALS_DIRECTORY: creds } });
    assert.equal(credential.servers[0]!.rcon!.password!.reveal(), 'from-credentials');
  });
  test('secrets never print: JSON, String, util.inspect', () => {
    const config = parseConfig(yaml, '/x/config.yaml', { env: { RCON_PORT: '1', RCON_PW: 'hunter2' } });
    const password = config.servers[0]!.rcon!.password!;
    for (const shown of [JSON.stringify(config), String(password), inspect(config, { depth: 10 }), `${password}`]) {
      assert.ok(!shown.includes('hunter2'), shown);
    }
  });
  test('an error message never carries a secret value', () => {
    const bad = `servers:\n  - id: a\n    rcon: { transport: source, port: 1, password: "\${PW}" }\n    bogus: \${PW}\n`;
    assert.throws(() => parseConfig(bad, '/x/config.yaml', { env: { PW: 'hunter2' } }), (err: Error) => {
      assert.match(err.message, /servers\[0\]\.bogus: unknown key/);
      assert.ok(!err.message.includes('hunter2'));
      return true;
    });
  });
});

test('config.schema.json is generated from the schema and up to date (npm run schema)', () => {
  const upToDate = readFileSync(path.join(ROOT, 'config.schema.json'), 'utf8') === configJsonSchema();
  assert.ok(upToDate, 'config.schema.json is stale: run `npm run schema` and commit it');
});
