import pino, { type Logger } from 'pino';
import type { Config } from './config/schema.ts';

/** Log text kept in memory while stdout is not read; past it, lines are dropped and counted. */
const STDOUT_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * stdout, written asynchronously. pino's default writes synchronously, and a write to a pipe
 * nobody reads (a stalled journald or log shipper, a parent that stopped reading) retries
 * EAGAIN in a busy sleep that freezes the event loop: scrapes, the API and even the forced
 * exit after SIGTERM (orphaned test agents were found hours later in that wait).
 */
function stdoutDestination(): pino.DestinationStream & NodeJS.EventEmitter {
  // Set when the process exits (before pino's exit flush, registered after this): that flush
  // then gives up on a stdout that does not drain.
  let exiting = false;
  process.once('exit', () => {
    exiting = true;
  });
  const stream = pino.destination({ dest: 1, sync: false, maxLength: STDOUT_BUFFER_BYTES, retryEAGAIN: () => !exiting });
  // pino flushes an asynchronous destination synchronously at exit; with stdout still full
  // that throws (retry refused above): what cannot be written then is lost, the exit is not.
  const flushSync = stream.flushSync.bind(stream);
  stream.flushSync = () => {
    try {
      flushSync();
    } catch {
      // stdout does not drain: give up
    }
  };
  return stream;
}

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
  const stdout = stdoutDestination();
  const logger = pino(base, stdout);
  let dropped = 0;
  stdout.on('drop', () => dropped++);
  stdout.on('write', () => {
    if (dropped === 0) return;
    const count = dropped;
    dropped = 0;
    logger.warn({ dropped: count }, 'log lines dropped: stdout was not read');
  });
  return logger;
}
