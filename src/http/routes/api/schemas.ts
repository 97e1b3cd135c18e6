/**
 * JSON schemas shared by the /api/v1 routes. Fastify validates params and query strings with
 * them and serialises replies through them (fields not in a reply schema are dropped, which
 * also keeps internal fields out of replies); openapi.ts publishes the same objects.
 */
import { SERVER_ID_RE } from '../../../config/schema.ts';

export const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const timestamp = { type: 'string', format: 'date-time' } as const;

export const errorSchema = {
  type: 'object',
  required: ['error', 'code', 'message'],
  properties: {
    error: { type: 'string', description: 'HTTP status text' },
    code: { type: 'string', description: 'Stable error code (GUST_API_...)' },
    message: { type: 'string' },
  },
} as const;

export const serverIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: SERVER_ID_RE.source, description: 'Server id from the config ([a-z0-9_-]{1,32})' } },
} as const;

export const sourceStatusSchema = {
  type: 'object',
  properties: {
    configured: { type: 'boolean' },
    ok: nullable({ type: 'boolean' }),
    last_attempt: nullable(timestamp),
    last_success: nullable(timestamp),
    last_error_reason: nullable({ type: 'string', enum: ['timeout', 'refused', 'auth', 'protocol', 'parse', 'error'] }),
  },
} as const;

export const playersSchema = {
  type: 'object',
  required: ['server', 'current', 'max', 'percentage', 'source', 'timestamp'],
  properties: {
    server: { type: 'string' },
    current: { type: 'integer', description: 'Players online' },
    max: nullable({ type: 'integer' }),
    percentage: nullable({ type: 'number', description: 'current / max * 100, one decimal' }),
    source: { type: 'string', enum: ['command', 'query', 'log'] },
    timestamp: { ...timestamp, description: 'When the count was observed' },
  },
} as const;

export const serverSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    game: { type: 'string' },
    maintenance: { type: 'boolean' },
    up: { type: 'boolean' },
    process_up: nullable({ type: 'boolean' }),
    players: nullable({
      type: 'object',
      properties: { online: { type: 'integer' }, max: nullable({ type: 'integer' }), percentage: nullable({ type: 'number' }) },
    }),
    map: nullable({ type: 'string' }),
    version: nullable({ type: 'string' }),
    sources: {
      type: 'object',
      properties: { command: sourceStatusSchema, query: sourceStatusSchema, log: sourceStatusSchema },
    },
    discovered: nullable({
      type: 'object',
      description: 'null for a configured server; for a discovered one, the discovery source, where it was found and the files it could not read',
      properties: { source: { type: 'string', enum: ['process', 'linuxgsm', 'docker'] }, from: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } },
    }),
  },
} as const;

export const fieldSchema = {
  type: 'object',
  properties: {
    value: { description: 'number, string or boolean' },
    source: { type: 'string', enum: ['command', 'query', 'log'] },
    timestamp,
  },
} as const;

export const serverDetailSchema = {
  type: 'object',
  properties: {
    ...serverSchema.properties,
    fields: { type: 'object', description: 'Every observed field with its source and time', additionalProperties: fieldSchema },
  },
} as const;

/** Reply schemas for the error statuses every route may answer. */
export const errorReplies = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
