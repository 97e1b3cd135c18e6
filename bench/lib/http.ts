/**
 * A minimal keep-alive HTTP client for timing: measures from sending the request to the last
 * byte of the body, as a Prometheus scrape does, without fetch's extra layers in the figure.
 */
import http from 'node:http';

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface TimedResponse {
  status: number;
  body: string;
  ms: number;
}

export function timedGet(url: string, timeoutMs = 30_000): Promise<TimedResponse> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.get(url, { agent: keepAlive, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - start }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Sequential GETs (one scraper, like Prometheus); returns every latency in ms and the last body. */
export async function timeSequential(url: string, count: number): Promise<{ latencies: number[]; last: TimedResponse }> {
  const latencies: number[] = [];
  let last: TimedResponse | undefined;
  for (let i = 0; i < count; i++) {
    last = await timedGet(url);
    if (last.status !== 200) throw new Error(`GET ${url} answered ${last.status}: ${last.body.slice(0, 200)}`);
    latencies.push(last.ms);
  }
  return { latencies, last: last! };
}

/** Polls `check` until it returns a value; throws past the deadline. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
}
