/**
 * Every error the agent raises on purpose carries a stable code, so logs, API replies and
 * tests can match on it instead of on message text.
 */
export type ErrorCode =
  | 'GUST_CONFIG_INVALID'
  | 'GUST_CONFIG_READ'
  | 'GUST_CONFIG_ENV'
  | 'GUST_CONFIG_SECRET_FILE'
  | 'GUST_CONFIG_WORKER'
  | 'GUST_USAGE'
  | 'GUST_RCON_TIMEOUT'
  | 'GUST_RCON_REFUSED'
  | 'GUST_RCON_AUTH'
  | 'GUST_RCON_PROTOCOL'
  | 'GUST_RCON_CLOSED'
  | 'GUST_COMMAND_PARSE'
  | 'GUST_EXEC_FAILED'
  | 'GUST_QUERY_FAILED'
  | 'GUST_LOG_READ'
  | 'GUST_LOG_NOT_REGULAR'
  | 'GUST_CHECKPOINT_CORRUPT'
  | 'GUST_CACHE_UNAVAILABLE'
  | 'GUST_API_UNAUTHORIZED'
  | 'GUST_API_NOT_FOUND'
  | 'GUST_API_BAD_REQUEST'
  | 'GUST_API_CONFLICT'
  | 'GUST_API_RATE_LIMITED'
  | 'GUST_API_UNAVAILABLE'
  | 'GUST_API_INTERNAL';

export class GustError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'GustError';
  }
}

/** Several config problems reported together, one line each (blackbox_exporter style). */
export class ConfigError extends GustError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('GUST_CONFIG_INVALID', problems.join('\n'));
    this.problems = problems;
    this.name = 'ConfigError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
