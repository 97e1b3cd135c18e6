/** GET /alerts: active alerts of the in-agent evaluator, when it registered a provider. */
import type { FastifyInstance } from 'fastify';
import { apiProviders } from '../api-deps.ts';

export function alertRoutes(app: FastifyInstance): void {
  app.get('/alerts', {
    schema: {
      summary: 'Active alerts of the in-agent evaluator',
      response: {
        200: {
          type: 'object',
          properties: {
            available: { type: 'boolean', description: 'false when the evaluator is disabled or not running' },
            alerts: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
      },
    },
  }, async () => {
    const provider = apiProviders.alerts;
    return { available: provider !== undefined, alerts: provider ? provider() : [] };
  });
}
