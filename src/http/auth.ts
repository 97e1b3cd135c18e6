import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Secret } from '../config/secret.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Constant-time bearer check: both sides are hashed first so neither the token's content
 * nor its length leaks through timing. Every configured token is compared (no early exit).
 */
export function bearerMatches(header: string | undefined, tokens: readonly Secret[]): boolean {
  if (!header || tokens.length === 0) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  const offered = digest(m[1]!);
  let ok = false;
  for (const token of tokens) ok = timingSafeEqual(offered, digest(token.reveal())) || ok;
  return ok;
}

/** A preHandler that answers 401 with a JSON body unless a configured token is presented. */
export function requireToken(tokens: () => readonly Secret[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (bearerMatches(request.headers.authorization, tokens())) return;
    const configured = tokens().length > 0;
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="gust-agent"')
      .send({
        error: 'Unauthorized',
        code: 'GUST_API_UNAUTHORIZED',
        message: configured ? 'a valid bearer token is required' : 'no API tokens are configured (api.tokens_file); this route is disabled',
      });
  };
}
