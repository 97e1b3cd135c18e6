/**
 * Issue 19 defect 8: check-config refuses a Redis URL the agent would refuse at start, and a
 * checkpoint write that fails on a full disk leaves no temporary file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/load.ts';
import { writeAtomically } from '../../src/sources/logs/checkpoint.ts';
import { tempDir } from '../support/agent.ts';

test('cache.redis.url: a port that is not a number, a foreign scheme or a non-numeric database are config errors', () => {
  const load = (url: string) => () => parseConfig(`cache:\n  redis:\n    url: "${url}"\n`, '/etc/gust-agent/config.yaml');
  assert.throws(load('redis://127.0.0.1:notaport/0'), { message: /^config\.yaml:3: cache\.redis\.url: expected a URL such as redis:\/\/\[:password@\]host:port\/db \(port 1-65535\), got "redis:\/\/127\.0\.0\.1:notaport\/0"$/ });
  assert.throws(load('http://127.0.0.1:6379/0'), { message: /expected a redis:\/\/ or rediss:\/\/ URL/ });
  assert.throws(load('redis://127.0.0.1:6379/cache'), { message: /the database \(the URL path\) must be a number/ });
  assert.throws(load('redis://:hunter2@127.0.0.1:notaport/0'), (err: Error) => !err.message.includes('hunter2') && /<secret>@/.test(err.message));
  for (const good of ['redis://127.0.0.1:6379/0', 'rediss://:pw@cache.example:6380/2', 'redis://localhost']) {
    assert.equal(parseConfig(`cache:\n  redis:\n    url: "${good}"\n`, 'c.yaml').cache.redis!.url, good);
  }
});

test('a checkpoint write that fails with ENOSPC removes its temporary file and keeps the previous checkpoint', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'log-positions.json');
  await writeAtomically(file, '{"previous":true}');
  // /dev/full answers every write with ENOSPC: the temporary file lands on a "full disk".
  const tmp = `${file}.${process.pid}.tmp`;
  symlinkSync('/dev/full', tmp);
  await assert.rejects(writeAtomically(file, '{"next":true}'), { code: 'ENOSPC' });
  assert.throws(() => lstatSync(tmp), { code: 'ENOENT' }, 'the temporary file is gone');
  assert.equal(readFileSync(file, 'utf8'), '{"previous":true}');
  // The disk has room again: the next write succeeds and leaves nothing behind.
  await writeAtomically(file, '{"next":true}');
  assert.equal(readFileSync(file, 'utf8'), '{"next":true}');
  assert.equal(existsSync(tmp), false);
});
