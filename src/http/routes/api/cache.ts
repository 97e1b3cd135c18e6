/** GET /cache/stats and DELETE /cache[?prefix=]. */
import type { FastifyInstance } from 'fastify';
import type { AgentContext } from '../../../agent/context.ts';
import { errorReplies, nullable } from './schemas.ts';

const counts = { type: 'object', additionalProperties: { type: 'number' } } as const;

export const cacheStatsSchema = {
  type: 'object',
  properties: {
    redis: { type: 'object', properties: { configured: { type: 'boolean' }, up: { type: 'boolean' } } },
    totals: { type: 'object', properties: { hits: { type: 'number' }, misses: { type: 'number' }, hit_ratio: nullable({ type: 'number' }) } },
    caches: {
      type: 'object',
      description: 'Per cache name',
      additionalProperties: {
        type: 'object',
        properties: { hits: counts, misses: { type: 'number' }, hit_ratio: nullable({ type: 'number' }), entries: counts, evictions: counts },
      },
    },
  },
} as const;

export function cacheRoutes(app: FastifyInstance, ctx: AgentContext): void {
  app.get('/cache/stats', {
    schema: { summary: 'Hits, misses, hit ratio, entries and evictions per cache name and layer', response: { 200: cacheStatsSchema } },
  }, async () => {
    const stats = await ctx.cache.stats();
    return {
      redis: stats.redis,
      totals: { hits: stats.totals.hits, misses: stats.totals.misses, hit_ratio: stats.totals.hitRatio },
      caches: Object.fromEntries(Object.entries(stats.caches).map(([name, { hitRatio, ...rest }]) => [name, { ...rest, hit_ratio: hitRatio }])),
    };
  });

  app.delete<{ Querystring: { prefix?: string } }>('/cache', {
    schema: {
      summary: 'Delete cached entries (all, or those whose key `cache:key` starts with prefix) from memory and Redis',
      querystring: { type: 'object', properties: { prefix: { type: 'string', minLength: 1, maxLength: 200 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { deleted: { type: 'integer' } } }, ...errorReplies(400, 401) },
    },
  }, async (request) => ({ deleted: await ctx.cache.clear(request.query.prefix) }));
}
