import pino, { type Logger } from 'pino';
import type { Config } from './config/schema.ts';

/**
 * pino, JSON by default. Secrets are Secret objects that serialise as `<secret>`; the redact
 * list is a second line of defence for raw values that a library error might carry.
 */
export function createLogger(options: Config['log'], destination?: pino.DestinationStream): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { app: 'gust-agent' },
    redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization'], censor: '<secret>' },
  };
  if (destination) return pino(base, destination);
  if (options.format === 'pretty') {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: process.stdout.isTTY, translateTime: 'SYS:standard' } } });
  }
  return pino(base);
}
