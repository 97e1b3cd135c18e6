/**
 * The agent's HTTP face (fastify): landing page, /metrics, health and readiness, reload, and
 * the JSON API under /api/v1. Scrapes only read in-memory state.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HttpDeps } from './deps.ts';
import { createHttpMetrics } from '../metrics/http.ts';
import { requireToken } from './auth.ts';
import { landingRoute } from './routes/landing.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoute } from './routes/metrics.ts';
import { apiRoutes } from './routes/api.ts';

export async function createHttpServer(deps: HttpDeps, logger: Logger): Promise<FastifyInstance> {
  const { ctx } = deps;
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request log lines would drown a scrape every 15 s; request metrics cover it.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  const metrics = createHttpMetrics(ctx.registry);
  const tokens = () => ctx.config.api.tokens;

  app.addHook('onRequest', async (request) => {
    metrics.inFlight.inc();
    (request as { gustStart?: bigint }).gustStart = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.inFlight.dec();
    const route = request.routeOptions.url ?? 'unmatched';
    const start = (request as { gustStart?: bigint }).gustStart ?? process.hrtime.bigint();
    metrics.requests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, Number(process.hrtime.bigint() - start) / 1e9);
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: 'Not Found', code: 'GUST_API_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );

  // One limiter per client address for /api/v1 and every other route that checks a token
  // (reload, /metrics with metrics_auth): checked before the token, so guessing is limited.
  await app.register(rateLimit, {
    global: false,
    // Functions: a reload changes the limits without re-registering the plugin.
    max: () => ctx.config.api.rate_limit.max,
    timeWindow: () => ctx.config.api.rate_limit.window,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'GUST_API_RATE_LIMITED',
      message: `rate limit of ${context.max} requests exceeded; retry in ${context.after}`,
    }),
  });
  const limited = app.rateLimit();

  await app.register(landingRoute(deps));
  await app.register(healthRoutes(deps));
  await app.register(metricsRoute(deps, limited));
  app.post('/-/reload', { onRequest: limited, preHandler: requireToken(tokens) }, async (_request, reply) => {
    const result = await deps.reload();
    if (result.ok) return { status: 'success' };
    return reply.code(400).send({ status: 'error', code: 'GUST_CONFIG_INVALID', message: result.error });
  });
  await app.register(apiRoutes(deps), { prefix: '/api/v1' });
  return app;
}
