/** The command line shared by every subcommand: usage text and --config. */
import { parseArgs } from 'node:util';
import { errorMessage, GustError } from '../errors.ts';

export const USAGE = `Usage:
  gust-agent [run] [--config PATH]          run the agent
  gust-agent check-config [--config PATH]   validate a config file and exit
  gust-agent parse --game GAME [--rules FILE] LOGFILE...
                                            run log files through the extraction rules once and print the exposition
  gust-agent discover [--config PATH]       print the game servers found on this host as a servers: block
  gust-agent rules [--config PATH] [--out DIR]
                                            render Prometheus alerting and recording rules from the alert thresholds
  gust-agent --version

The config path defaults to $GUST_CONFIG, then /etc/gust-agent/config.yaml.`;

/** Shared by subcommands: --config PATH and the rest. */
export function parseCommonArgs(args: string[], extra: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = {}) {
  try {
    return parseArgs({ args, options: { config: { type: 'string', short: 'c' }, ...extra }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new GustError('GUST_USAGE', `${errorMessage(err)}\n\n${USAGE}`);
  }
}
