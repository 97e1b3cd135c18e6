/** GET /cluster: the group this agent belongs to, from memory (refreshed every heartbeat). */
import type { FastifyInstance } from 'fastify';
import type { AgentContext } from '../../../agent/context.ts';

const str = { type: 'string' } as const;

export function clusterRoutes(app: FastifyInstance, ctx: AgentContext): void {
  app.get('/cluster', {
    schema: {
      summary: 'Members of the group, who holds which server and since when (as of the last heartbeat)',
      response: {
        200: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean', description: 'false when `cluster:` is not configured' },
            member: str,
            mode: { type: 'string', enum: ['replicate', 'shard'] },
            fallback: { type: 'boolean', description: 'Redis unreachable: this member polls alone' },
            members: {
              type: 'array',
              items: { type: 'object', properties: { id: str, address: str, mode: str, started: str, expires: str } },
            },
            leases: {
              type: 'array',
              items: { type: 'object', properties: { server: str, holder: str, epoch: { type: 'integer' }, since: str } },
            },
            unheld: { type: 'array', items: str, description: 'Servers nobody holds a lease for' },
          },
        },
      },
    },
  }, async () => {
    const cluster = ctx.cluster;
    return cluster ? { enabled: true, ...cluster.status() } : { enabled: false };
  });
}
