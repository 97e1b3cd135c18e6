/**
 * /api/v1 over HTTP against a running agent's own listening server (real command source with
 * the exec transport, real Redis): the routes, hooks and rate limiter users reach.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { eventually, seriesValue, startAgent, type TestAgent } from '../support/agent.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';

const TOKEN = 'api-token-9b1e77c2d4f0';
const RCON_PASSWORD = 'rcon-pass-e5d1f0aa';
const REDIS_PASSWORD = 'redis-pass-a17c3b9e';
const SECRETS = [TOKEN, RCON_PASSWORD, REDIS_PASSWORD];
const auth = { authorization: `Bearer ${TOKEN}` };

interface Request {
  url: string;
  method?: string;
  headers?: Record<string, string>;
}

interface Harness {
  agent: TestAgent;
  /** Every reply body and header block, for the secret check. */
  seen: string[];
  call(options: Request): Promise<{ status: number; headers: Record<string, string>; body: any }>;
}

/** Requests to the agent's own HTTP server, as a client sends them. */
function harness(agent: TestAgent): Harness {
  const seen: string[] = [];
  return {
    agent, seen,
    async call({ url, method = 'GET', headers = {} }) {
      const res = await fetch(`${agent.url}${url}`, { method, headers });
      const text = await res.text();
      const replyHeaders = Object.fromEntries(res.headers);
      seen.push(text, JSON.stringify(replyHeaders));
      assert.match(String(replyHeaders['content-type']), /application\/json/, `${method} ${url} answers JSON`);
      return { status: res.status, headers: replyHeaders, body: JSON.parse(text) };
    },
  };
}

describe('API on an agent with Redis and a command source', () => {
  let redis: TestRedis;
  let h: Harness;
  let configBody: (extra: string) => string;

  before(async () => {
    redis = await startRedis({ password: REDIS_PASSWORD });
    process.env.GUST_TEST_API_REDIS_URL = redis.url;
    process.env.GUST_TEST_API_TOKEN = TOKEN;
    const closedPort = await freePort();
    configBody = (api: string) => `
cache: { ttl: 60s, redis: { url: "\${GUST_TEST_API_REDIS_URL}", key_prefix: "apitest:" } }
api: { tokens: ["\${GUST_TEST_API_TOKEN}"]${api} }
auto_commands: { interval: 1h, retries: 0, timeout: 2s }
servers:
  - id: mc
    game: minecraft
    rcon: { transport: exec, command: ["/bin/echo", "There are 3 of a max of 20 players online:"] }
    commands: [list]
  - id: quiet
    game: rust
    rcon: { transport: source, host: 127.0.0.1, port: ${closedPort}, password: "${RCON_PASSWORD}", connect_timeout: 1s }
    commands: [serverinfo]
  - id: plain
    game: valheim
`;
    const agent = await startAgent(configBody(''));
    h = harness(agent);
  });

  after(async () => {
    await h?.agent.stop();
    await redis?.stop();
  });

  test('GET /servers: every server with up, players, sources', async () => {
    const res = await h.call({ url: '/api/v1/servers' });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['x-response-time']), /^\d+\.\d{3}ms$/);
    const byId = Object.fromEntries(res.body.servers.map((s: { id: string }) => [s.id, s]));
    assert.deepEqual(Object.keys(byId).sort(), ['mc', 'plain', 'quiet']);
    assert.equal(byId.mc.up, true);
    assert.deepEqual(byId.mc.players, { online: 3, max: 20, percentage: 15 });
    assert.equal(byId.mc.sources.command.ok, true);
    assert.ok(Date.parse(byId.mc.sources.command.last_success) > 0);
    assert.equal(byId.quiet.up, false);
    assert.equal(byId.quiet.players, null);
    assert.equal(byId.quiet.sources.command.last_error_reason, 'refused');
    assert.equal(byId.plain.sources.command.configured, false);
    assert.equal(byId.plain.map, null);
  });

  test('GET /servers/:id/players: the player-count answer, miss then hit', async () => {
    await h.agent.agent.ctx.cache.clear('api:');
    const first = await h.call({ url: '/api/v1/servers/mc/players' });
    assert.equal(first.status, 200);
    assert.equal(first.headers['x-cache-status'], 'miss');
    assert.match(String(first.headers['x-response-time']), /ms$/);
    assert.deepEqual({ ...first.body, timestamp: undefined }, { server: 'mc', current: 3, max: 20, percentage: 15, source: 'command', timestamp: undefined });
    assert.ok(Math.abs(Date.parse(first.body.timestamp) - Date.now()) < 60_000);
    const second = await h.call({ url: '/api/v1/servers/mc/players' });
    assert.equal(second.headers['x-cache-status'], 'hit');
    assert.deepEqual(second.body, first.body);
  });

  test('GET /servers/:id/players: 404 without fresh data or for unknown ids, 400 for bad ids', async () => {
    for (const id of ['plain', 'quiet', 'nope']) {
      const res = await h.call({ url: `/api/v1/servers/${id}/players` });
      assert.equal(res.status, 404, id);
      assert.equal(res.body.code, 'GUST_API_NOT_FOUND');
      assert.equal(res.body.error, 'Not Found');
    }
    for (const id of ['UPPER', 'a.b', 'x'.repeat(33), '%20']) {
      const res = await h.call({ url: `/api/v1/servers/${id}/players` });
      assert.equal(res.status, 400, id);
      assert.equal(res.body.code, 'GUST_API_BAD_REQUEST');
    }
  });

  test('GET /servers/:id: detail with fields, cache status, 404 and 400', async () => {
    await h.agent.agent.ctx.cache.clear('api:server:');
    const res = await h.call({ url: '/api/v1/servers/mc' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-cache-status'], 'miss');
    assert.equal(res.body.id, 'mc');
    assert.equal(res.body.fields.players_online.value, 3);
    assert.equal(res.body.fields.players_max.source, 'command');
    assert.equal((await h.call({ url: '/api/v1/servers/mc' })).headers['x-cache-status'], 'hit');
    assert.equal((await h.call({ url: '/api/v1/servers/nope' })).status, 404);
    assert.equal((await h.call({ url: '/api/v1/servers/Bad!' })).status, 400);
  });

  test('POST /servers/:id/refresh: token required, runs configured commands, invalidates cached answers', async () => {
    const none = await h.call({ method: 'POST', url: '/api/v1/servers/mc/refresh' });
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="gust-agent"');
    assert.equal(none.body.code, 'GUST_API_UNAUTHORIZED');
    const wrong = await h.call({ method: 'POST', url: '/api/v1/servers/mc/refresh', headers: { authorization: `Bearer ${TOKEN}x` } });
    assert.equal(wrong.status, 401);
    // Authentication comes before validation: no token, bad id -> 401, not 400.
    assert.equal((await h.call({ method: 'POST', url: '/api/v1/servers/BAD/refresh' })).status, 401);

    await h.call({ url: '/api/v1/servers/mc/players' });
    const ok = await h.call({ method: 'POST', url: '/api/v1/servers/mc/refresh', headers: auth });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { server: 'mc', ok: true, results: [{ command: 'list', ok: true }] });
    assert.equal((await h.call({ url: '/api/v1/servers/mc/players' })).headers['x-cache-status'], 'miss');

    const failing = await h.call({ method: 'POST', url: '/api/v1/servers/quiet/refresh', headers: auth });
    assert.equal(failing.status, 200);
    assert.equal(failing.body.ok, false);
    assert.equal(failing.body.results[0].command, 'serverinfo');

    const noCommands = await h.call({ method: 'POST', url: '/api/v1/servers/plain/refresh', headers: auth });
    assert.equal(noCommands.status, 409);
    assert.equal(noCommands.body.code, 'GUST_API_CONFLICT');
    assert.equal((await h.call({ method: 'POST', url: '/api/v1/servers/nope/refresh', headers: auth })).status, 404);
    assert.equal((await h.call({ method: 'POST', url: '/api/v1/servers/BAD/refresh', headers: auth })).status, 400);
  });

  test('GET /summary: CPU, memory, requests, latency, errors, cache hit rate, uptime', async () => {
    const res = await h.call({ url: '/api/v1/summary' });
    assert.equal(res.status, 200);
    const s = res.body;
    assert.ok(s.uptime_seconds > 0);
    assert.ok(s.cpu.percent >= 0 && s.cpu.user_seconds > 0);
    assert.ok(s.memory.rss_bytes > 1e6 && s.memory.heap_used_bytes > 0);
    assert.ok(s.requests.count > 5 && s.requests.per_second > 0);
    assert.ok(s.requests.avg_latency_ms > 0 && s.requests.p95_latency_ms >= 0);
    assert.equal(s.requests.error_rate, 0);
    assert.ok(s.cache.hit_rate > 0 && s.cache.hit_rate < 1);
    assert.equal(s.cache.redis_up, true);
  });

  test('GET /cache/stats and DELETE /cache', async () => {
    await h.call({ url: '/api/v1/servers/mc/players' });
    const stats = await h.call({ url: '/api/v1/cache/stats' });
    assert.equal(stats.status, 200);
    assert.deepEqual(stats.body.redis, { configured: true, up: true });
    const api = stats.body.caches.api;
    assert.ok(api.hits.memory >= 1 && api.misses >= 1 && api.entries.memory >= 1 && api.entries.redis >= 1);
    assert.equal(typeof api.hit_ratio, 'number');
    assert.deepEqual(Object.keys(api.evictions).sort(), ['capacity', 'expired']);

    assert.equal((await h.call({ method: 'DELETE', url: '/api/v1/cache' })).status, 401);
    const del = await h.call({ method: 'DELETE', url: '/api/v1/cache?prefix=api:players:', headers: auth });
    assert.equal(del.status, 200);
    assert.ok(del.body.deleted >= 1);
    assert.equal((await h.call({ url: '/api/v1/servers/mc/players' })).headers['x-cache-status'], 'miss');
    assert.equal((await h.call({ method: 'DELETE', url: '/api/v1/cache?prefix=', headers: auth })).status, 400);
    const all = await h.call({ method: 'DELETE', url: '/api/v1/cache', headers: auth });
    assert.ok(all.body.deleted >= 1);
  });

  test('GET /alerts: empty and unavailable without the evaluator, the provider\'s list with it', async () => {
    const providers = h.agent.agent.ctx.providers;
    const saved = providers.alerts;
    try {
      delete providers.alerts;
      assert.deepEqual((await h.call({ url: '/api/v1/alerts' })).body, { available: false, alerts: [] });
      providers.alerts = () => [{ alert: 'GustServerDown', server: 'quiet', severity: 'critical' }];
      assert.deepEqual((await h.call({ url: '/api/v1/alerts' })).body, {
        available: true, alerts: [{ alert: 'GustServerDown', server: 'quiet', severity: 'critical' }],
      });
    } finally {
      if (saved) providers.alerts = saved;
      else delete providers.alerts;
    }
  });

  test('GET /openapi.json describes every route from its schema', async () => {
    const res = await h.call({ url: '/api/v1/openapi.json' });
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.equal(doc.openapi, '3.1.0');
    for (const [path, method] of [
      ['/api/v1/servers', 'get'], ['/api/v1/servers/{id}', 'get'], ['/api/v1/servers/{id}/players', 'get'],
      ['/api/v1/servers/{id}/refresh', 'post'], ['/api/v1/summary', 'get'], ['/api/v1/cache/stats', 'get'],
      ['/api/v1/cache', 'delete'], ['/api/v1/alerts', 'get'], ['/api/v1/cluster', 'get'], ['/api/v1/openapi.json', 'get'],
    ]) assert.ok(doc.paths[path!]?.[method!], `${method} ${path}`);
    const players = doc.paths['/api/v1/servers/{id}/players'].get;
    assert.equal(players.parameters[0].name, 'id');
    assert.equal(players.parameters[0].in, 'path');
    assert.equal(players.parameters[0].schema.pattern, '^[a-z0-9_-]{1,32}$');
    assert.deepEqual(Object.keys(players.responses).sort(), ['200', '400', '404', '429']);
    assert.equal(players.responses['200'].content['application/json'].schema.properties.percentage.anyOf[0].type, 'number');
    assert.equal(players.security, undefined);
    assert.deepEqual(doc.paths['/api/v1/servers/{id}/refresh'].post.security, [{ bearer: [] }]);
    assert.equal(doc.paths['/api/v1/cache'].delete.parameters[0].name, 'prefix');
  });

  test('/-/reload needs a token; read_auth applied by a reload protects reads', async () => {
    assert.equal((await h.call({ method: 'POST', url: '/-/reload' })).status, 401);
    writeFileSync(h.agent.configPath, `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${h.agent.dir}/state\nhost: { enabled: false }\n${configBody(', read_auth: true')}`);
    const reload = await h.call({ method: 'POST', url: '/-/reload', headers: auth });
    assert.deepEqual(reload.body, { status: 'success' });
    const denied = await h.call({ url: '/api/v1/servers' });
    assert.equal(denied.status, 401);
    assert.equal(denied.body.code, 'GUST_API_UNAUTHORIZED');
    assert.equal((await h.call({ url: '/api/v1/servers', headers: auth })).status, 200);
    assert.deepEqual((await h.call({ url: '/api/v1/openapi.json', headers: auth })).body.paths['/api/v1/servers'].get.security, [{ bearer: [] }]);
    writeFileSync(h.agent.configPath, `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${h.agent.dir}/state\nhost: { enabled: false }\n${configBody('')}`);
    assert.deepEqual((await h.call({ method: 'POST', url: '/-/reload', headers: auth })).body, { status: 'success' });
    assert.equal((await h.call({ url: '/api/v1/servers' })).status, 200);
  });

  test('two agents sharing one Redis: the second answers from the first one\'s cached result', async () => {
    const other = await startAgent(`cache: { redis: { url: "\${GUST_TEST_API_REDIS_URL}", key_prefix: "apitest:" } }
servers:
  - id: mc
    game: minecraft
`);
    try {
      await h.agent.agent.ctx.cache.clear('api:players:');
      const first = await h.call({ url: '/api/v1/servers/mc/players' });
      assert.equal(first.headers['x-cache-status'], 'miss');
      // The other agent has no data of its own for mc: its answer comes from Redis.
      const res = await fetch(`${other.url}/api/v1/servers/mc/players`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-cache-status'), 'hit');
      assert.deepEqual(await res.json(), first.body);
      const text = await other.scrape();
      assert.equal(seriesValue(text, 'gust_cache_hits_total{cache="api",layer="redis"}'), 1);
      assert.equal(seriesValue(text, 'gust_redis_up'), 1);
    } finally {
      await other.stop();
      h.seen.push(...other.logs); // checked for secrets below
    }
  });

  test('Redis killed: the API keeps answering, gust_redis_up 0, then 1 after a restart', async () => {
    await redis.kill();
    await eventually(async () => seriesValue(await h.agent.scrape(), 'gust_redis_up') === 0 || undefined, 5_000, 'gust_redis_up 0');
    for (let i = 0; i < 3; i++) assert.equal((await h.call({ url: '/api/v1/servers/mc/players' })).status, 200);
    assert.equal((await h.call({ method: 'DELETE', url: '/api/v1/cache', headers: auth })).status, 200);
    const stats = await h.call({ url: '/api/v1/cache/stats' });
    assert.deepEqual(stats.body.redis, { configured: true, up: false });
    assert.equal((await h.call({ url: '/api/v1/summary' })).body.cache.redis_up, false);
    await redis.start();
    await eventually(async () => seriesValue(await h.agent.scrape(), 'gust_redis_up') === 1 || undefined, 10_000, 'gust_redis_up 1');
    const text = await h.agent.scrape();
    assert.ok(seriesValue(text, 'gust_cache_hits_total{cache="api",layer="memory"}')! >= 1);
    assert.ok(seriesValue(text, 'gust_cache_misses_total{cache="api"}')! >= 1);
    assert.equal(seriesValue(text, 'gust_cache_evictions_total{cache="api",reason="capacity"}'), 0);
    assert.match(text, /^gust_cache_entries\{cache="api",layer="memory"\} \d+$/m);
    assert.match(text, /^gust_cache_operation_duration_seconds_count\{layer="redis",operation="get"\} [1-9]\d*$/m);
    assert.equal(h.agent.logs.filter((l) => l.includes('Redis unavailable')).length, 1);
  });

  test('the command source stopped: refresh answers 503', async () => {
    // What the command source's stop() does; the HTTP server outlives it during shutdown.
    const providers = h.agent.agent.ctx.providers;
    const saved = providers.refresh;
    delete providers.refresh;
    try {
      const res = await h.call({ method: 'POST', url: '/api/v1/servers/mc/refresh', headers: auth });
      assert.equal(res.status, 503);
      assert.equal(res.body.code, 'GUST_API_UNAVAILABLE');
    } finally {
      providers.refresh = saved;
    }
  });

  test('no reply, header, /metrics line or log line contains a configured secret', async () => {
    const metrics = await h.agent.scrape();
    assert.match(metrics, /gust_command_failures_total\{server="quiet"/, 'the exposition covers the server whose password is set');
    const haystacks = [...h.seen, metrics, ...h.agent.logs];
    assert.ok(haystacks.length > 50);
    for (const text of haystacks) for (const secret of SECRETS) assert.ok(!text.includes(secret), `secret leaked in: ${text.slice(0, 300)}`);
  });
});

describe('API rate limiting and read authentication', () => {
  let h: Harness;
  before(async () => {
    const agent = await startAgent(`api: { tokens: ["${TOKEN}"], read_auth: true, rate_limit: { max: 4, window: 1m } }
servers:
  - id: alpha
    game: minecraft
`);
    h = harness(agent);
  });
  after(async () => {
    await h?.agent.stop();
  });

  test('reads need a token with read_auth; the limit answers 429 in JSON; other paths are not limited', async () => {
    const denied = await h.call({ url: '/api/v1/summary' });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['x-ratelimit-limit'], '4');
    const detail = await h.call({ url: '/api/v1/servers/alpha', headers: auth });
    assert.equal(detail.status, 200);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.call({ url: '/api/v1/servers', headers: auth })).status);
    assert.deepEqual(statuses, [200, 200, 429, 429]);
    const limited = await h.call({ url: '/api/v1/servers/alpha', headers: auth });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'GUST_API_RATE_LIMITED');
    assert.equal(limited.body.error, 'Too Many Requests');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // /metrics is outside /api/v1: not limited.
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${h.agent.url}/metrics`)).status, 200);
    // Without Redis: memory series only, and no gust_redis_up (GustRedisDown must not fire).
    const text = await h.agent.scrape();
    assert.equal(seriesValue(text, 'gust_redis_up'), undefined);
    assert.equal(seriesValue(text, 'gust_cache_misses_total{cache="api"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_hits_total{cache="api",layer="memory"}'), 0);
    assert.equal(seriesValue(text, 'gust_cache_hits_total{cache="api",layer="redis"}'), undefined);
    assert.equal(seriesValue(text, 'gust_cache_entries{cache="api",layer="memory"}'), 1);
    assert.equal(seriesValue(text, 'gust_cache_errors_total{layer="redis"}'), undefined);
    assert.equal(seriesValue(text, 'gust_cache_errors_total{layer="memory"}'), 0);
  });
});

describe('API tokens', () => {
  const OTHER = 'api-token-second-51c0e8';
  const config = (tokens: string[]) => `api: { tokens: [${tokens.map((t) => `"${t}"`).join(', ')}] }
servers:
  - id: alpha
    game: minecraft
`;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test('no token configured: every mutating route answers 401 and says why; reads stay open', async () => {
    const agent = await startAgent(config([]));
    const h = harness(agent);
    try {
      for (const [method, url] of [['POST', '/api/v1/servers/alpha/refresh'], ['DELETE', '/api/v1/cache'], ['POST', '/-/reload']] as const) {
        // Any offered token is wrong when none is configured (an empty list matches nothing).
        for (const headers of [{}, bearer(''), bearer(TOKEN)]) {
          const res = await h.call({ method, url, headers });
          assert.equal(res.status, 401, `${method} ${url}`);
          assert.equal(res.body.code, 'GUST_API_UNAUTHORIZED');
          assert.match(res.body.message, /no API tokens are configured/);
        }
      }
      assert.equal((await h.call({ url: '/api/v1/servers' })).status, 200);
    } finally {
      await agent.stop();
    }
  });

  test('a reload that removes a token revokes it at once; the remaining token keeps working', async () => {
    const agent = await startAgent(config([TOKEN, OTHER]));
    const h = harness(agent);
    try {
      assert.equal((await h.call({ method: 'DELETE', url: '/api/v1/cache', headers: bearer(TOKEN) })).status, 200);
      assert.equal((await h.call({ method: 'DELETE', url: '/api/v1/cache', headers: bearer(OTHER) })).status, 200);
      writeFileSync(agent.configPath, `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${agent.dir}/state\nhost: { enabled: false }\n${config([OTHER])}`);
      assert.deepEqual((await h.call({ method: 'POST', url: '/-/reload', headers: bearer(TOKEN) })).body, { status: 'success' });
      const revoked = await h.call({ method: 'DELETE', url: '/api/v1/cache', headers: bearer(TOKEN) });
      assert.equal(revoked.status, 401);
      assert.match(revoked.body.message, /a valid bearer token is required/);
      assert.equal((await h.call({ method: 'POST', url: '/-/reload', headers: bearer(TOKEN) })).status, 401);
      assert.equal((await h.call({ method: 'DELETE', url: '/api/v1/cache', headers: bearer(OTHER) })).status, 200);
    } finally {
      await agent.stop();
    }
  });
});
