/**
 * /servers routes: state of every server, one server, its player count (cached: X-Cache-Status),
 * and an on-demand run of the server's configured commands.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AgentContext } from '../../../agent/context.ts';
import { errorReplies, playersSchema, serverDetailSchema, serverIdParams, serverSchema } from './schemas.ts';
import { playersAnswer, serverDetailView, serverView, type PlayersAnswer } from './views.ts';

/** Cache name of API answers (the `cache` label). */
export const API_CACHE = 'api';
export const cacheKeys = { players: (id: string) => `players:${id}`, server: (id: string) => `server:${id}` };

type IdRequest = { Params: { id: string } };

export function sendError(reply: FastifyReply, status: number, error: string, code: string, message: string) {
  return reply.code(status).send({ error, code, message });
}

const unknownServer = (reply: FastifyReply, id: string) => sendError(reply, 404, 'Not Found', 'GUST_API_NOT_FOUND', `unknown server "${id}"`);

/** In a shard group a member answers for its own share only, as its /metrics does. */
const exportedHere = (ctx: AgentContext, id: string) => ctx.cluster?.exports(id) ?? true;

/** The 404 for an id this member does not answer for (unknown, or another member's share), if any. */
function missing(ctx: AgentContext, reply: FastifyReply, id: string) {
  if (!ctx.state.get(id)) return unknownServer(reply, id);
  if (exportedHere(ctx, id)) return undefined;
  const holder = ctx.cluster?.holderOf(id);
  const where = holder ? `member "${holder.member}"${holder.address ? ` (${holder.address})` : ''}` : 'no member at the moment';
  return sendError(reply, 404, 'Not Found', 'GUST_API_OTHER_MEMBER', `server "${id}" is polled by ${where} of this shard group`);
}

/** API answers live at most one command round: state changes at least that often. */
const answerTtl = (ctx: AgentContext) => Math.min(ctx.config.cache.ttl, ctx.config.auto_commands.interval);

export function serverRoutes(app: FastifyInstance, ctx: AgentContext): void {
  app.get('/servers', {
    schema: {
      summary: "Current state of every configured server (in a shard group: this member's share)",
      response: { 200: { type: 'object', properties: { servers: { type: 'array', items: serverSchema } } } },
    },
  }, async () => ({ servers: ctx.state.list().filter((s) => exportedHere(ctx, s.id)).map((s) => serverView(ctx, s.id)!) }));

  app.get<IdRequest>('/servers/:id', {
    schema: {
      summary: 'State of one server with every observed field (cached; X-Cache-Status)',
      params: serverIdParams,
      response: { 200: serverDetailSchema, ...errorReplies(400, 404) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const notHere = missing(ctx, reply, id);
    if (notHere) return notHere;
    const cached = await ctx.cache.get<ReturnType<typeof serverDetailView>>(API_CACHE, cacheKeys.server(id));
    reply.header('x-cache-status', cached ? 'hit' : 'miss');
    if (cached) return cached.value;
    const view = serverDetailView(ctx, id)!;
    await ctx.cache.set(API_CACHE, cacheKeys.server(id), view, answerTtl(ctx));
    return view;
  });

  app.get<IdRequest>('/servers/:id/players', {
    schema: {
      summary: 'Player count: current, max, percentage, source, timestamp (cached; X-Cache-Status)',
      description: '404 when the server is unknown or no count was observed within alerts.player_count_stale_after.',
      params: serverIdParams,
      response: { 200: playersSchema, ...errorReplies(400, 404) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const notHere = missing(ctx, reply, id);
    if (notHere) return notHere;
    const staleAfter = ctx.config.alerts.player_count_stale_after;
    const cached = await ctx.cache.get<PlayersAnswer>(API_CACHE, cacheKeys.players(id));
    // A cached answer is served only while the count it holds is still fresh.
    if (cached && Date.now() - Date.parse(cached.value.timestamp) <= staleAfter) {
      reply.header('x-cache-status', 'hit');
      return cached.value;
    }
    reply.header('x-cache-status', 'miss');
    const answer = playersAnswer(ctx, id);
    if (!answer) return sendError(reply, 404, 'Not Found', 'GUST_API_NOT_FOUND', `no player count for "${id}" observed in the last ${staleAfter / 1000} s`);
    await ctx.cache.set(API_CACHE, cacheKeys.players(id), answer, answerTtl(ctx));
    return answer;
  });

  app.post<IdRequest>('/servers/:id/refresh', {
    schema: {
      summary: "Run the server's configured commands now (never an arbitrary command)",
      params: serverIdParams,
      response: {
        200: {
          type: 'object',
          properties: {
            server: { type: 'string' },
            ok: { type: 'boolean' },
            results: {
              type: 'array',
              items: { type: 'object', properties: { command: { type: 'string' }, ok: { type: 'boolean' }, error: { type: 'string' } } },
            },
          },
        },
        ...errorReplies(400, 401, 404, 409, 503),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const config = ctx.config.servers.find((s) => s.id === id);
    if (!config || !ctx.state.get(id)) return unknownServer(reply, id);
    if (!config.rcon || config.commands.length === 0) {
      return sendError(reply, 409, 'Conflict', 'GUST_API_CONFLICT', `server "${id}" has no rcon commands configured`);
    }
    const result = await ctx.providers.refresh?.(id);
    if (!result) return sendError(reply, 503, 'Service Unavailable', 'GUST_API_UNAVAILABLE', 'the command source is not running for this server');
    await Promise.all([ctx.cache.delete(API_CACHE, cacheKeys.players(id)), ctx.cache.delete(API_CACHE, cacheKeys.server(id))]);
    return { server: id, ...result };
  });
}
