import type { FastifyPluginAsync } from 'fastify';
import type { HttpDeps } from '../deps.ts';

/** Prometheus-style /-/healthy and /-/ready, with /health and /ready aliases. */
export function healthRoutes(deps: HttpDeps): FastifyPluginAsync {
  return async (app) => {
    const healthy = async () => 'Healthy.\n';
    app.get('/-/healthy', healthy);
    app.get('/health', healthy);
    const ready = async (_req: unknown, reply: import('fastify').FastifyReply) =>
      deps.isReady() ? 'Ready.\n' : reply.code(503).send('Not ready: first collection cycle still running.\n');
    app.get('/-/ready', ready);
    app.get('/ready', ready);
  };
}
