/**
 * JSON API under /api/v1. Order of checks on each request: rate limit (onRequest, shared with
 * the other routes that check a token), bearer token (preValidation: mutating routes always,
 * reads when api.read_auth), then schema validation, so unauthenticated or abusive clients
 * learn nothing about valid ids.
 * Every answer is JSON, errors included ({error, code, message}), with X-Response-Time.
 */
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { errorMessage } from '../../errors.ts';
import { requireToken } from '../auth.ts';
import { collectRoutes, openApiDocument, type ApiRoute } from '../openapi.ts';
import { RequestWindow } from '../request-window.ts';
import type { HttpDeps } from '../deps.ts';
import { alertRoutes } from './api/alerts.ts';
import { cacheRoutes } from './api/cache.ts';
import { clusterRoutes } from './api/cluster.ts';
import { serverRoutes, sendError } from './api/servers.ts';
import { summaryRoute } from './api/summary.ts';

const READ_METHODS = new Set(['GET', 'HEAD']);

export function apiRoutes(deps: HttpDeps): FastifyPluginAsync {
  return async (app) => {
    const { ctx } = deps;
    const requests = new RequestWindow();
    const routes: ApiRoute[] = [];
    app.addHook('onRoute', collectRoutes(routes));

    // The agent-wide limiter of server.ts: /api/v1 and every other route that checks a token share it.
    app.addHook('onRequest', app.rateLimit());

    const token = requireToken(() => ctx.config.api.tokens);
    app.addHook('preValidation', async (request, reply) => {
      if (READ_METHODS.has(request.method) && !ctx.config.api.read_auth) return;
      await token(request, reply);
    });

    app.addHook('onSend', async (request, reply) => {
      const start = (request as { gustStart?: bigint }).gustStart;
      if (start !== undefined) reply.header('x-response-time', `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(3)}ms`);
    });
    app.addHook('onResponse', async (request, reply) => {
      requests.record(reply.elapsedTime, reply.statusCode);
    });

    app.setErrorHandler(async (err: FastifyError & { code?: string }, request, reply) => {
      if (err.validation) return sendError(reply, 400, 'Bad Request', 'GUST_API_BAD_REQUEST', err.message);
      if (err.statusCode === 429) return sendError(reply, 429, 'Too Many Requests', 'GUST_API_RATE_LIMITED', err.message);
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        return sendError(reply, err.statusCode, 'Bad Request', 'GUST_API_BAD_REQUEST', err.message);
      }
      request.log.error({ route: request.routeOptions.url, err: errorMessage(err) }, 'API handler failed');
      return sendError(reply, 500, 'Internal Server Error', 'GUST_API_INTERNAL', 'internal error; see the agent log');
    });

    serverRoutes(app, ctx);
    summaryRoute(app, ctx, requests);
    cacheRoutes(app, ctx);
    alertRoutes(app, ctx);
    clusterRoutes(app, ctx);
    app.get('/openapi.json', { schema: { summary: 'This OpenAPI description' } }, async () =>
      openApiDocument(routes, { readAuth: ctx.config.api.read_auth }),
    );
  };
}
