import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfigFile, parseConfig } from '../../src/config/load.ts';
import { loadConfigFileOffThread } from '../../src/config/load-off-thread.ts';
import { Secret, secretsToPlain } from '../../src/config/secret.ts';
import { GustError } from '../../src/errors.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/config');
const yamlIn = (dir: string) => readdirSync(path.join(FIXTURES, dir)).filter((f) => f.endsWith('.yaml')).map((f) => path.join(FIXTURES, dir, f));

function secretPaths(value: unknown, at = '$', found: string[] = []): string[] {
  if (value instanceof Secret) found.push(at);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) secretPaths(v, `${at}.${k}`, found);
  return found;
}

async function settled<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

describe('loadConfigFileOffThread (reloads parse on a worker thread)', () => {
  test('gives what loadConfigFile gives for every good fixture, secrets still Secret objects', async () => {
    let secrets = 0;
    for (const file of yamlIn('good')) {
      const [here, there] = await Promise.all([loadConfigFile(file), loadConfigFileOffThread(file)]);
      assert.deepEqual(secretsToPlain(there), secretsToPlain(here), file);
      assert.deepEqual(secretPaths(there.config), secretPaths(here.config), `${file}: Secret objects`);
      secrets += secretPaths(there.config).length;
    }
    assert.ok(secrets > 0, 'the fixtures carry secrets, so their round trip was checked');
  });

  test('refuses every bad fixture with the same code and message as loadConfigFile', async () => {
    for (const file of [...yamlIn('bad'), path.join(FIXTURES, 'does-not-exist.yaml')]) {
      const [here, there] = await Promise.all([settled(loadConfigFile(file)), settled(loadConfigFileOffThread(file))]);
      assert.ok(here.error instanceof GustError, `${file}: loadConfigFile refuses it`);
      assert.ok(there.error instanceof GustError, `${file}: refused off the thread too`);
      assert.equal(there.error.constructor, here.error.constructor, file);
      assert.equal(there.error.code, here.error.code, file);
      assert.equal(there.error.message, here.error.message, file);
    }
  });

  test('the event loop is not held while a large config is parsed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gust-offthread-'));
    const file = path.join(dir, 'config.yaml');
    const servers = Array.from({ length: 3000 }, (_, i) => `  - { id: s${i}, game: rust, rcon: { transport: webrcon, port: ${20000 + i}, password: pw${i} }, commands: [serverinfo] }`);
    const text = `servers:\n${servers.join('\n')}\n`;
    writeFileSync(file, text);
    // What one parse holds this thread for, to compare with (no fixed time: CI machines differ).
    parseConfig(text, file);
    const started = performance.now();
    parseConfig(text, file);
    const onThisThreadMs = performance.now() - started;

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const { config } = await loadConfigFileOffThread(file);
    // The monitor's timer records a stall when it next fires: let it fire once more.
    await new Promise((resolve) => setTimeout(resolve, 20));
    delay.disable();
    assert.equal(config.servers.length, 3000);
    const longestStallMs = delay.max / 1e6;
    assert.ok(longestStallMs < onThisThreadMs / 2, `the loop stalled ${longestStallMs.toFixed(1)} ms; a parse here takes ${onThisThreadMs.toFixed(1)} ms`);
  });
});
