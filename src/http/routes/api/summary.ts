/**
 * GET /summary: the seeds' performance summary (CPU, memory, requests per second, average and
 * p95 latency, error rate, cache hit rate, uptime) from process counters and the API's own
 * request window.
 */
import type { FastifyInstance } from 'fastify';
import type { AgentContext } from '../../../agent/context.ts';
import type { RequestWindow } from '../../request-window.ts';
import { nullable } from './schemas.ts';

const num = { type: 'number' } as const;
const nullableNum = nullable(num);

export const summarySchema = {
  type: 'object',
  properties: {
    uptime_seconds: num,
    cpu: {
      type: 'object',
      properties: {
        percent: { ...num, description: 'CPU used since the previous /summary call (or since start), % of one core' },
        user_seconds: num,
        system_seconds: num,
      },
    },
    memory: { type: 'object', properties: { rss_bytes: num, heap_used_bytes: num, heap_total_bytes: num } },
    requests: {
      type: 'object',
      description: 'Requests to /api/v1 in the last window',
      properties: { window_seconds: num, count: num, per_second: num, avg_latency_ms: nullableNum, p95_latency_ms: nullableNum, error_rate: nullableNum },
    },
    cache: { type: 'object', properties: { hit_rate: nullableNum, hits: num, misses: num, redis_up: nullable({ type: 'boolean' }) } },
  },
} as const;

export function summaryRoute(app: FastifyInstance, ctx: AgentContext, requests: RequestWindow): void {
  // The first call measures since process start (zero CPU used at that time).
  let last = { cpu: { user: 0, system: 0 }, atNs: process.hrtime.bigint() - BigInt(Math.round(process.uptime() * 1e9)) };
  app.get('/summary', { schema: { summary: 'Agent performance summary', response: { 200: summarySchema } } }, async () => {
    const cpu = process.cpuUsage();
    const nowNs = process.hrtime.bigint();
    const elapsedUs = Number(nowNs - last.atNs) / 1000;
    const usedUs = cpu.user - last.cpu.user + (cpu.system - last.cpu.system);
    last = { cpu, atNs: nowNs };
    const mem = process.memoryUsage();
    const stats = await ctx.cache.stats();
    return {
      uptime_seconds: process.uptime(),
      cpu: { percent: elapsedUs > 0 ? (usedUs / elapsedUs) * 100 : 0, user_seconds: cpu.user / 1e6, system_seconds: cpu.system / 1e6 },
      memory: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed, heap_total_bytes: mem.heapTotal },
      requests: requests.summary(),
      cache: { hit_rate: stats.totals.hitRatio, hits: stats.totals.hits, misses: stats.totals.misses, redis_up: stats.redis.configured ? stats.redis.up : null },
    };
  });
}
