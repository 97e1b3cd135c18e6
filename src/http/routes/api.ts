import type { FastifyPluginAsync } from 'fastify';
import type { HttpDeps } from '../server.ts';

/** JSON API under /api/v1 (filled in by the cache + API work, issue 5). */
export function apiRoutes(_deps: HttpDeps): FastifyPluginAsync {
  return async () => {};
}
