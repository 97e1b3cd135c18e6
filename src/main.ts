/**
 * CLI: gust-agent [run] [--config PATH] | check-config | discover | parse | rules | --version
 */
import { errorMessage, GustError } from './errors.ts';
import { VERSION, REVISION } from './version.ts';
import { USAGE } from './cli/args.ts';

export async function main(argv: string[]): Promise<number> {
  const commands: Record<string, (args: string[]) => Promise<number>> = {
    // Loaded on demand: `parse` is timed start-up included and must not load the whole agent.
    run: async (a) => (await import('./cli/run.ts')).runCommand(a),
    'check-config': async (a) => (await import('./cli/check-config.ts')).checkConfigCommand(a),
    parse: async (a) => (await import('./cli/parse.ts')).parseCommand(a),
    rules: async (a) => (await import('./cli/rules.ts')).rulesCommand(a),
    discover: async (a) => (await import('./cli/discover.ts')).discoverCommand(a),
  };
  const first = argv[0];
  if (first === '--version' || first === '-v') {
    process.stdout.write(`gust-agent ${VERSION} (revision ${REVISION}, node ${process.version})\n`);
    return 0;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const name = first && !first.startsWith('-') ? first : 'run';
  const command = commands[name];
  if (!command) {
    process.stderr.write(`gust-agent: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command(first === name ? argv.slice(1) : argv);
  } catch (err) {
    const code = err instanceof GustError ? err.code : undefined;
    process.stderr.write(`gust-agent: ${errorMessage(err)}\n`);
    return code === 'GUST_USAGE' ? 2 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.env.GUST_MAIN === '1') {
  main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
