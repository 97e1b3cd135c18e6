import { parseCommonArgs } from './args.ts';
import { loadConfigFile, resolveConfigPath } from '../config/load.ts';
import { ConfigError, errorMessage, GustError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { Agent } from '../agent.ts';
import { VERSION } from '../version.ts';

const SHUTDOWN_BUDGET_MS = 9_500;

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseCommonArgs(args);
  const file = resolveConfigPath(values.config as string | undefined);
  let loaded;
  try {
    loaded = await loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof GustError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const logger = createLogger(loaded.config.log);
  logger.info({ version: VERSION, config: loaded.path }, 'starting gust-agent');
  const agent = new Agent({ config: loaded.config, configPath: loaded.path, logger });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS);
    force.unref();
    agent.stop().then(
      () => {
        logger.flush?.();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err: errorMessage(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => void agent.reload());
  process.on('unhandledRejection', (err) => logger.error({ err: errorMessage(err) }, 'unhandled rejection'));

  try {
    await agent.start();
  } catch (err) {
    logger.fatal({ err: errorMessage(err) }, 'cannot start');
    await agent.stop().catch(() => {});
    return 1;
  }
  // Keep running until a signal arrives.
  await new Promise<never>(() => {});
  return 0;
}
