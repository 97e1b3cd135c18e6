/**
 * `gust-agent discover [--config PATH]`: finds the game servers on this host and prints them
 * as a `servers:` block for config.yaml (passwords as references, never values), then exits.
 * The config's `discovery:` section chooses the sources (without a config file, all of them
 * with their defaults, even when discovery is off in the agent), and its servers are left out
 * the way the running agent leaves them out (same id or RCON endpoint).
 */
import { existsSync } from 'node:fs';
import { parseCommonArgs } from './args.ts';
import { loadConfigFile, parseConfig, resolveConfigPath } from '../config/load.ts';
import { runDiscovery, rconEndpoint } from '../discovery/run.ts';
import { renderServers } from '../discovery/render.ts';

export async function discoverCommand(args: string[]): Promise<number> {
  const { values } = parseCommonArgs(args);
  const configPath = resolveConfigPath(values.config as string | undefined);
  const config = values.config !== undefined || existsSync(configPath) ? (await loadConfigFile(configPath)).config : parseConfig('{}', 'defaults.yaml');
  const { found, failures } = await runDiscovery(config.discovery);
  const ids = new Set(config.servers.map((s) => s.id));
  const endpoints = new Set(config.servers.map((s) => rconEndpoint(s)));
  const fresh = found.filter((f) => !ids.has(f.server.id) && !endpoints.has(rconEndpoint(f.server)));
  process.stdout.write(renderServers(fresh, failures));
  if (fresh.length < found.length) process.stderr.write(`${found.length - fresh.length} found server(s) left out: already in ${configPath}\n`);
  return 0;
}
