/**
 * deploy/install.sh into a temp root (DESTDIR): installs program, unit, users and example config;
 * a second run changes nothing and keeps the operator's config; --uninstall and --purge remove
 * what they promise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../support/agent.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'deploy/install.sh');
const dest = tempDir('gust-install-');
after(() => rmSync(dest, { recursive: true, force: true }));

const at = (p: string) => path.join(dest, p);

function install(...args: string[]) {
  const run = spawnSync('bash', [SCRIPT, ...args], { env: { ...process.env, DESTDIR: dest, npm_config_prefer_offline: 'true' }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.error, undefined);
  return run;
}

/**
 * Every file under the root with a content hash, except node_modules, lock files and the copied
 * or compiled program and README (made from the checkout, which may change between runs while developing).
 */
const NOT_SNAPSHOTTED = new Set(['opt/gust-agent/node_modules', 'opt/gust-agent/dist', 'opt/gust-agent/bin', 'opt/gust-agent/README.md']);
function snapshot(dir = dest, out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (NOT_SNAPSHOTTED.has(path.relative(dest, full)) || entry.name.endsWith('.lock')) continue;
    if (entry.isDirectory()) snapshot(full, out);
    else out.set(path.relative(dest, full), createHash('sha256').update(readFileSync(full)).digest('hex'));
  }
  return out;
}

const mode = (p: string) => statSync(at(p)).mode & 0o777;

it('deploy/install.sh passes shellcheck', () => {
  const run = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
  assert.equal(run.error, undefined, 'shellcheck must be installed (test/setup/install-deps.sh)');
  assert.equal(run.status, 0, run.stdout);
});

describe('deploy/install.sh with DESTDIR', () => {
  before(() => {
    const run = install();
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it('installs the program with production dependencies, and it runs', () => {
    const version = spawnSync('node', [at('opt/gust-agent/bin/gust-agent'), '--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^gust-agent \d+\.\d+\.\d+/);
    assert.ok(existsSync(at('opt/gust-agent/dist/main.js')), 'the compiled program');
    assert.ok(!existsSync(at('opt/gust-agent/src')), 'no TypeScript sources: nothing compiles at run time');
    assert.ok(existsSync(at('opt/gust-agent/node_modules/prom-client')));
    assert.ok(existsSync(at('opt/gust-agent/README.md')), 'the unit\'s Documentation= points at it');
    for (const dev of ['typescript', 'tsx', 'esbuild']) assert.ok(!existsSync(at(`opt/gust-agent/node_modules/${dev}`)), `no dev dependency ${dev}`);
  });

  it('installs the unit, the users and a private config layout', () => {
    assert.equal(readFileSync(at('etc/systemd/system/gust-agent.service'), 'utf8'), readFileSync(path.join(ROOT, 'systemd/gust-agent.service'), 'utf8'));
    const revision = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(readFileSync(at('etc/systemd/system/gust-agent.service.d/revision.conf'), 'utf8'), `[Service]\nEnvironment=GUST_REVISION=${revision}\n`);
    assert.match(readFileSync(at('etc/passwd'), 'utf8'), /^gust-agent:x:\d+:\d+:.*:\/var\/lib\/gust-agent:\/usr\/sbin\/nologin$/m);
    assert.match(readFileSync(at('etc/group'), 'utf8'), /^gust-logs:x:\d+:/m);
    assert.equal(readFileSync(at('etc/gust-agent/config.yaml'), 'utf8'), readFileSync(path.join(ROOT, 'config.example.yaml'), 'utf8'));
    assert.equal(mode('etc/gust-agent/config.yaml'), 0o640);
    assert.equal(mode('etc/gust-agent/secrets'), 0o700);
  });

  it('is idempotent and keeps an edited config', () => {
    appendFileSync(at('etc/gust-agent/config.yaml'), '# edited by the operator\n');
    const before = snapshot();
    const run = install();
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /dependencies unchanged/);
    assert.match(run.stdout, /keeping existing/);
    assert.deepEqual(snapshot(), before);
    const users = readFileSync(at('etc/passwd'), 'utf8').split('\n').filter((l) => l.startsWith('gust-agent:'));
    assert.equal(users.length, 1);
  });

  it('rejects an unknown option', () => {
    const run = install('--bogus');
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /unknown option --bogus/);
  });

  it('--uninstall removes program and unit but keeps config; --purge removes config', () => {
    const uninstall = install('--uninstall');
    assert.equal(uninstall.status, 0, uninstall.stderr);
    assert.ok(!existsSync(at('opt/gust-agent')));
    assert.ok(!existsSync(at('etc/systemd/system/gust-agent.service')));
    assert.ok(!existsSync(at('etc/systemd/system/gust-agent.service.d')));
    assert.ok(existsSync(at('etc/gust-agent/config.yaml')), 'the operator config stays');
    const purge = install('--purge');
    assert.equal(purge.status, 0, purge.stderr);
    assert.ok(!existsSync(at('etc/gust-agent')));
  });
});
