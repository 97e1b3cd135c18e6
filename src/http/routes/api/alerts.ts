/** GET /alerts: active alerts of the in-agent evaluator, when it registered a provider. */
import type { FastifyInstance } from 'fastify';
import type { AgentContext } from '../../../agent/context.ts';

export function alertRoutes(app: FastifyInstance, ctx: AgentContext): void {
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
    const provider = ctx.providers.alerts;
    return { available: provider !== undefined, alerts: provider ? provider() : [] };
  });
}
