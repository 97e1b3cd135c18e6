/**
 * Issue 19 defect 4: every route that checks a bearer token is rate limited per client, the
 * limit checked before the token, so tokens cannot be guessed at full speed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent } from '../support/agent.ts';

async function statuses(n: number, request: () => Promise<Response>): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, async () => {
      const res = await request();
      await res.arrayBuffer();
      return res.status;
    }));
    for (const s of batch) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

test('300 wrong tokens on POST /-/reload: 20 answered 401, the rest 429; /metrics with metrics_auth shares the limit; health is never limited', async () => {
  const agent = await startAgent('api: { tokens: ["right-token"], metrics_auth: true, rate_limit: { max: 20, window: 1m } }\n');
  try {
    const wrong = { authorization: 'Bearer guess' };
    const reload = await statuses(300, () => fetch(`${agent.url}/-/reload`, { method: 'POST', headers: wrong }));
    assert.deepEqual(Object.fromEntries(reload), { 401: 20, 429: 280 });
    const limited = await fetch(`${agent.url}/-/reload`, { method: 'POST', headers: { authorization: 'Bearer right-token' } });
    assert.equal(limited.status, 429, 'the right token does not get through the limit either');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const body = (await limited.json()) as { code: string };
    assert.equal(body.code, 'GUST_API_RATE_LIMITED');
    assert.equal((await fetch(`${agent.url}/metrics`, { headers: wrong })).status, 429);
    assert.equal((await fetch(`${agent.url}/api/v1/cache`, { method: 'DELETE', headers: wrong })).status, 429);
    assert.equal((await fetch(`${agent.url}/-/healthy`)).status, 200);
  } finally {
    await agent.stop();
  }
});

test('without metrics_auth, scrapes are not limited', async () => {
  const agent = await startAgent('api: { rate_limit: { max: 5, window: 1m } }\n');
  try {
    const scrapes = await statuses(30, () => fetch(`${agent.url}/metrics`));
    assert.deepEqual(Object.fromEntries(scrapes), { 200: 30 });
  } finally {
    await agent.stop();
  }
});
