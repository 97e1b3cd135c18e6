/**
 * The WebRCON ban guard across cluster members: failed authentications one member recorded in
 * Redis stop another member's transport before it connects (Rust bans the IP at 5 in 300 s).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { Secret } from '../../src/config/secret.ts';
import { failureReason } from '../../src/sources/commands/transports/types.ts';
import { AUTH_FAILURE_LIMIT, sharedAuthFailures } from '../../src/sources/commands/transports/auth-failures.ts';
import { WebRconTransport } from '../../src/sources/commands/transports/webrcon.ts';
import { startWebRconFake, type WebRconFake } from '../fakes/webrcon.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let redis: TestRedis;
let client: Redis;
let rust: WebRconFake;

before(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  await client.connect();
  rust = await startWebRconFake({ password: 'right-password' });
});

after(async () => {
  client?.disconnect();
  await rust?.close();
  await redis?.stop();
});

test('failures another member recorded in Redis stop this member before it connects', async () => {
  const keyOf = (endpoint: string) => `t:cluster:authfail:${endpoint}`;
  const otherMember = sharedAuthFailures(client, keyOf, 'member-b');
  // Another member's failures against this endpoint (not this process's: its local count is empty for it).
  const endpoint = `127.0.0.1:${rust.port}`;
  for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) await client.zadd(keyOf(endpoint), Date.now() - i, `${i}:member-b:x`);
  const t = new WebRconTransport({ host: '127.0.0.1', port: rust.port, password: new Secret('wrong-password'), connectTimeoutMs: 1000, authFailures: otherMember });
  try {
    await assert.rejects(t.send('serverinfo', 1000), (err: unknown) => failureReason(err) === 'auth' && /not retried/.test(String(err)));
    assert.equal(rust.stats.connections, 0, 'no connection was made');
  } finally {
    t.close();
  }
  assert.equal((await otherMember.recent(endpoint, Date.now())).length, AUTH_FAILURE_LIMIT);
});

test('a failure this member records reaches Redis for the others', async () => {
  const keyOf = (endpoint: string) => `t2:cluster:authfail:${endpoint}`;
  const log = sharedAuthFailures(client, keyOf, 'member-a');
  const t = new WebRconTransport({ host: '127.0.0.1', port: rust.port, password: new Secret('wrong-password'), connectTimeoutMs: 1000, authFailures: log });
  try {
    await assert.rejects(t.send('serverinfo', 1000), (err: unknown) => failureReason(err) === 'auth');
  } finally {
    t.close();
  }
  const key = keyOf(`127.0.0.1:${rust.port}`);
  for (let i = 0; i < 50 && (await client.zcard(key)) === 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(await client.zcard(key), 1);
  assert.ok((await client.pttl(key)) > 0, 'the set expires with the window');
});
