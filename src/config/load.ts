/**
 * Reads config.yaml into a validated Config. Every problem is reported as
 * `FILE:LINE: key.path: message, got VALUE`, all of them at once, so one check-config run
 * shows everything that is wrong.
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError, errorMessage, GustError } from '../errors.ts';
import { MAX_CONFIG_BYTES, MAX_SECRET_BYTES, readFailure, readRegularFile, readRegularFileSync } from './read-file.ts';
import { configSchema, type Config } from './schema.ts';
import { passwordFromSchema, readPasswordFrom } from './password-from.ts';
import { checkCluster } from '../cluster/config.ts';

export const DEFAULT_CONFIG_PATH = '/etc/gust-agent/config.yaml';

export function resolveConfigPath(cliPath: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return cliPath ?? env.GUST_CONFIG ?? DEFAULT_CONFIG_PATH;
}

type PathKey = string | number;

export interface LoadedConfig {
  config: Config;
  path: string;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
}

/** Reads (only a regular file, at most MAX_CONFIG_BYTES, without blocking the event loop) and validates. */
export async function loadConfigFile(file: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readRegularFile(file, MAX_CONFIG_BYTES);
  } catch (err) {
    throw new GustError('GUST_CONFIG_READ', `${file}: cannot read config: ${errorMessage(err).replace(`${file}: `, '')}`, { cause: err });
  }
  return { config: parseConfig(text, file, options), path: path.resolve(file) };
}

export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const display = path.basename(file);
  const baseDir = path.dirname(path.resolve(file));
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);

  if (doc.errors.length > 0) {
    // The first errors say what is wrong; the rest are usually consequences.
    throw new ConfigError(doc.errors.slice(0, 3).map((e) => `${display}:${lineOf(e.pos[0])}: ${e.message.split('\n')[0]}`));
  }
  const problems: string[] = [];
  const at = (keyPath: PathKey[], message: string) =>
    problems.push(`${display}:${lineOf(nodeAt(doc, keyPath)?.range?.[0])}: ${formatPath(keyPath)}: ${message}`);

  const raw = (doc.toJS() ?? {}) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([`${display}:1: expected a mapping at the top level`]);
  }
  const interpolated = interpolate(raw, [], env, at);
  const withSecrets = readSecretFiles(interpolated, [], baseDir, env, at);
  if (problems.length > 0) throw new ConfigError(problems);

  const result = configSchema.safeParse(withSecrets);
  if (!result.success) {
    for (const issue of result.error.issues) reportIssue(issue, withSecrets, at);
    throw new ConfigError(problems);
  }
  const config = result.data;
  checkReferences(config, at);
  if (problems.length > 0) throw new ConfigError(problems);
  config.state_dir = path.resolve(baseDir, config.state_dir);
  return config;
}

const TYPE_NAMES: Record<string, string> = {
  boolean: 'true or false',
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  array: 'a list',
  object: 'a mapping',
};

function reportIssue(issue: z.core.$ZodIssue, data: unknown, at: (p: PathKey[], m: string) => void): void {
  const keyPath = issue.path as PathKey[];
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) at([...keyPath, key], 'unknown key');
    return;
  }
  const value = valueAt(data, keyPath);
  const got = value === undefined ? 'nothing' : isSecretPath(keyPath) ? `${kindOf(value)} (not shown: secret)` : JSON.stringify(value, hideSecrets);
  let message = issue.message;
  // zod's own wording ("Invalid input: expected boolean, received string") reads poorly in a config error.
  if (issue.code === 'invalid_type' && message.startsWith('Invalid input')) message = `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  if (issue.code === 'invalid_union') message = 'does not match any allowed form';
  if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  at(keyPath, `${message}, got ${got}`);
}

/** Cross-field rules zod cannot express per field. */
function checkReferences(config: Config, at: (p: PathKey[], m: string) => void): void {
  const ruleNames = new Set<string>();
  config.rules.forEach((rule, i) => {
    if (ruleNames.has(rule.name)) at(['rules', i, 'name'], `duplicate rule name "${rule.name}"`);
    ruleNames.add(rule.name);
    for (const [key, source] of [['match', rule.match], ['multiline', rule.multiline?.first_line]] as const) {
      if (source === undefined) continue;
      try {
        new RegExp(source, rule.flags);
      } catch (err) {
        at(['rules', i, key === 'match' ? 'match' : 'multiline'], `invalid regular expression: ${errorMessage(err)}`);
      }
    }
  });
  const ids = new Set<string>();
  config.servers.forEach((server, i) => {
    if (ids.has(server.id)) at(['servers', i, 'id'], `duplicate server id "${server.id}"`);
    ids.add(server.id);
    const rcon = server.rcon;
    if (rcon) {
      if (rcon.transport === 'exec' && !rcon.command) at(['servers', i, 'rcon'], 'the exec transport needs "command"');
      if (rcon.transport !== 'exec' && rcon.port === undefined) at(['servers', i, 'rcon'], `the ${rcon.transport} transport needs "port"`);
    }
    if (server.commands.length > 0 && !rcon) at(['servers', i, 'commands'], 'commands need an "rcon" section');
    server.commands.forEach((command, j) => {
      if (typeof command === 'string') return;
      command.rules.forEach((name, k) => {
        if (!ruleNames.has(name)) at(['servers', i, 'commands', j, 'rules', k], `unknown rule "${name}"`);
      });
    });
  });
  if (config.cluster) checkCluster(config, config.cluster, at);
  config.rules.forEach((rule, i) => {
    rule.servers?.forEach((id, j) => {
      if (!ids.has(id)) at(['rules', i, 'servers', j], `unknown server "${id}"`);
    });
  });
}

/** `${VAR}` and `${VAR:-default}` in any string value; `$${` escapes. Done on parsed values, not raw text, so YAML structure cannot be injected. */
function interpolate(value: unknown, keyPath: PathKey[], env: NodeJS.ProcessEnv, at: (p: PathKey[], m: string) => void): unknown {
  if (typeof value === 'string') {
    // `port: ${RCON_PORT}` should give a number: a value that is one whole reference takes the type it reads as.
    const whole = /^\$\{[^}]+\}$/.test(value);
    const replaced = value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) => {
      if (whole.startsWith('$$')) return whole.slice(1);
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      at(keyPath, `environment variable ${name} is not set`);
      return '';
    });
    // A secret takes whatever string the variable holds: `918273645` or `true` is a password.
    if (whole && !isSecretPath(keyPath) && /^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced);
    if (whole && !isSecretPath(keyPath) && (replaced === 'true' || replaced === 'false')) return replaced === 'true';
    return replaced;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...keyPath, i], env, at));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, [...keyPath, k], env, at)]));
  }
  return value;
}

/**
 * `password_file: PATH` becomes `password: <content>`, `tokens_file` becomes `tokens: [lines]`.
 * A bare file name is looked up in $CREDENTIALS_DIRECTORY first (systemd LoadCredential=),
 * otherwise paths are relative to the config file.
 */
function readSecretFiles(
  value: unknown,
  keyPath: PathKey[],
  baseDir: string,
  env: NodeJS.ProcessEnv,
  at: (p: PathKey[], m: string) => void,
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => readSecretFiles(v, [...keyPath, i], baseDir, env, at));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'password_from') {
      readPasswordFromKey(value as Record<string, unknown>, out, [...keyPath, key], baseDir, at);
      continue;
    }
    const secretKey = key === 'password_file' ? 'password' : key === 'tokens_file' ? 'tokens' : undefined;
    if (secretKey === undefined || typeof v !== 'string') {
      out[key] = readSecretFiles(v, [...keyPath, key], baseDir, env, at);
      continue;
    }
    if (secretKey in (value as object)) {
      at([...keyPath, key], `use either "${secretKey}" or "${key}", not both`);
      continue;
    }
    const file = resolveSecretPath(v, baseDir, env);
    try {
      const content = readRegularFileSync(file, MAX_SECRET_BYTES);
      out[secretKey] =
        secretKey === 'tokens'
          ? content.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'))
          : content.trim();
    } catch (err) {
      at([...keyPath, key], `cannot read secret file ${JSON.stringify(file)} (${readFailure(file, err)})`);
    }
  }
  return out;
}

/** `password_from` (see password-from.ts) becomes `password`; its shape is checked like every key. */
function readPasswordFromKey(
  parent: Record<string, unknown>,
  out: Record<string, unknown>,
  keyPath: PathKey[],
  baseDir: string,
  at: (p: PathKey[], m: string) => void,
): void {
  const other = ['password', 'password_file'].find((k) => k in parent);
  if (other) return at(keyPath, `use either "${other}" or "password_from", not both`);
  const ref = passwordFromSchema.safeParse(parent.password_from);
  if (!ref.success) {
    const got = JSON.stringify(parent.password_from);
    return at(keyPath, `expected { file: PATH, key: KEY } or { process: NAME, arg: FLAG } (cwd, format optional), got ${got}`);
  }
  const result = readPasswordFrom(ref.data, baseDir);
  if ('error' in result) at(keyPath, result.error);
  else out.password = result.value;
}

function resolveSecretPath(file: string, baseDir: string, env: NodeJS.ProcessEnv): string {
  const credentials = env.CREDENTIALS_DIRECTORY;
  if (credentials && !file.includes('/')) return path.join(credentials, file);
  return path.resolve(baseDir, file);
}

/** Keys whose values are secrets (and everything below them, e.g. each of `api.tokens`). */
const SECRET_KEYS: ReadonlySet<PathKey> = new Set(['password', 'tokens']);

function isSecretPath(keyPath: readonly PathKey[]): boolean {
  return keyPath.some((key) => SECRET_KEYS.has(key));
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

/**
 * JSON.stringify replacer for a value shown in an error: secrets below it, and the password of
 * every URL in a string (`redis://:pw@host`, also inside `--url=redis://:pw@host`), print as <secret>.
 */
function hideSecrets(key: string, value: unknown): unknown {
  if (SECRET_KEYS.has(key)) return '<secret>';
  return typeof value === 'string' ? value.replace(/(:\/\/[^/@:\s]*:)[^/@\s]*@/g, '$1<secret>@') : value;
}

function formatPath(keyPath: PathKey[]): string {
  let out = '';
  for (const key of keyPath) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out || '(top level)';
}

function valueAt(data: unknown, keyPath: PathKey[]): unknown {
  let cur: unknown = data;
  for (const key of keyPath) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PathKey, unknown>)[key];
  }
  return cur;
}

/** The YAML node for a key path (the key itself for mapping entries, so the line is the key's); falls back to the nearest parent. */
function nodeAt(doc: Document, keyPath: PathKey[]): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (!pair) break;
      found = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      found = node.items[key] as Node;
      node = found;
    } else break;
  }
  return found;
}
