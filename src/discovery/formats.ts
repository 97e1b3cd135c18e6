/**
 * Readers of the games' own settings files, as key -> value maps. Shared by discovery (which
 * reads them to build a server) and `password_from` (which reads one key again at load), so a
 * value is found the same way by both.
 *
 * - properties: Minecraft's server.properties (`key=value`, `#` comments, `\` escapes)
 * - ini: Unreal's GameUserSettings.ini / PalWorldSettings.ini (`Key=Value` in sections; a
 *   value `(A=1,B="x")` such as Palworld's OptionSettings is opened into its keys too)
 * - cfg: Source's server.cfg (`rcon_password "x"`) and LinuxGSM's shell files (`port="28015"`)
 */
export type FileFormat = 'properties' | 'ini' | 'cfg';
export const FILE_FORMATS = ['properties', 'ini', 'cfg'] as const;

export function formatOf(file: string): FileFormat {
  if (file.endsWith('.properties')) return 'properties';
  if (file.endsWith('.ini')) return 'ini';
  return 'cfg';
}

export function parseSettings(text: string, format: FileFormat): Map<string, string> {
  if (format === 'properties') return parseProperties(text);
  if (format === 'ini') return parseIni(text);
  return parseCfg(text);
}

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:]?\s*(.*)$/.exec(line);
    if (!m) continue;
    out.set(unescapeProperties(m[1]!), unescapeProperties(m[2]!.trimEnd()));
  }
  return out;
}

const unescapeProperties = (s: string) =>
  s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ t: '\t', n: '\n', r: '\r' } as Record<string, string>)[c] ?? c);

export function parseIni(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (!out.has(key)) out.set(key, unquote(value));
    if (value.startsWith('(') && value.endsWith(')')) {
      for (const [k, v] of splitTuple(value.slice(1, -1))) if (!out.has(k)) out.set(k, v);
    }
  }
  return out;
}

/** `A=1,B="x,y",C=(..)` -> pairs; commas inside quotes or parentheses do not split. */
function splitTuple(body: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  const push = (part: string) => {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.push([part.slice(0, eq).trim(), unquote(part.slice(eq + 1).trim())]);
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      push(body.slice(start, i));
      start = i + 1;
    }
  }
  push(body.slice(start));
  return pairs;
}

export function parseCfg(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
    // LinuxGSM (shell): key="value"; Source: key "value" or key value, `//` comments after.
    const shell = /^([A-Za-z_][A-Za-z0-9_.]*)=(.*)$/.exec(line);
    const source = shell ? undefined : /^([A-Za-z_][A-Za-z0-9_.]*)\s+(.*)$/.exec(line);
    const m = shell ?? source;
    if (!m) continue;
    let value = m[2]!.trim();
    if (!value.startsWith('"') && !value.startsWith("'")) value = value.replace(/\s*(\/\/|#).*$/, '');
    else value = /^(["'])(.*?)\1/.exec(value)?.[0] ?? value;
    out.set(m[1]!, unquote(value));
  }
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) return value.slice(1, -1);
  return value;
}

/** Values of `+flag value` / `-flag value` in an argv (the last one wins, as in the games). */
export function argValue(argv: readonly string[], ...flags: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length - 1; i++) if (flags.includes(argv[i]!)) found = argv[i + 1];
  return found;
}

/** ARK's `Map?Key=Value?Key2=Value2` first argument as a map. */
export function arkUrlOptions(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of argv) {
    if (!arg.includes('?')) continue;
    for (const part of arg.split('?').slice(1)) {
      const eq = part.indexOf('=');
      if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  return out;
}

export const isTrue = (v: string | undefined) => v !== undefined && /^(true|1|yes|on)$/i.test(v.trim());
