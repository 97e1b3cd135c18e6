/**
 * The shipped systemd unit: `systemd-analyze verify` accepts it (with and without the documented
 * LoadCredential= drop-in lines) and `systemd-analyze security --offline=yes` scores it <= 2.0.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../support/agent.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const UNIT = path.join(ROOT, 'systemd/gust-agent.service');
const INSTALLED_BIN = '/opt/gust-agent/bin/gust-agent';
const work = tempDir('gust-systemd-');
after(() => rmSync(work, { recursive: true, force: true }));

function analyze(args: string[]) {
  // cwd: verify also loads units named like files in the current directory.
  const run = spawnSync('systemd-analyze', args, { cwd: work, encoding: 'utf8' });
  assert.equal(run.error, undefined, 'systemd-analyze must be installed (test/setup/install-deps.sh)');
  return run;
}

/** The unit as installed, except that ExecStart points at this checkout (verify checks it exists). */
function unitCopy(extraServiceLines: string[] = []): string {
  const text = readFileSync(UNIT, 'utf8');
  assert.ok(text.includes(`ExecStart=${INSTALLED_BIN} `), 'ExecStart runs the installed binary');
  const copy = path.join(work, 'gust-agent.service');
  const patched = text
    .replace(`ExecStart=${INSTALLED_BIN}`, `ExecStart=${path.join(ROOT, 'bin/gust-agent')}`)
    .replace('[Service]\n', `[Service]\n${extraServiceLines.map((l) => `${l}\n`).join('')}`);
  writeFileSync(copy, patched);
  return copy;
}

describe('systemd/gust-agent.service', () => {
  it('passes systemd-analyze verify without warnings', () => {
    const run = analyze(['verify', unitCopy()]);
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0);
  });

  it('passes verify with the LoadCredential= lines the unit documents', () => {
    const documented = readFileSync(UNIT, 'utf8').match(/^#\s+(LoadCredential=\S+)$/gm) ?? [];
    assert.ok(documented.length >= 1, 'the unit shows how to load a credential');
    const run = analyze(['verify', unitCopy(documented.map((l) => l.replace(/^#\s+/, '')))]);
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0);
  });

  it('scores 2.0 or less in systemd-analyze security --offline=yes', () => {
    const run = analyze(['security', '--offline=yes', unitCopy()]);
    assert.equal(run.status, 0, run.stderr);
    const score = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(run.stdout)?.[1]);
    assert.ok(score <= 2.0, `exposure ${score} > 2.0:\n${run.stdout}`);
  });

  it('has the settings the deployment relies on', () => {
    const text = readFileSync(UNIT, 'utf8');
    const settings = new Set(text.split('\n').filter((l) => /^[A-Z]\w+=/.test(l)).map((l) => l.trim()));
    for (const line of [
      'User=gust-agent',
      'SupplementaryGroups=gust-logs',
      'StateDirectory=gust-agent',
      'ConfigurationDirectory=gust-agent',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'Restart=on-failure',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
    ]) {
      assert.ok(settings.has(line), `missing ${line}`);
    }
    // V8's JIT needs writable+executable pages: this setting crashes the agent.
    assert.doesNotMatch(text, /^MemoryDenyWriteExecute=\s*(yes|true|1)/m);
  });
});
