import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { TieredCache, type TieredCacheOptions } from '../../src/cache/tiered.ts';
import { eventually, seriesValue } from '../support/agent.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';

interface Harness {
  cache: TieredCache;
  registry: Registry;
  logs: string[];
  scrape(): Promise<string>;
}

const created: TieredCache[] = [];

function makeCache(options: Partial<TieredCacheOptions> = {}): Harness {
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { logs.push(String(chunk)); cb(); } });
  const registry = new Registry();
  const cache = new TieredCache({ maxEntries: 100, ttlMs: 60_000, ...options }, registry, pino({ level: 'info' }, sink));
  created.push(cache);
  return { cache, registry, logs, scrape: () => registry.metrics() };
}

after(async () => {
  await Promise.all(created.map((c) => c.stop()));
});

describe('memory layer', () => {
  test('miss, then hit from memory, with counters and entries', async () => {
    const h = makeCache();
    await h.cache.start();
    assert.equal(await h.cache.get('cmd', 'a'), undefined);
    await h.cache.set('cmd', 'a', { players: 3 });
    assert.deepEqual(await h.cache.get('cmd', 'a'), { value: { players: 3 }, layer: 'memory' });
    const text = await h.scrape();
    assert.equal(seriesValue(text, 'gust_cache_hits_total{cache="cmd",layer="memory"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_hits_total{cache="cmd",layer="redis"}'), undefined, 'no redis series without Redis');
    assert.equal(seriesValue(text, 'gust_cache_misses_total{cache="cmd"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_entries{cache="cmd",layer="memory"}'), 1);
    assert.equal(seriesValue(text, 'gust_redis_up'), undefined, 'no gust_redis_up without Redis (GustRedisDown would fire)');
    assert.equal(seriesValue(text, 'gust_cache_evictions_total{cache="cmd",reason="expired"}'), 0);
    assert.match(text, /gust_cache_operation_duration_seconds_count\{layer="memory",operation="get"\} 2/);
    const stats = await h.cache.stats();
    assert.deepEqual(stats.caches.cmd, {
      hits: { memory: 1, redis: 0 }, misses: 1, hitRatio: 0.5, entries: { memory: 1 }, evictions: { expired: 0, capacity: 0 },
    });
    assert.deepEqual(stats.redis, { configured: false, up: false });
  });

  test('TTL expiry counts an expired eviction', async () => {
    const h = makeCache();
    await h.cache.set('q', 'k', 1, 30);
    assert.ok(await h.cache.get('q', 'k'));
    await eventually(async () => (await h.cache.get('q', 'k')) === undefined || undefined, 2_000, 'expiry');
    const text = await h.scrape();
    assert.equal(seriesValue(text, 'gust_cache_evictions_total{cache="q",reason="expired"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_entries{cache="q",layer="memory"}'), 0);
  });

  test('size bound evicts least recently used entries as capacity evictions', async () => {
    const h = makeCache({ maxEntries: 2 });
    await h.cache.set('c', '1', 1);
    await h.cache.set('c', '2', 2);
    await h.cache.get('c', '1'); // 1 is now more recent than 2
    await h.cache.set('c', '3', 3);
    assert.equal(await h.cache.get('c', '2'), undefined);
    assert.ok(await h.cache.get('c', '1'));
    const text = await h.scrape();
    assert.equal(seriesValue(text, 'gust_cache_evictions_total{cache="c",reason="capacity"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_entries{cache="c",layer="memory"}'), 2);
  });

  test('overwriting a key keeps one entry; clear by prefix and delete', async () => {
    const h = makeCache();
    await h.cache.set('api', 'players:a', 1);
    await h.cache.set('api', 'players:a', 2);
    await h.cache.set('api', 'players:b', 3);
    await h.cache.set('cmd', 'x', 4);
    assert.equal((await h.cache.stats()).caches.api!.entries.memory, 2);
    assert.equal(await h.cache.clear('api:players:'), 2);
    assert.equal(await h.cache.get('api', 'players:a'), undefined);
    await h.cache.delete('cmd', 'x');
    assert.equal(await h.cache.get('cmd', 'x'), undefined);
    assert.equal(await h.cache.clear(), 0);
  });

  test('Redis configured but down at start: start does not block, memory answers', async () => {
    const port = await freePort();
    const h = makeCache({ redis: { url: `redis://127.0.0.1:${port}/0`, keyPrefix: 't:', operationTimeoutMs: 100 } });
    const t0 = Date.now();
    await h.cache.start();
    assert.ok(Date.now() - t0 < 1_500, 'start returned quickly');
    await h.cache.set('c', 'k', 'v');
    assert.deepEqual(await h.cache.get('c', 'k'), { value: 'v', layer: 'memory' });
    assert.equal(await h.cache.get('c', 'other'), undefined);
    const text = await h.scrape();
    assert.equal(seriesValue(text, 'gust_redis_up'), 0);
    assert.equal(h.logs.filter((l) => l.includes('Redis unavailable')).length, 1);
  });
});

describe('memory + Redis', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });

  const withRedis = (keyPrefix: string, extra: Partial<TieredCacheOptions> = {}) =>
    makeCache({ redis: { url: redis.url, keyPrefix, operationTimeoutMs: 200 }, ...extra });

  test('two caches sharing one Redis see each other\'s entries; L2 hits fill L1', async () => {
    const a = withRedis('shared:');
    const b = withRedis('shared:');
    await Promise.all([a.cache.start(), b.cache.start()]);
    await a.cache.set('cmd', 'eu:status', { online: 12 });
    assert.deepEqual(await b.cache.get('cmd', 'eu:status'), { value: { online: 12 }, layer: 'redis' });
    assert.deepEqual(await b.cache.get('cmd', 'eu:status'), { value: { online: 12 }, layer: 'memory' });
    assert.equal(await b.cache.get('cmd', 'missing'), undefined);
    // A scrape starts the key count and shows the last one (it never waits on Redis).
    const text = await eventually(async () => {
      const t = await b.scrape();
      return seriesValue(t, 'gust_cache_entries{cache="cmd",layer="redis"}') === 1 ? t : undefined;
    }, 5_000, 'Redis key count');
    assert.equal(seriesValue(text, 'gust_redis_up'), 1);
    assert.equal(seriesValue(text, 'gust_cache_hits_total{cache="cmd",layer="redis"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_hits_total{cache="cmd",layer="memory"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_misses_total{cache="cmd"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_entries{cache="cmd",layer="redis"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_errors_total{layer="redis"}'), 0);
    assert.match(text, /gust_cache_operation_duration_seconds_count\{layer="redis",operation="get"\} 2/);
    const stats = await b.cache.stats();
    assert.deepEqual(stats.redis, { configured: true, up: true });
    assert.equal(stats.caches.cmd!.hitRatio, 2 / 3);
  });

  test('Redis TTL: an expired entry is a miss in the other cache', async () => {
    const a = withRedis('ttl:');
    const b = withRedis('ttl:');
    await Promise.all([a.cache.start(), b.cache.start()]);
    await a.cache.set('q', 'k', 1, 50);
    await eventually(async () => (await b.cache.get('q', 'k')) === undefined || undefined, 2_000, 'Redis expiry');
  });

  test('clear(prefix) removes matching keys from both layers and counts distinct keys', async () => {
    const a = withRedis('clr:');
    const b = withRedis('clr:');
    await Promise.all([a.cache.start(), b.cache.start()]);
    await a.cache.set('api', 'players:x', 1);
    await a.cache.set('api', 'players:y', 2);
    await a.cache.set('api', 'summary', 3);
    assert.equal(await a.cache.clear('api:players:'), 2);
    assert.equal(await b.cache.get('api', 'players:x'), undefined);
    assert.deepEqual(await b.cache.get('api', 'summary'), { value: 3, layer: 'redis' });
    // Glob metacharacters in a prefix are literal.
    assert.equal(await a.cache.clear('a*'), 0);
  });

  test('Redis killed mid-test: answers keep coming from memory, one log line per outage, recovery after restart', async () => {
    const a = withRedis('kill:');
    const b = withRedis('kill:');
    await Promise.all([a.cache.start(), b.cache.start()]);
    await a.cache.set('cmd', 'before', 'v1');
    await redis.kill();
    await eventually(async () => seriesValue(await a.scrape(), 'gust_redis_up') === 0 || undefined, 5_000, 'gust_redis_up 0');

    const t0 = Date.now();
    for (let i = 0; i < 50; i++) {
      await a.cache.set('cmd', `k${i}`, i);
      assert.deepEqual(await a.cache.get('cmd', `k${i}`), { value: i, layer: 'memory' });
      assert.equal(await a.cache.get('cmd', `nothing${i}`), undefined);
    }
    assert.ok(Date.now() - t0 < 1_000, `150 operations during the outage took ${Date.now() - t0} ms`);
    assert.deepEqual(await a.cache.get('cmd', 'before'), { value: 'v1', layer: 'memory' });
    assert.equal((await a.cache.stats()).redis.up, false);

    await redis.start();
    await eventually(async () => seriesValue(await a.scrape(), 'gust_redis_up') === 1 || undefined, 10_000, 'gust_redis_up 1 for a');
    await eventually(async () => seriesValue(await b.scrape(), 'gust_redis_up') === 1 || undefined, 10_000, 'gust_redis_up 1 for b');
    await a.cache.set('cmd', 'after', 'v2');
    assert.deepEqual(await b.cache.get('cmd', 'after'), { value: 'v2', layer: 'redis' });

    for (const h of [a, b]) {
      assert.equal(h.logs.filter((l) => l.includes('Redis unavailable')).length, 1, h.logs.join(''));
      assert.equal(h.logs.filter((l) => l.includes('Redis connection restored')).length, 1, h.logs.join(''));
    }
  });

  test('a hung Redis: one operation times out, then it is reported down and skipped; scrapes never wait; a PING brings it back', async () => {
    const h = withRedis('hung:');
    await h.cache.start();
    await h.cache.set('c', 'k', 'v');
    await h.scrape(); // the key count is now fresh; the next one is due in 10 s
    redis.pause();
    try {
      const t0 = Date.now();
      assert.equal(await h.cache.get('c', 'other'), undefined);
      const first = Date.now() - t0;
      assert.ok(first >= 150, `the first operation waited for its timeout (${first} ms)`);
      // A PING confirms the timeout (one more operation timeout at most), then Redis is skipped.
      await eventually(async () => seriesValue(await h.scrape(), 'gust_redis_up') === 0 || undefined, 2_000, 'down once the PING timed out too');
      // Operations sent while the PING was confirming time out and count too (one on a quiet
      // machine, more under load); once down, none is sent, so none is counted.
      const errorsWhenDown = seriesValue(await h.scrape(), 'gust_cache_errors_total{layer="redis"}') ?? 0;
      assert.ok(errorsWhenDown >= 1, 'the timed-out operation is counted');
      const t1 = Date.now();
      await h.cache.set('c', 'k2', 'v2');
      assert.deepEqual(await h.cache.get('c', 'k2'), { value: 'v2', layer: 'memory' });
      assert.ok(Date.now() - t1 < 100, `later operations do not wait on the hung Redis (${Date.now() - t1} ms)`);
      const text = await h.scrape();
      assert.equal(seriesValue(text, 'gust_redis_up'), 0, 'a Redis that times out is reported down');
      assert.equal(seriesValue(text, 'gust_cache_errors_total{layer="redis"}'), errorsWhenDown, 'a skipped Redis adds no errors');
      assert.equal((await h.cache.stats()).redis.up, false);
      assert.equal(h.logs.filter((l) => l.includes('Redis unavailable')).length, 1, h.logs.join(''));
    } finally {
      redis.resume();
    }
    await eventually(async () => seriesValue(await h.scrape(), 'gust_redis_up') === 1 || undefined, 5_000, 'up again after SIGCONT');
    // Thawed: late replies of the timed-out commands are discarded, the connection keeps working.
    await h.cache.set('c', 'k3', 'v3');
    const other = withRedis('hung:');
    await other.cache.start();
    assert.deepEqual(await other.cache.get('c', 'k3'), { value: 'v3', layer: 'redis' });
    assert.equal(h.logs.filter((l) => l.includes('Redis connection restored')).length, 1, h.logs.join(''));
  });

  test('a timeout caused by this process stalling (not Redis) does not report Redis down', async () => {
    const h = withRedis('stall:');
    await h.cache.start();
    await h.cache.set('c', 'k', 'v');
    const pending = h.cache.get('c', 'absent'); // a memory miss: asks Redis
    const until = Date.now() + 400; // the event loop blocked past the 250 ms operation timeout
    while (Date.now() < until) { /* stall */ }
    await pending;
    await new Promise((r) => setTimeout(r, 300)); // the confirming PING's own timeout
    assert.equal(seriesValue(await h.scrape(), 'gust_redis_up'), 1);
    assert.deepEqual(await h.cache.get('c', 'k'), { value: 'v', layer: 'memory' });
    assert.equal(h.logs.filter((l) => l.includes('Redis unavailable')).length, 0, h.logs.join(''));
  });

  test('a scrape while Redis hangs and the key count is due answers at once', async () => {
    const h = withRedis('hungscrape:');
    await h.cache.start();
    await h.cache.set('c', 'k', 'v');
    redis.pause();
    try {
      for (let i = 0; i < 3; i++) {
        const t0 = Date.now();
        await h.scrape(); // the first one starts the (hanging) SCAN
        assert.ok(Date.now() - t0 < 100, `scrape ${i} took ${Date.now() - t0} ms`);
      }
      await eventually(async () => seriesValue(await h.scrape(), 'gust_redis_up') === 0 || undefined, 2_000, 'the timed-out SCAN marks Redis down');
    } finally {
      redis.resume();
    }
  });

  test('an undecodable value in Redis counts as an error and a miss', async () => {
    const { Redis } = await import('ioredis');
    const raw = new Redis(redis.url);
    await raw.set('bad:c:k', '{not json');
    raw.disconnect();
    const h = withRedis('bad:');
    await h.cache.start();
    assert.equal(await h.cache.get('c', 'k'), undefined);
    const text = await h.scrape();
    assert.equal(seriesValue(text, 'gust_cache_errors_total{layer="redis"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_misses_total{cache="c"}'), 1);
  });
});
