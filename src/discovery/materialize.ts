/**
 * A found server as the running agent uses it: validated by the same schema as a configured
 * one, its password read from the reference the way the config loader reads password_from.
 */
import { serverSchema, type Config, type ServerConfig } from '../config/schema.ts';
import { commandLineValue, passwordFromSchema, readPasswordFrom } from '../config/password-from.ts';
import { rconEndpoint } from './run.ts';
import type { Found } from './types.ts';

export function materialize(found: Found): { server: ServerConfig; problems: string[] } | { error: string } {
  const raw = structuredClone(found.server) as Found['server'] & { rcon?: { password?: string; password_from?: unknown } };
  const problems: string[] = [];
  if (raw.rcon?.password_from) {
    const ref = passwordFromSchema.parse(raw.rcon.password_from);
    // The command line of the very process it was found as: no second scan of /proc.
    const fromArgv = 'process' in ref && found.argv ? commandLineValue(found.argv, ref.arg) : undefined;
    const result = fromArgv !== undefined ? { value: fromArgv } : readPasswordFrom(ref, '/');
    if ('value' in result) raw.rcon.password = result.value;
    else problems.push(`rcon password: ${result.error}`);
    delete raw.rcon.password_from;
  } else if (raw.rcon && found.inlinePassword) raw.rcon.password = found.inlinePassword.value;
  const parsed = serverSchema.safeParse(raw);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { server: parsed.data, problems };
}

/** Configured servers, then discovered ones that no configured server shadows (same id or RCON endpoint). */
export function withDiscovered(config: Config, discovered: readonly ServerConfig[]): Config {
  if (discovered.length === 0) return config;
  const ids = new Set(config.servers.map((s) => s.id));
  const endpoints = new Set(config.servers.map((s) => rconEndpoint(s)).filter((e) => e !== undefined));
  const added = discovered.filter((s) => !ids.has(s.id) && !endpoints.has(rconEndpoint(s) ?? ''));
  return { ...config, servers: [...config.servers, ...added] };
}
