import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import type { HttpDeps } from '../deps.ts';
import { requireToken } from '../auth.ts';
import { Readable } from 'node:stream';
import { collectAndRender } from '../exposition.ts';

/** `limited`: the agent-wide rate limiter, applied when the route checks a token (metrics_auth). */
export function metricsRoute(deps: HttpDeps, limited: onRequestHookHandler): FastifyPluginAsync {
  return async (app) => {
    const { ctx } = deps;
    const auth = requireToken(() => ctx.config.api.tokens);
    app.get('/metrics', {
      preHandler: async (request, reply) => {
        if (!ctx.config.api.metrics_auth) return;
        await limited.call(app, request, reply, () => {});
        await auth(request, reply);
      },
    }, async (_request, reply) => {
      const chunks = await collectAndRender(ctx.collectors, ctx.registry);
      return reply.type(ctx.registry.contentType).send(Readable.from(chunks));
    });
  };
}
