import type { FastifyPluginAsync } from 'fastify';
import type { HttpDeps } from '../deps.ts';
import { requireToken } from '../auth.ts';
import { Readable } from 'node:stream';
import { renderExpositionChunks } from '../exposition.ts';

export function metricsRoute(deps: HttpDeps): FastifyPluginAsync {
  return async (app) => {
    const { ctx } = deps;
    const auth = requireToken(() => ctx.config.api.tokens);
    app.get('/metrics', {
      preHandler: async (request, reply) => {
        if (ctx.config.api.metrics_auth) await auth(request, reply);
      },
    }, async (_request, reply) => {
      await ctx.collectors.collectAll();
      const chunks = await renderExpositionChunks(ctx.registry);
      return reply.type(ctx.registry.contentType).send(Readable.from(chunks));
    });
  };
}
