/**
 * OpenAPI 3.1 description of /api/v1, generated from the route schemas fastify validates and
 * serialises with (collected by an onRoute hook), so the document cannot drift from the code.
 * OpenAPI 3.1 schemas are JSON Schema, so route schemas are used as they are.
 */
import type { RouteOptions } from 'fastify';
import { VERSION } from '../version.ts';

declare module 'fastify' {
  /** Documentation fields of a route schema (the names @fastify/swagger uses). */
  interface FastifySchema {
    summary?: string;
    description?: string;
  }
}

interface RouteSchema {
  summary?: string;
  description?: string;
  params?: { properties?: Record<string, Record<string, unknown>>; required?: readonly string[] };
  querystring?: { properties?: Record<string, Record<string, unknown>>; required?: readonly string[] };
  response?: Record<string | number, unknown>;
}

export interface ApiRoute {
  method: string;
  url: string;
  schema: RouteSchema;
}

const STATUS_TEXT: Record<string, string> = {
  200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 429: 'Too Many Requests', 503: 'Service Unavailable',
};

/** Records every route of the scope it is added to (HEAD routes fastify adds are skipped). */
export function collectRoutes(routes: ApiRoute[]) {
  return (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, schema: (route.schema ?? {}) as RouteSchema });
    }
  };
}

function parameters(where: 'path' | 'query', schema: RouteSchema['params']) {
  return Object.entries(schema?.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: where, required: where === 'path' || (schema?.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

/** `readAuth`: whether GET routes currently need a token (api.read_auth). */
export function openApiDocument(routes: readonly ApiRoute[], options: { readAuth: boolean }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, url, schema } of routes) {
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const read = method === 'GET';
    const responses: Record<string, unknown> = {};
    for (const [status, body] of Object.entries(schema.response ?? {})) {
      responses[status] = { description: STATUS_TEXT[status] ?? status, content: { 'application/json': { schema: body } } };
    }
    responses['429'] ??= { description: STATUS_TEXT[429], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = {
      ...(schema.summary ? { summary: schema.summary } : {}),
      ...(schema.description ? { description: schema.description } : {}),
      parameters: [...parameters('path', schema.params), ...parameters('query', schema.querystring)],
      responses,
      ...(!read || options.readAuth ? { security: [{ bearer: [] }] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'gust-agent API', version: VERSION, description: 'Game-server state, player counts, cache and alerts of one gust-agent.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from api.tokens_file' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'code', 'message'],
          properties: { error: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  };
}
