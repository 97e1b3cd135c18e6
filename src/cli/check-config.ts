import { parseCommonArgs } from './args.ts';
import { loadConfigFile, resolveConfigPath } from '../config/load.ts';
import { ConfigError, GustError } from '../errors.ts';

export async function checkConfigCommand(args: string[]): Promise<number> {
  const { values } = parseCommonArgs(args);
  const file = resolveConfigPath(values.config as string | undefined);
  try {
    const { config } = await loadConfigFile(file);
    process.stdout.write(`${file}: OK (${config.servers.length} servers, ${config.rules.length} rules)\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof GustError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
